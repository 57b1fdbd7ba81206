"""The thresholds, ICD-10 code groups and weights of the WHIM-likeness score (docs/case-finding.md gives
each with its source).  Adult reference limits; counts in 10^9/L, IgG in g/L."""

from __future__ import annotations

NEUTROPENIA = 1.5  # ANC below: neutropenia
SEVERE_NEUTROPENIA = 0.5
LYMPHOPENIA = 1.0
MONOCYTOPENIA = 0.2
LEUKOPENIA = 3.5
LOW_IGG = 7.0

CHRONIC_DAYS = 90  # low counts spanning at least three months
CHRONIC_MIN_LOW = 3  # ... at least this many low counts
CHRONIC_FRACTION = 0.6  # ... and most of the counts in that span low
PERSISTENT_MIN_LOW = 2  # lymphocytes, monocytes: at least two low counts ...
PERSISTENT_FRACTION = 0.5  # ... and at least half of them low

DRUG_WINDOW = (-7, 90)  # days around a coded chemotherapy / drug-induced neutropenia: counts not used
INFECTION_EPISODE_GAP = 30  # infection codes this many days apart are separate episodes

DUFFY_MIN_ANC = 0.7  # Duffy-null associated neutrophil count: ANC rarely below this ...
DUFFY_MEDIAN_ANC = 1.0  # ... and typically 1.0-1.5

CYCLE_DAYS = (14, 35)  # cyclic neutropenia: nadirs about every 21 days (14-35)
CYCLE_TOLERANCE = 7  # every interval within this many days of the median interval
CYCLE_MIN_NADIRS = 3

WEIGHTS = {
    "chronic_neutropenia": 4,
    "severe_neutropenia": 1,
    "chronic_leukopenia": 2,  # only when no differential was measured
    "lymphopenia": 2,
    "monocytopenia": 1,
    "low_igg": 1,
    "warts": 2,
    "recurrent_infections": 1,
    "recurrent_pneumonia": 1,
    "duffy_null_pattern": -4,
    "cyclic_pattern": -4,
}

#: ICD-10 code prefixes (dots removed) of the diagnoses read
WARTS = ("B07", "A630", "B977")  # viral warts; anogenital warts; papillomavirus as the cause
PNEUMONIA = ("J12", "J13", "J14", "J15", "J16", "J17", "J18")
INFECTIONS = PNEUMONIA + ("J01", "J32", "H65", "H66", "J20", "J47", "L02", "L03")
HYPOGAMMAGLOBULINEMIA = ("D80",)
DRUG_NEUTROPENIA = ("D701", "D702", "Z511", "T451")  # chemo / drug agranulocytosis, chemo encounter, adverse
CYCLIC_NEUTROPENIA = ("D704",)

LEVELS = ((7, "strong: consider suggesting CXCR4 testing"), (4, "possible"), (1, "weak"))
