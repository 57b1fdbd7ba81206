"""BA1 / BS1 from the filtering allele frequency; PM2 (supporting) only when the variant is absent or below
the PM2 threshold by its raw frequency (a singleton's filtering AF is tiny and would make PM2 too easy)."""

from __future__ import annotations

from whimscreen.interpretation.criteria import Criterion, Strength, spec
from whimscreen.interpretation.rules.facts import Facts

WHIFFIN = "Whiffin et al. 2017 (PMID 28518168); docs/cxcr4-rules.md"


def ba1_bs1_pm2_frequency(f: Facts) -> list[Criterion]:
    freq, s = f.frequency, spec()
    if freq is None:
        return []
    used = (f"population: {freq.describe()}",)
    faf = freq.faf
    if faf is not None and faf > s["ba1_af"]:
        return [
            Criterion(
                "BA1",
                Strength.VERY_STRONG,
                f"Filtering allele frequency {faf:.3g} is above {s['ba1_af']:g}, impossible for an "
                "ultra-rare dominant disorder.",
                WHIFFIN,
                used,
            )
        ]
    if faf is not None and faf > s["bs1_af"]:
        return [
            Criterion(
                "BS1",
                Strength.STRONG,
                f"Filtering allele frequency {faf:.3g} is above the maximum credible {s['bs1_af']:g} for "
                "WHIM syndrome.",
                WHIFFIN,
                used,
            )
        ]
    if freq.af is not None and freq.af <= s["pm2_af"]:
        what = (
            "Absent from the population sample"
            if freq.af == 0
            else f"Allele frequency {freq.af:.3g} (at most {s['pm2_af']:g}) in the population sample"
        )
        return [
            Criterion(
                "PM2",
                Strength.SUPPORTING,
                f"{what}; PM2 at supporting strength (ClinGen SVI).",
                WHIFFIN,
                used,
            )
        ]
    return []
