"""``whimscreen analyze *.ab1``: outputs, images, bad files, and the generic ``--reference`` mode."""

import gzip
import json

import pytest

from tests.conftest import run_cli
from whimscreen.calling.sanger.trim import mott_trim
from whimscreen.sequencing.abif import read_trace
from whimscreen.sequencing.simulate_amplicons import write_sample
from whimscreen.sequencing.simulate_trace import simulate_trace, write_abif

from .conftest import DATA, snv


def test_cli_writes_calls_and_chromatograms(locus, tmp_path):
    v = snv(locus, 136115111)
    paths = write_sample(locus, tmp_path / "in", [(v, "het")], seed=2)
    proc = run_cli(
        "analyze", *map(str, paths), "--sample", "S1", "--out", str(tmp_path / "out"), "--no-kb", "--images"
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "out" / "S1.json").read_text())
    assert doc["input_kind"] == "ab1" and doc["qc"]["fully_covered"]
    assert [(x["pos"], x["alt"], x["images"]) for x in doc["variants"]] == [
        (v.pos, v.alt, ["S1.1.png", "S1.1.svg"])
    ]
    assert (tmp_path / "out" / "S1.1.png").stat().st_size > 1000
    # without --images (the default) none are drawn; the earlier result is replaced as a whole, and what a
    # killed run left beside it is removed with a warning
    (tmp_path / ".out.whimscreen-tmp-0badf00d").mkdir()
    proc = run_cli("analyze", *map(str, paths), "--sample", "S1", "--out", str(tmp_path / "out"), "--no-kb")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("warning: ") and "removed the temporary directory" in proc.stderr
    assert not (tmp_path / ".out.whimscreen-tmp-0badf00d").exists()
    doc = json.loads((tmp_path / "out" / "S1.json").read_text())
    assert [x["images"] for x in doc["variants"]] == [[]]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["S1.json", "S1.vcf.gz", "S1.vcf.gz.tbi"]


@pytest.mark.parametrize("kind", ["truncated", "not_abif", "fake_header"])
def test_bad_trace_exit_2_nothing_written(locus, tmp_path, kind):
    good = write_sample(locus, tmp_path / "in", [], seed=1, amplicons={"a": (136115169, 136115719)})
    bad = tmp_path / "bad.ab1"
    data = good[0].read_bytes()
    bad.write_bytes(
        {"truncated": data[: len(data) // 3], "not_abif": b"hello", "fake_header": b"ABIF" + bytes(60)}[kind]
    )
    out = tmp_path / "out"
    proc = run_cli("analyze", str(good[0]), str(bad), "--sample", "S1", "--out", str(out), "--no-kb")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("error: ") and "bad.ab1" in proc.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_generic_reference_on_a_public_trace(tmp_path):
    """Biopython's 3100 trace (16S rRNA) against its own clean calls: the engine places it, covers the
    reference and finds no indel in real signal."""
    trace_path = tmp_path / "3100.ab1"
    trace_path.write_bytes(gzip.decompress((DATA / "3100.ab1.gz").read_bytes()))
    t = read_trace(trace_path)
    a, b = mott_trim(t.quality)
    (tmp_path / "ref.fa").write_text(">amp16S\n" + t.bases[a:b].replace("N", "A") + "\n")
    out = tmp_path / "out"
    proc = run_cli(
        "analyze",
        str(trace_path),
        "--sample",
        "P",
        "--out",
        str(out),
        "--reference",
        str(tmp_path / "ref.fa"),
        "--no-kb",
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "P.json").read_text())
    assert doc["qc"]["covered_bases"] >= 0.9 * doc["qc"]["reportable_bases"]
    assert all(x["chrom"] == "amp16S" and len(x["ref"]) == len(x["alt"]) == 1 for x in doc["variants"])
    assert len(doc["variants"]) <= 2
    assert all(x["hgvs_g"].startswith("amp16S:g.") for x in doc["variants"])
    assert (out / "P.vcf.gz").exists()


def test_generic_reference_finds_a_het_deletion(tmp_path):
    import numpy as np

    ref = "".join(np.random.default_rng(5).choice(list("ACGT"), 500))
    write_abif(tmp_path / "r.ab1", simulate_trace(ref, ref[:200] + ref[206:], seed=5))
    (tmp_path / "ref.fa").write_text(">myamp some description\n" + ref + "\n")
    proc = run_cli(
        "analyze",
        str(tmp_path / "r.ab1"),
        "--sample",
        "G",
        "--out",
        str(tmp_path / "o"),
        "--reference",
        str(tmp_path / "ref.fa"),
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "o" / "G.json").read_text())
    [x] = doc["variants"]
    assert (x["chrom"], x["genotype"], len(x["ref"]) - len(x["alt"])) == ("myamp", "0/1", 6)
    assert x["hgvs_g"].startswith("myamp:g.") and x["hgvs_g"].endswith("del")
