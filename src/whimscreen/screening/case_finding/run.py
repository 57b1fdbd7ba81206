"""``case_find(labs, out, diagnoses)``: read, assess every patient, rank, write the outputs.

Only the five analytes' results are kept, per patient, as (day, value) pairs: memory follows the relevant
results, not the export.  Nothing is written unless every input was read without error.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from whimscreen.screening.case_finding.labs import ReadStats, read_diagnoses, read_results
from whimscreen.screening.case_finding.output import write_outputs
from whimscreen.screening.case_finding.score import Assessment, assess


def rank(assessments: list[Assessment]) -> list[Assessment]:
    """Best candidate first: by score, then by the number of counts behind it, then by patient ID."""
    return sorted(assessments, key=lambda a: (-a.score, -a.counts, a.patient))


def case_find(labs: list[Path], out: Path, diagnoses: list[Path] = ()) -> dict:
    stats = ReadStats()
    results: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for path in labs:
        for r in read_results(Path(path), stats):
            results[r.patient][r.loinc].append((r.day, r.value))
    coded: dict[str, list] = defaultdict(list)
    n_diagnoses = 0
    for path in diagnoses:
        for d in read_diagnoses(Path(path)):
            coded[d.patient].append(d)
            n_diagnoses += 1
    ranked = rank([assess(p, dict(results[p]), coded.get(p, [])) for p in results])
    return write_outputs(
        Path(out), ranked, stats, [str(p) for p in labs], [str(p) for p in diagnoses], n_diagnoses
    )
