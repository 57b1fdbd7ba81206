"""Candidates files for the suggestion tests, made by the real commands on generated data, and the
coordinator's ``physician_email`` column added to them."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli
from whimscreen.reference.demo import demo_locus
from whimscreen.screening import simulate_cohort as sc
from whimscreen.screening.case_finding.simulate_labs import write_labs


def case_find_output(root: Path) -> Path:
    labs, diagnoses, _ = write_labs(root / "labs", per_kind=1)
    run_cli("case-find", str(labs), "--diagnoses", str(diagnoses), "--out", str(root / "cf"), check=True)
    return root / "cf" / "candidates.tsv"


def screen_output(root: Path) -> tuple[Path, dict[str, str]]:
    _, truth = sc.single_sample_vcfs(demo_locus(), root / "vcf", 6, 2, seed=5)
    run_cli("screen", str(root / "vcf" / "*.vcf.gz"), "--out", str(root / "sc"), "--workers", "1", check=True)
    return root / "sc" / "candidates.tsv", truth


def addressed(source: Path, out: Path, emails: dict[str, str]) -> Path:
    """The file with ``physician_email`` added last: ``emails`` maps a candidate (first column) to one."""
    lines = source.read_text().splitlines()
    rows = [lines[0] + "\tphysician_email"]
    rows += [f"{line}\t{emails.get(line.split(chr(9))[0], '')}" for line in lines[1:]]
    out.write_text("\n".join(rows) + "\n")
    return out
