"""Analyses of each result type, made by the real pipeline from VCFs written here, for report tests."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import IN_CI, run_cli
from whimscreen.interpretation.knowledge_base import load
from whimscreen.interpretation.result import interpret_analysis
from whimscreen.reference.demo import demo_locus
from whimscreen.sequencing.simulate_inputs import SNV, vcf_text

VUS = 136115228  # NM_003467.3:c.700A>G p.(Lys234Glu): missense outside the tail, no evidence -> VUS


def _analyze(tmp, name: str, records: list[str] | None) -> dict:
    locus = demo_locus()
    vcf = tmp / f"{name}.vcf"
    vcf.write_text(vcf_text(locus, records))
    run_cli("analyze", str(vcf), "--sample", name, "--out", str(tmp / name), home=tmp / "home", check=True)
    return json.loads((tmp / name / f"{name}.json").read_text())


def _covered(analysis: dict, name: str) -> dict:
    doc = json.loads(json.dumps(analysis))
    doc["sample"], doc["input_kind"] = name, "bam"
    doc["qc"] |= {"fully_covered": True, "uncovered": [], "uncovered_build": [], "reason": None}
    doc["qc"] |= {"covered_bases": doc["qc"]["reportable_bases"], "min_observed_depth": 60}
    return doc


@pytest.fixture(scope="session")
def analyses(tmp_path_factory) -> dict[str, dict]:
    """{"Positive", "Uncertain", "Inconclusive", "Negative"} -> an interpreted analysis JSON."""
    tmp = tmp_path_factory.mktemp("analyses")
    locus = demo_locus()
    rec = "chr2\t{}\t.\t{}\t{}\t50\tPASS\tDB\tGT:AD:DP:GQ\t0/1:20,18:38:99"
    alt = {"A": "G", "C": "T", "G": "A", "T": "C"}
    inconclusive = _analyze(tmp, "INC1", [])
    vus = _analyze(tmp, "VUS1", [rec.format(VUS, locus.base(VUS), alt[locus.base(VUS)])])
    out = {
        "Positive": _analyze(tmp, "POS1", None),
        "Inconclusive": inconclusive,
        # a VCF has no per-base coverage, so only a Positive can come from it; the Uncertain and the
        # Negative get the coverage a gVCF/BAM would have given and are interpreted again by the real rules
        "Uncertain": interpret_analysis(_covered(vus, "VUS1"), load(locus)),
        "Negative": interpret_analysis(_covered(inconclusive, "NEG1"), load(locus)),
    }
    for kind, doc in out.items():
        assert doc["result"]["result"] == kind, (kind, doc["result"]["summary"])
    assert SNV  # the Positive's variant is simulate_inputs.SNV (R334X on the demo locus)
    return out


def pdf_pages(pdf: bytes, tmp_path) -> list[str]:
    """The text of each page (pdftotext, poppler-utils)."""
    if shutil.which("pdftotext") is None:
        (pytest.fail if IN_CI else pytest.skip)("pdftotext (poppler-utils) not installed")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return [" ".join(p.split()) for p in text.stdout.split("\f") if p.strip()]
