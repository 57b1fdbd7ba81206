"""Published CXCR4 names round-trip exactly: c. -> genome -> c. and p. (and g. on both builds)."""

import csv
from pathlib import Path

import pytest

from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant

ROWS = [
    r
    for r in csv.DictReader(
        (
            ln
            for ln in (Path(__file__).parents[1] / "data" / "cxcr4_gcp.tsv").read_text().splitlines()
            if not ln.startswith("#")
        ),
        delimiter="\t",
    )
]


def _strip_version(name: str) -> str:
    acc, rest = name.split(":", 1)
    return f"{acc.split('.')[0]}:{rest}"


def _current_hgvs(name: str) -> str:
    """Older names spell the deleted bases (delCT); the current recommendation does not."""
    import re

    return re.sub(r"del[ACGT]+$", "del", name)


@pytest.mark.parametrize("row", ROWS, ids=[r["legacy"] for r in ROWS])
def test_published_c_name_round_trips(locus, row):
    ann = annotate(locus, parse_variant(locus, row["hgvs_c"]))
    assert _strip_version(ann.hgvs_c) == _strip_version(_current_hgvs(row["hgvs_c"]))
    assert ann.hgvs_p == f"p.({row['hgvs_p'].removeprefix('p.')})"


@pytest.mark.parametrize("row", [r for r in ROWS if r["hgvs_g38"] != "."], ids=lambda r: r["source"])
def test_published_g_names_on_both_builds_are_the_same_variant(locus, row):
    from_c = parse_variant(locus, row["hgvs_c"])
    assert parse_variant(locus, row["hgvs_g38"]) == from_c
    assert parse_variant(locus, row["hgvs_g37"]) == from_c
    ann = annotate(locus, from_c)
    # our g. names are 3'-shifted on the plus strand; the published ones must describe the same change
    assert parse_variant(locus, ann.hgvs_g) == from_c and parse_variant(locus, ann.hgvs_g37) == from_c
    assert ann.to_dict()["grch37"]["pos"] - ann.to_dict()["grch38"]["pos"] == 757570


def test_clinvar_substitution_names_are_identical_on_both_builds(locus):
    ann = annotate(locus, parse_variant(locus, "NM_003467.2:c.1000C>T"))
    assert ann.hgvs_g == "NC_000002.12:g.136114928G>A" and ann.hgvs_g37 == "NC_000002.11:g.136872498G>A"


def _kb_rows():
    from importlib import resources

    text = (resources.files("whimscreen.interpretation") / "data" / "cxcr4_kb.tsv").read_text()
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


KB_ROWS = _kb_rows()


@pytest.mark.parametrize("row", KB_ROWS, ids=[r["id"] for r in KB_ROWS])
def test_knowledge_base_names_round_trip(locus, row):
    ann = annotate(locus, parse_variant(locus, f"NM_003467.3:{row['hgvs_c']}"))
    assert ann.hgvs_c == f"NM_003467.3:{row['hgvs_c']}"
    assert ann.hgvs_p == row["hgvs_p"]
