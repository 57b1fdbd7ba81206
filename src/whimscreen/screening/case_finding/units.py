"""UCUM units of the analytes read, converted to one unit each: cell counts to 10^9/L, IgG to g/L.

Only the units listed convert; any other unit is reported with its record, never guessed at.
"""

from __future__ import annotations

#: LOINC code -> (analyte, canonical unit)
ANALYTES = {
    "751-8": ("neutrophils", "10*9/L"),
    "731-0": ("lymphocytes", "10*9/L"),
    "742-7": ("monocytes", "10*9/L"),
    "6690-2": ("leukocytes", "10*9/L"),
    "2465-3": ("igg", "g/L"),
}
_CELLS = {"10*3/uL": 1.0, "10*9/L": 1.0, "/uL": 0.001, "cells/uL": 0.001, "{cells}/uL": 0.001}
_MASS = {"g/L": 1.0, "mg/dL": 0.01}
FACTORS = {"10*9/L": _CELLS, "g/L": _MASS}


class UnitError(ValueError):
    """The unit is not one this analyte converts from."""


def convert(loinc: str, value: float, unit: str) -> float:
    """``value`` in ``unit`` as the analyte's canonical unit (10^9/L or g/L)."""
    canonical = ANALYTES[loinc][1]
    factor = FACTORS[canonical].get((unit or "").strip())
    if factor is None:
        known = ", ".join(FACTORS[canonical])
        raise UnitError(f"unit {unit!r} is not one {ANALYTES[loinc][0]} ({loinc}) converts from ({known})")
    return value * factor
