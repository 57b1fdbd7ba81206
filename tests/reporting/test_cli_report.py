"""``whimscreen report`` renders a DRAFT from an analysis, all files or none; bad inputs are one-line errors
naming the file; ``whimscreen lab set`` stores the identity the drafts then print."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.reporting.conftest import pdf_pages


def _analysis(analyses, tmp_path) -> str:
    path = tmp_path / "POS1.json"
    path.write_text(json.dumps(analyses["Positive"]))
    return str(path)


def test_draft_report_with_patient_details(analyses, tmp_path):
    patient = tmp_path / "patient.yaml"
    patient.write_text("name: Lena Draft\nbirth_date: 2012-03-04\nsex: female\ncollected: 2026-11-02\n")
    out = tmp_path / "out"
    r = run_cli("report", _analysis(analyses, tmp_path), "--out", str(out), "--patient", str(patient),
                home=tmp_path / "home")  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["POS1.report.html", "POS1.report.pdf"]
    pages = pdf_pages((out / "POS1.report.pdf").read_bytes(), tmp_path)
    assert "DRAFT — NOT SIGNED" in pages[0] and "Collected 2026-11-02" in pages[0]
    assert all("Lena Draft" in p and "born 2012-03-04" in p for p in pages)
    html = (out / "POS1.report.html").read_text()
    assert "DRAFT — NOT SIGNED" in html and "NM_003467.3:c.1000C&gt;T" in html


def test_bad_inputs_are_one_line_errors_and_write_nothing(analyses, tmp_path):
    out = tmp_path / "out"
    analysis = _analysis(analyses, tmp_path)
    bad = tmp_path / "patient.yaml"
    bad.write_text("name: X\nshoe_size: 42\n")
    cases = [
        (("--patient", str(bad)), f"{bad}: unknown patient field(s) shoe_size"),
        (("--format", "pdf,docx"), "unknown format docx"),
        (("--patient", str(tmp_path / "missing.yaml")), "missing.yaml: cannot read the patient file"),
    ]
    for extra, message in cases:
        r = run_cli("report", analysis, "--out", str(out), *extra, home=tmp_path / "home")
        assert r.returncode == 2 and message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert not out.exists() or not any(out.iterdir())
    notjson = tmp_path / "x.json"
    notjson.write_text("{not json")
    r = run_cli("report", str(notjson), "--out", str(out), home=tmp_path / "home")
    assert r.returncode == 2 and f"{notjson}: not an analysis JSON" in r.stderr
    r = run_cli("report", str(tmp_path / "patient.yaml"), "--out", str(out), home=tmp_path / "home")
    assert r.returncode == 2 and "not an analysis JSON" in r.stderr


def test_lab_set_is_printed_on_drafts(analyses, tmp_path):
    home = tmp_path / "home"
    identity = ("--name", "Northern Genetics Lab", "--address", "5 North St", "--clia", "12D3456789")
    identity += ("--cap", "1234567", "--director", "Ada Director, MD, PhD")
    r = run_cli("lab", "set", *identity, home=home)
    assert r.returncode == 0 and "complete: reports can be signed" in r.stdout, r.stderr
    r = run_cli("lab", "set", "--director", "No Credentials", home=home)
    assert r.returncode == 2 and "NAME, CREDENTIALS" in r.stderr
    shown = run_cli("lab", "show", home=home).stdout
    assert "Ada Director, MD, PhD" in shown  # the refused change left it as it was
    out = tmp_path / "out"
    run_cli(
        "report", _analysis(analyses, tmp_path), "--out", str(out), "--format", "pdf", home=home, check=True
    )
    first = pdf_pages((out / "POS1.report.pdf").read_bytes(), tmp_path)[0]
    assert "Northern Genetics Lab" in first and "CLIA 12D3456789" in first


def test_a_mistyped_option_is_a_usage_error_not_an_internal_one(tmp_path):
    r = run_cli("report", "x.json", "--outt", "d", home=tmp_path / "home")
    assert r.returncode == 2 and "No such option: --outt" in r.stderr and "internal error" not in r.stderr


def test_every_format_at_once(analyses, tmp_path):
    out = tmp_path / "out"
    every = ("--format", "pdf,html,fhir,phenopacket")
    run_cli(
        "report", _analysis(analyses, tmp_path), "--out", str(out), *every, home=tmp_path / "home", check=True
    )
    names = sorted(p.name for p in out.iterdir())
    assert names == ["POS1.fhir.json", "POS1.phenopacket.json", "POS1.report.html", "POS1.report.pdf"]
    bundle = json.loads((out / "POS1.fhir.json").read_text())
    report = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DiagnosticReport"
    )
    assert report["status"] == "preliminary"  # a draft
    packet = json.loads((out / "POS1.phenopacket.json").read_text())
    assert packet["subject"]["id"] == "POS1"
