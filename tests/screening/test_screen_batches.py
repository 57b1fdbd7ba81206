"""The tasks' batches: every file once, BAM/CRAM each in a batch of its own and first (re-called at the
locus, one takes longer than hundreds of VCFs), the other files largest first, at most FILES_PER_BATCH."""

from whimscreen.screening.cohort import FILES_PER_BATCH, Input, file_batches


def test_alignments_alone_and_first_then_the_largest_files(tmp_path):
    items = []
    for i in range(120):
        p = tmp_path / f"S{i:03d}.vcf.gz"
        p.write_bytes(b"x" * (10 + i))
        items.append(Input(str(p)))
    joint = tmp_path / "joint.vcf.gz"
    joint.write_bytes(b"x" * 5000)
    cram = tmp_path / "C1.cram"
    cram.write_bytes(b"x" * 100)
    items += [Input(str(joint)), Input(str(cram)), Input(str(tmp_path / "B1.BAM")), Input("missing.vcf")]

    batches = file_batches(items)
    flat = [i.path for b in batches for i in b]
    assert sorted(flat) == sorted(i.path for i in items)  # each once
    assert {batches[0][0].path, batches[1][0].path} == {str(cram), str(tmp_path / "B1.BAM")}
    assert [len(b) for b in batches[:2]] == [1, 1]
    assert batches[2][0].path == str(joint) and batches[2][1].path.endswith("S119.vcf.gz")
    assert all(len(b) <= FILES_PER_BATCH for b in batches) and len(batches) == 2 + 3
    assert batches[-1][-1].path == "missing.vcf"
