"""Trios and the familial variant test through ``whimscreen analyze``: inheritance from the parents' analyses
(de novo only with both parents covered and negative), PS2/PM6 by parentage, and the targeted result."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli
from whimscreen.program.demo_data import write_gvcf

R334X = "NM_003467.3:c.1000C>T"


@pytest.fixture
def files(tmp_path, locus):
    def make(name: str, variant: str | None = None, coverage: bool = True):
        return str(write_gvcf(locus, tmp_path / f"{name}.vcf", name, variant, coverage=coverage))

    return make


def analyze(home, tmp_path, *args):
    out = tmp_path / "out"
    proc = run_cli("analyze", *args, "--sample", "P1", "--out", str(out), home=home)
    return proc, (json.loads((out / "P1.json").read_text()) if proc.returncode == 0 else None)


def test_child_variant_absent_in_both_covered_parents_is_de_novo(home, tmp_path, files):
    child, mom, dad = files("child", R334X), files("mom"), files("dad")
    mk = ("--phenotype", "myelokathexis")
    proc, doc = analyze(home, tmp_path, child, "--mother", mom, "--father", dad, *mk)
    assert proc.returncode == 0, proc.stderr
    v = doc["variants"][0]
    expected = {"inheritance": "de_novo", "mother": "absent", "father": "absent", "parentage": "assumed"}
    assert v["inheritance"] == expected
    codes = {(c["code"], c["strength"]) for c in v["classification"]["criteria"]}
    assert ("PM6", "moderate") in codes and "PP4" not in {c for c, _ in codes}  # SVI: 1 point
    assert "inheritance: de novo" in proc.stdout and doc["family"]["parentage"] == "assumed"
    _, confirmed = analyze(
        home, tmp_path, child, "--mother", mom, "--father", dad, "--parentage", "confirmed", *mk
    )
    codes = {(c["code"], c["strength"]) for c in confirmed["variants"][0]["classification"]["criteria"]}
    assert ("PS2", "strong") in codes and "PM6" not in {c for c, _ in codes}


def test_one_parent_uncovered_gives_not_determined(home, tmp_path, files):
    child, mom, dad = files("child", R334X), files("mom", coverage=False), files("dad")
    _, doc = analyze(home, tmp_path, child, "--mother", mom, "--father", dad, "--parentage", "confirmed")
    v = doc["variants"][0]
    assert v["inheritance"]["inheritance"] == "not_determined" and v["inheritance"]["mother"] == "not covered"
    assert not {"PS2", "PM6"} & {c["code"] for c in v["classification"]["criteria"]}
    _, only_mother = analyze(home, tmp_path, child, "--mother", files("mom2"))
    assert only_mother["variants"][0]["inheritance"]["inheritance"] == "not_determined"  # father not tested


@pytest.mark.parametrize("carrier, mode", [("mother", "maternal"), ("father", "paternal")])
def test_inherited_variant_has_no_de_novo_criterion(home, tmp_path, files, carrier, mode):
    parents = {"mother": files("mom", R334X if carrier == "mother" else None)}
    parents["father"] = files("dad", R334X if carrier == "father" else None)
    args = ("--mother", parents["mother"], "--father", parents["father"], "--phenotype", "myelokathexis")
    _, doc = analyze(home, tmp_path, files("child", R334X), *args)
    v = doc["variants"][0]
    assert v["inheritance"]["inheritance"] == mode
    assert not {"PS2", "PM6"} & {c["code"] for c in v["classification"]["criteria"]}


def test_parents_and_de_novo_flag_are_exclusive(home, tmp_path, files):
    proc, _ = analyze(home, tmp_path, files("child", R334X), "--mother", files("m"), "--de-novo", "confirmed")
    assert proc.returncode == 2 and proc.stderr.startswith("error: ")


def test_familial_variant_detected_not_detected_inconclusive(home, tmp_path, files):
    proc, carrier = analyze(home, tmp_path, files("rel1", R334X), "--familial-variant", R334X)
    assert proc.returncode == 0, proc.stderr
    r = carrier["result"]
    assert r["test"] == "familial variant" and r["result"] == "Detected" and "DETECTED" in r["summary"]
    _, clear = analyze(home, tmp_path, files("rel2", "NM_003467.3:c.1001G>A"), "--familial-variant", R334X)
    r = clear["result"]
    assert r["result"] == "Not detected" and r["qc_at_variant"]["covered"]
    assert "rules out the familial variant only" in r["interpretation"]
    assert r["other_findings_not_reported"]  # c.1001G>A is kept in the JSON, not reported
    assert "c.1001G>A" not in r["summary"] + r["interpretation"]
    _, unknown = analyze(home, tmp_path, files("rel3", coverage=False), "--familial-variant", R334X)
    assert unknown["result"]["result"] == "Inconclusive" and unknown["result"]["reasons"]


def _doc(locus, calls=(), covered=True, gaps=()):
    from whimscreen.reference.annotate import annotate
    from whimscreen.reference.parse import parse_variant

    variants = []
    for text, extra in calls:
        variants.append(annotate(locus, parse_variant(locus, text)).to_dict() | {"filters": [], **extra})
    qc = {"covered_bases": 1000 if covered else None, "uncovered": [{"start": a, "end": b} for a, b in gaps]}
    return {"variants": variants, "qc": qc}


def test_parent_status_rules(locus):
    from whimscreen.interpretation.inheritance import inheritance

    child = _doc(locus, [(R334X, {})])["variants"][0]
    pos = child["grch38"]["pos"]
    mosaic_mother = _doc(locus, [(R334X, {"mosaic": True})])
    r = inheritance(child, mosaic_mother, _doc(locus), "confirmed")
    assert r["inheritance"] == "maternal" and r["mother"] == "present (mosaic)"
    filtered = _doc(locus, [(R334X, {"filters": ["LowAF"]})])
    assert inheritance(child, filtered, _doc(locus), "confirmed")["inheritance"] == "not_determined"
    gap = _doc(locus, gaps=[(pos - 2, pos + 2)])
    r = inheritance(child, gap, _doc(locus), "confirmed")
    assert r["inheritance"] == "not_determined" and r["mother"] == "not covered"
    assert inheritance(child, _doc(locus), _doc(locus), "confirmed")["inheritance"] == "de_novo"
