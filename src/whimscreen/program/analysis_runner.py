"""The ONE place where the program calls the analysis: calling (``analyze_paths``) then interpretation.

Swap the analysis here and nowhere else.  Returns the interpreted analysis document (the JSON the calling
layer writes, with each variant's classification and the sample ``result``).
"""

from __future__ import annotations

import json
from pathlib import Path

from whimscreen.calling.pipeline import analyze_paths
from whimscreen.interpretation.evidence import Evidence
from whimscreen.interpretation.familial import interpret_familial
from whimscreen.interpretation.population_table import load_table
from whimscreen.interpretation.result import interpret_analysis
from whimscreen.program.kb_releases import active_kb, kb_for_job
from whimscreen.reference import get_locus
from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant
from whimscreen.reporting import chromatogram


def run_analysis(
    paths: list[Path],
    sample_id: str,
    out_dir: Path,
    evidence: Evidence,
    home: Path | None,
    familial_variant: str | None = None,
    kb_release: dict | None | bool = False,
) -> dict:
    """``evidence``: the case (phenotype from the eligibility record, de novo status and segregation from
    the order); the lab's population table is applied when one was imported, and the active knowledge-base
    release (the package's knowledge base when none is active).  ``familial_variant``
    (chr2:POS:REF:ALT): a relative's known familial variant test (Detected / Not detected / Inconclusive).
    ``kb_release``: the release the program read from its database ({version, path, sha256}; None: the
    package's); left out (False), the data home's marker says which."""
    locus = get_locus(home)
    kb = active_kb(home, locus) if kb_release is False else kb_for_job(kb_release, home, locus)
    population = load_table(home) if home is not None else None
    if familial_variant:
        familial = annotate(locus, parse_variant(locus, familial_variant)).to_dict()

        def enrich(doc: dict) -> dict:
            return interpret_familial(doc, familial, kb, evidence, population)
    else:

        def enrich(doc: dict) -> dict:
            return interpret_analysis(doc, kb, evidence, population)

    analyze_paths(
        [Path(p) for p in paths],
        sample_id,
        out_dir,
        locus,
        enrich=enrich,
        render=chromatogram.render,  # chromatogram excerpts for Sanger traces (the review screen shows them)
    )
    return json.loads((Path(out_dir) / f"{sample_id}.json").read_text())


class AnalysisRunner:
    """``run_analysis`` bound to a data home; picklable, so jobs can run it in a child process."""

    takes_kb_release = True  # jobs hand it the active release from the database

    def __init__(self, home: Path | None):
        self.home = home

    def __call__(
        self,
        paths: list[Path],
        sample_id: str,
        out_dir: Path,
        evidence: Evidence,
        familial_variant: str | None = None,
        kb_release: dict | None | bool = False,
    ) -> dict:
        return run_analysis(paths, sample_id, out_dir, evidence, self.home, familial_variant, kb_release)
