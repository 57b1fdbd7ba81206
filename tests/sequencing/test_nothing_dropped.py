"""Nothing is dropped silently (issue 12): a record is read or the run stops naming it; a flat trace fails
QC instead of giving calls; the CRAM reference is the one given, and the right one; htslib stays off the
terminal and an unexpected exception is one line with exit status 1."""

import gzip

import numpy as np
import pytest

from tests.conftest import run_cli
from whimscreen.calling.pipeline import analyze_paths
from whimscreen.calling.sanger import analyze_traces
from whimscreen.errors import AnalysisError, InputFileError
from whimscreen.sequencing.abif import read_trace
from whimscreen.sequencing.fastq import read_fastq
from whimscreen.sequencing.simulate_amplicons import write_sample
from whimscreen.sequencing.simulate_inputs import write_inputs
from whimscreen.sequencing.simulate_trace import write_abif


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, locus):
    return write_inputs(locus, tmp_path_factory.mktemp("inputs"), depth=10)


def _records(path):
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _non_utf8_second_header(data: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[4] += b"\xe9\xff"
    return b"\n".join(lines)


def test_a_non_utf8_fastq_header_is_read_not_dropped(tmp_path, inputs, locus):
    src = inputs["fastq"][0]
    n = src.read_bytes().count(b"\n") // 4
    bad = tmp_path / "x.fastq"
    bad.write_bytes(_non_utf8_second_header(src.read_bytes()))
    names = [name for name, _, _ in read_fastq(bad)]
    assert len(names) == n and names[1].startswith(names[0][:3])  # 400 of 400, not 399
    analysis = analyze_paths([bad], "F1", None, locus)
    assert analysis.input_files[0]["records"] == n


def test_a_non_utf8_header_in_one_mate_file_is_no_truncated_pair(tmp_path, inputs, locus):
    r1, r2 = inputs["fastq pair"]
    a, b = tmp_path / "a_R1.fastq", tmp_path / "a_R2.fastq"
    a.write_bytes(_records(r1))
    b.write_bytes(_non_utf8_second_header(_records(r2)))
    n = a.read_bytes().count(b"\n") // 4
    analysis = analyze_paths([a, b], "F2", None, locus)
    assert [f["records"] for f in analysis.input_files] == [n, n]
    assert analysis.qc.reads_aligned > 0 and 0 < analysis.qc.on_target_fraction <= 1


def test_records_of_bam_and_vcf_inputs(inputs, locus):
    bam = analyze_paths(inputs["bam"], "B1", None, locus)
    with __import__("pysam").AlignmentFile(str(inputs["bam"][0])) as af:
        assert bam.input_files[0]["records"] == af.mapped + af.unmapped  # every read lies on the locus
    assert bam.qc.reads_aligned == bam.input_files[0]["records"]
    vcf = analyze_paths(inputs["vcf"], "V1", None, locus)
    assert vcf.input_files[0]["records"] == 1 and vcf.qc.reads_aligned is None


@pytest.mark.parametrize("cut", [1, 2, 5])
def test_a_plain_vcf_cut_inside_its_last_record_is_refused(tmp_path, inputs, locus, cut):
    """Cut inside the sample column (the last field) the record used to read as a shorter valid one."""
    whole = inputs["vcf"][0].read_bytes()
    assert whole.endswith(b"\n")
    cut_file = tmp_path / "cut.vcf"
    cut_file.write_bytes(whole[:-cut])
    with pytest.raises(InputFileError, match=r"cut\.vcf: the file does not end with a line break"):
        analyze_paths([cut_file], "V1", None, locus)
    assert analyze_paths(inputs["vcf"], "V1", None, locus).input_files[0]["records"] == 1  # whole: read


def _flat(path, out, level=100.0, noise=0.0):
    t = read_trace(path)
    rng = np.random.default_rng(3)
    scans = len(t.channels["A"])
    channels = {b: level + rng.normal(0, noise, scans) if noise else np.full(scans, level) for b in "ACGT"}
    return write_abif(out, {"channels": channels, "bases": t.bases, "quality": t.quality, "peaks": t.peaks})


@pytest.mark.parametrize("noise", [0.0, 3.0])
def test_a_flat_trace_fails_qc_and_gives_no_calls(tmp_path, locus, noise):
    good = write_sample(locus, tmp_path / "g", amplicons={"ex2a": (136114749, 136115299)})
    flat = _flat(good[0], tmp_path / "flat_F.ab1", noise=noise)
    with pytest.raises(AnalysisError, match="signal-to-noise .* below 3 .*QC failed"):
        analyze_traces([flat], "T1", locus=locus)
    # beside a good read of the other strand: listed as failed, its calls never reach the sample
    mixed = analyze_traces([flat, good[1]], "T2", locus=locus)
    assert [f["name"] for f in mixed.parameters["failed_reads"]] == ["flat_F.ab1"]
    assert [r["name"] for r in mixed.parameters["reads"]] == [good[1].name]
    assert mixed.parameters["reads"][0]["signal_to_noise"] >= 20


def test_cram_reference_must_exist_and_be_the_right_genome(tmp_path, locus):
    from whimscreen.sequencing.simulate_inputs import write_genome_fasta

    base = write_inputs(locus, tmp_path / "in", cram=True, depth=5)
    cram = base["cram"][0]
    with pytest.raises(InputFileError, match="nowhere.fa: no such file"):  # not the header's UR: path
        analyze_paths([cram], "C1", None, locus, reference_fasta=tmp_path / "nowhere.fa")
    wrong = write_genome_fasta(locus, tmp_path / "wrong.fa.gz", sequence=locus.sequence[::-1])
    with pytest.raises(InputFileError, match="not the genome .* sequence of chr2 differs .*MD5"):
        analyze_paths([cram], "C1", None, locus, reference_fasta=wrong)
    with pytest.raises(InputFileError, match="cannot read as an indexed FASTA"):
        analyze_paths([cram], "C1", None, locus, reference_fasta=cram)
    ok = analyze_paths([cram], "C1", None, locus, reference_fasta=tmp_path / "in" / "genome.fa.gz")
    assert ok.input_files[0]["records"] > 0 and len(ok.calls) == 1


def test_damaged_bam_body_is_one_line_without_htslib_noise(tmp_path, home):
    from tests.fuzzing import CORPUS

    bam = str(CORPUS / "bam-damaged-body.bam")
    proc = run_cli("analyze", bam, "--sample", "B1", "--out", str(tmp_path / "o"), home=home)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ")
    assert "bam-damaged-body.bam" in proc.stderr and "htslib:" in proc.stderr  # its words folded into ours
    assert "Exception ignored" not in proc.stderr and "[E::" not in proc.stderr


def test_an_unexpected_exception_is_one_line_with_exit_1(monkeypatch, capsys, tmp_path, inputs):
    import sys

    from whimscreen import cli
    from whimscreen.cli import analyze

    def broken(*args, **kwargs):
        raise RuntimeError("something nobody foresaw\nsecond line")

    monkeypatch.setattr(analyze, "analyze_paths", broken)
    monkeypatch.setattr(sys, "argv", ["whimscreen", "analyze", str(inputs["vcf"][0]), "--sample", "X",
                                      "--out", str(tmp_path / "o"), "--no-kb"])  # fmt: skip
    with pytest.raises(SystemExit) as info:
        cli.main()
    err = capsys.readouterr().err
    assert info.value.code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: internal error (RuntimeError: something nobody foresaw second line")
    assert "please report it" in err
