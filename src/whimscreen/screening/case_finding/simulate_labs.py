"""Generated laboratory results and diagnoses for tests and examples: patients of known kinds.

Kinds: ``whim`` (chronic severe neutropenia, lymphopenia, monocytopenia, low IgG, warts, pneumonias),
``whim_mild`` (chronic neutropenia and lymphopenia, nothing coded), ``duffy`` (mild stable neutropenia,
normal lymphocytes and monocytes, no infections), ``drug`` (neutropenia for two months after coded
chemotherapy), ``cyclic`` (nadirs every 21 days), ``normal``.  Units vary on purpose (10*3/uL, 10*9/L,
/uL, cells/uL; IgG in g/L or mg/dL).
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

START = date(2022, 1, 3)
KINDS = ("whim", "whim_mild", "duffy", "drug", "cyclic", "normal")


def _counts(kind: str, rng: random.Random) -> list[tuple[int, str, float]]:
    """(day offset, LOINC, value in 10^9/L or g/L)."""
    out = []

    def cbc(day, anc, alc, mono):
        out.extend([(day, "751-8", anc), (day, "731-0", alc), (day, "742-7", mono)])
        out.append((day, "6690-2", anc + alc + mono + 0.1))

    if kind == "cyclic":
        for day in range(0, 150, 4):
            phase = day % 21
            anc = 0.2 + rng.random() * 0.1 if phase < 5 else 2.5 + rng.random()
            cbc(day, anc, 2.0 + rng.random() * 0.5, 0.6 if phase >= 5 else 0.9)
        return out
    for k in range(8):
        day = k * 75
        if kind == "whim":
            cbc(day, 0.2 + rng.random() * 0.3, 0.4 + rng.random() * 0.3, 0.05 + rng.random() * 0.1)
        elif kind == "whim_mild":
            cbc(day, 0.6 + rng.random() * 0.5, 0.6 + rng.random() * 0.3, 0.3 + rng.random() * 0.2)
        elif kind == "duffy":
            cbc(day, 1.05 + rng.random() * 0.35, 1.8 + rng.random() * 0.8, 0.4 + rng.random() * 0.2)
        elif kind == "drug":
            low = 300 <= day <= 375
            cbc(day, 0.3 if low else 3.0 + rng.random(), 1.9 + rng.random() * 0.4, 0.5)
        else:
            cbc(day, 3.0 + rng.random() * 2, 1.8 + rng.random(), 0.5 + rng.random() * 0.2)
    if kind == "drug":  # two counts in the weeks after the chemotherapy
        cbc(320, 0.4, 1.2, 0.3)
        cbc(350, 0.6, 1.4, 0.3)
    out.append((100, "2465-3", 5.2 if kind == "whim" else 10.5))
    return out


def _diagnoses(kind: str) -> list[tuple[int, str]]:
    if kind == "whim":
        return [(40, "B07.8"), (120, "J18.9"), (400, "J15.9"), (500, "H66.9")]
    if kind == "drug":
        return [(300, "Z51.1"), (310, "D70.1")]
    if kind == "cyclic":
        return [(30, "K12.0")]
    return []


def _as_unit(loinc: str, value: float, k: int) -> tuple[float, str]:
    if loinc == "2465-3":
        return (round(value * 100, 1), "mg/dL") if k % 2 else (round(value, 2), "g/L")
    unit = ("10*3/uL", "10*9/L", "/uL", "cells/uL")[k % 4]
    return (round(value * 1000) if unit in ("/uL", "cells/uL") else round(value, 3)), unit


def patients(per_kind: int = 2, seed: int = 3) -> dict[str, str]:
    """patient ID -> kind."""
    return {f"{kind.upper()}-{i + 1}": kind for kind in KINDS for i in range(per_kind)}


def write_labs(out: Path, per_kind: int = 2, seed: int = 3, fhir: bool = False) -> tuple[Path, Path, dict]:
    """(results file, diagnoses CSV, patient -> kind).  ``fhir``: results as Observation NDJSON."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    who = patients(per_kind, seed)
    rows, dx = [], ["patient_id,date,icd10"]
    for k, (pid, kind) in enumerate(who.items()):
        for j, (day, loinc, value) in enumerate(_counts(kind, rng)):
            v, unit = _as_unit(loinc, value, k + j)
            rows.append((pid, START + timedelta(day), loinc, v, unit))
        for day, code in _diagnoses(kind):
            dx.append(f"{pid},{START + timedelta(day)},{code}")
        rows.append((pid, START, "718-7", 13.5, "g/dL"))  # haemoglobin: not read, counted
    diagnoses = out / "diagnoses.csv"
    diagnoses.write_text("\n".join(dx) + "\n")
    if not fhir:
        labs = out / "labs.csv"
        lines = ["patient_id,date,loinc,value,unit"] + [f"{p},{d},{c},{v},{u}" for p, d, c, v, u in rows]
        labs.write_text("\n".join(lines) + "\n")
        return labs, diagnoses, who
    labs = out / "Observation.ndjson"
    with open(labs, "w") as fh:
        for n, (p, d, c, v, u) in enumerate(rows):
            fh.write(json.dumps(observation(f"obs{n}", p, d, c, v, u)) + "\n")
    return labs, diagnoses, who


def observation(oid: str, patient: str, day: date, loinc: str, value: float, unit: str) -> dict:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": f"{day}T08:30:00Z",
        "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
    }
