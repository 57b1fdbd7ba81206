"""``whimscreen analyze``: output valid against the schema; bad input exits 2 and leaves DIR untouched."""

import gzip
import json
from importlib import resources

import jsonschema
import pytest

from tests.conftest import run_cli
from whimscreen.sequencing.simulate import TruthVariant, amplicon_layout, simulate


@pytest.fixture(scope="module")
def fastq(tmp_path_factory, locus):
    truth = [TruthVariant(136114928, "G", "A", 0.5)]
    return simulate(locus, truth, amplicon_layout(), 60, tmp_path_factory.mktemp("cli") / "s", seed=8)


def test_analyze_fastq_writes_schema_valid_json(tmp_path, fastq, home):
    out = tmp_path / "out"
    proc = run_cli(
        "analyze",
        *map(str, fastq.fastq),
        "--sample",
        "P1",
        "--out",
        str(out),
        "--primers",
        str(fastq.primers_bed),
        home=home,
        check=True,
    )
    assert "DEMO REFERENCE" in proc.stdout
    # the terminal names the call and its class, and gives the result
    assert "c.1000C>T p.(Arg334*) heterozygous" in proc.stdout and "Likely pathogenic" in proc.stdout
    assert "RESULT: POSITIVE" in proc.stdout
    doc = json.loads((out / "P1.json").read_text())
    schema = json.loads(resources.files("whimscreen.calling").joinpath("analysis.schema.json").read_text())
    jsonschema.validate(doc, schema)
    [v] = doc["variants"]
    assert v["hgvs_c"] == "NM_003467.3:c.1000C>T" and v["genotype"] == "0/1" and doc["qc"]["fully_covered"]
    assert v["zygosity"] == "heterozygous" and v["in_reportable_range"]
    assert not v["classification"]["review_required"]
    assert (out / "P1.vcf.gz.tbi").exists()
    # provenance: every input recorded with its size and SHA-256
    import hashlib

    recorded = {f["name"]: f for f in doc["input_files"]}
    for path in fastq.fastq:
        assert recorded[path.name]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert recorded[path.name]["bytes"] == path.stat().st_size
        assert recorded[path.name]["records"] == fastq.n_fragments  # every record of each mate file read
    # the QC sheet: reads aligned to the locus, on-target fraction (amplicons tile the reportable range)
    qc = doc["qc"]
    assert 0.9 * 2 * fastq.n_fragments <= qc["reads_aligned"] <= 2 * fastq.n_fragments
    assert 0.5 < qc["on_target_fraction"] <= 1.0


def _truncated_gz(path, src):
    with gzip.open(src, "rb") as fh:
        packed = gzip.compress(fh.read())
    path.write_bytes(packed[: len(packed) // 2])
    return path


@pytest.mark.parametrize("kind", ["empty", "truncated", "not_fastq", "ab1"])
def test_bad_input_exits_2_and_leaves_dir_untouched(tmp_path, fastq, home, kind):
    bad = tmp_path / f"bad.{kind}"
    if kind == "empty":
        bad.write_bytes(b"")
    elif kind == "truncated":
        _truncated_gz(bad, fastq.fastq[0])
    elif kind == "not_fastq":
        bad.write_text("hello\n")
    else:
        bad.write_bytes(b"ABIF" + bytes(100))
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    proc = run_cli("analyze", str(bad), "--sample", "P1", "--out", str(out), home=home)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and ("bad." in proc.stderr or "Sanger" in proc.stderr)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
