"""``whimscreen analyze-run``: a sheet of Sanger and NGS samples in one process; a failed sample is recorded
and never stops the others; each sample's directory is complete; a bad sheet stops the run before any work."""

import csv
import json

import pytest

from tests.conftest import run_cli
from whimscreen.calling.result_dir import check_result
from whimscreen.cli import analyze_run as run_module
from whimscreen.errors import AnalysisError, InputFileError
from whimscreen.reference.variant import GenomicVariant
from whimscreen.sequencing.simulate import amplicon_layout, simulate
from whimscreen.sequencing.simulate_amplicons import write_sample

AMPLICON = {"a": (136115169, 136115719)}


@pytest.fixture(scope="module")
def plate(tmp_path_factory, locus):
    """A sheet: a Sanger sample with a het SNV, a FASTQ pair, a missing file, a kind that is wrong."""
    root = tmp_path_factory.mktemp("plate")
    het = GenomicVariant(136115300, locus.base(136115300), "A" if locus.base(136115300) != "A" else "G")
    traces = write_sample(locus, root / "S1", [(het, "het")], seed=4, amplicons=AMPLICON)
    (root / "N1").mkdir()
    run = simulate(locus, [], amplicon_layout(), 40, root / "N1" / "n", seed=3)
    rows = [
        "# plate 7, run by the night shift",
        "sample,files,kind,phenotype",
        "S1," + ";".join(f"S1/{p.name}" for p in traces) + ",sanger,myelokathexis",
        f"N1,{run.fastq[0]};{run.fastq[1]},,",
        "GONE,S1/missing.ab1,,",
        f"WRONG,{traces[0].name},bam,",
    ]
    (root / "S1" / traces[0].name).rename(root / traces[0].name)  # one file beside the sheet
    rows[2] = rows[2].replace(f"S1/{traces[0].name}", traces[0].name)
    sheet = root / "sheet.csv"
    sheet.write_text("\n".join(rows) + "\n")
    return sheet, het


def _summary(out) -> dict:
    with open(out / "run_summary.csv", newline="") as fh:
        return {r["sample"]: r for r in csv.DictReader(fh)}


def test_a_plate_is_analysed_failures_recorded_exit_2(plate, tmp_path, home):
    sheet, het = plate
    out = tmp_path / "run"
    proc = run_cli("analyze-run", str(sheet), "--out", str(out), home=home)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "error: 2 of 4 samples failed: GONE, WRONG"
    rows = _summary(out)
    assert [r["status"] for r in rows.values()] == ["done", "done", "failed", "failed"]
    assert rows["S1"]["kind"] == "ab1" and rows["S1"]["pass_variants"] == "1"
    assert rows["N1"]["kind"] == "fastq" and rows["N1"]["pass_variants"] == "0"
    assert "missing.ab1: no such file" in rows["GONE"]["error"]
    assert "the sheet says bam but the file is ab1" in rows["WRONG"]["error"]
    for s in ("S1", "N1"):
        assert check_result(out / s, s) == []  # complete, as `analyze` writes it
    assert not (out / "GONE").exists() and not (out / "WRONG").exists()
    doc = json.loads((out / "S1" / "S1.json").read_text())
    assert [v["pos"] for v in doc["variants"]] == [het.pos] and doc["variants"][0]["images"] == []
    assert doc["result"]["phenotype"] == ["myelokathexis"]
    html = (out / "run_summary.html").read_text()
    assert "2 analysed, 2 failed, 0 pending, of 4 samples" in html and "<td>GONE</td>" in html


def test_an_unexpected_error_in_one_sample_does_not_stop_the_run(plate, tmp_path, home, monkeypatch):
    sheet, _ = plate
    real = run_module.analyze_paths

    def flaky(paths, sample, *args, **kwargs):
        if sample == "S1":
            raise RuntimeError("<boom>")
        return real(paths, sample, *args, **kwargs)

    monkeypatch.setattr(run_module, "analyze_paths", flaky)
    out = tmp_path / "run"
    with pytest.raises(AnalysisError, match="3 of 4 samples failed"):
        run_module.analyze_run(sheet, out, images=False, no_kb=True)
    rows = _summary(out)
    assert rows["S1"]["error"] == "internal error (RuntimeError: <boom>); please report"
    assert rows["N1"]["status"] == "done" and check_result(out / "N1", "N1") == []
    assert "&lt;boom&gt;" in (out / "run_summary.html").read_text()  # escaped


@pytest.mark.parametrize(
    "text, message",
    [
        ("sample,files\nA,a.ab1\nA,b.ab1\n", "sample A is on lines 2 and 3"),
        ("sample,files,colour\nA,a.ab1,red\n", "unknown column 'colour'"),
        ("sample,kind\nA,ab1\n", "missing files"),
        ("sample,files\n", "lists no sample"),
        ("sample,files\nA,\n", "line 2 has no sample or no files"),
    ],
)
def test_a_bad_sheet_stops_before_any_work(tmp_path, text, message):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(text)
    with pytest.raises(InputFileError, match=message):
        run_module.read_sheet(sheet)
    proc = run_cli("analyze-run", str(sheet), "--out", str(tmp_path / "run"))
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and message in proc.stderr
    assert not (tmp_path / "run").exists()
