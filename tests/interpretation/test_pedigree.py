"""Pedigrees: PED and GA4GH Phenopackets round trips, informative meioses for PP1, the SVG symbols."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from whimscreen.errors import InputFileError
from whimscreen.interpretation.pedigree import (
    Pedigree,
    Person,
    from_phenopacket_json,
    read_ped,
    segregation,
    to_phenopacket,
    write_ped,
)
from whimscreen.reporting.pedigree_svg import to_svg

FAMILY = """F1\tgf\t0\t0\t1\t1\t.\tdeceased\t.
F1\tgm\t0\t0\t2\t2\tcarrier\t.\t.
F1\tdad\tgf\tgm\t1\t2\tcarrier\t.\t.
F1\tmom\t0\t0\t2\t1\tnon-carrier\t.\t.
F1\taunt\tgf\tgm\t2\t1\tcarrier\t.\t.
F1\tp\tdad\tmom\t1\t2\tcarrier\t.\tproband
F1\tsib\tdad\tmom\t2\t1\tnon-carrier\t.\t.
F1\tcousin\t0\taunt\t0\t2\tcarrier\t.\t.
"""


def fam(*persons: Person) -> Pedigree:
    return Pedigree("F", persons)


def test_ped_round_trip():
    ped = read_ped(FAMILY, "f.ped")
    assert read_ped(write_ped(ped), "again") == ped
    p = ped.by_id["p"]
    assert p.proband and p.affected and p.carrier == "carrier" and p.father == "dad"
    assert ped.by_id["gf"].deceased and ped.by_id["cousin"].sex == "unknown"


def test_plain_six_column_ped_and_phenopacket_round_trip():
    from google.protobuf.json_format import MessageToJson

    six = "\n".join("\t".join(line.split("\t")[:6]) for line in FAMILY.splitlines())
    ped = read_ped(six, "six.ped")
    back = from_phenopacket_json(MessageToJson(to_phenopacket(ped)), "pp.json")
    assert back == ped  # what the Phenopackets Pedigree carries survives


@pytest.mark.parametrize(
    "text, message",
    [
        ("F1\ta\t0\t0\t1", "line 1: a PED line has at least 6 columns"),
        ("F1\ta\t0\t0\t1\t3", "line 1: phenotype must be"),
        ("F1\ta\tx\t0\t1\t2", "parent x is not in family F1"),
        ("F1\ta\t0\t0\t1\t2\nF2\tb\t0\t0\t1\t2", "one family per file"),
    ],
)
def test_bad_ped_is_refused_naming_the_problem(text, message):
    with pytest.raises(InputFileError, match=message):
        read_ped(text, "bad.ped")


def test_informative_meioses():
    parent = Person("m", sex="female", affected=True, carrier="carrier")
    child = Person("c", mother="m", affected=True, carrier="carrier", proband=True)
    assert segregation(fam(parent, child)).meioses == 1
    # two affected sibs of an untested parent share one informative meiosis
    sibs = fam(Person("f", sex="male"), Person("a", father="f", affected=True, carrier="carrier"),
               Person("b", father="f", affected=True, carrier="carrier"))  # fmt: skip
    assert segregation(sibs).meioses == 1
    # first cousins through an untested grandparent: 3
    cousins = fam(
        Person("g", sex="female"),
        Person("x", mother="g"),
        Person("y", mother="g"),
        Person("c1", mother="x", affected=True, carrier="carrier"),
        Person("c2", mother="y", affected=True, carrier="carrier"),
    )
    assert segregation(cousins).meioses == 3
    s = segregation(read_ped(FAMILY, "f.ped"))
    assert s.meioses == 4 and any("unaffected carriers" in n for n in s.notes)


def test_an_affected_relative_without_the_variant_is_against_segregation():
    ped = fam(
        Person("m", sex="female", affected=True, carrier="non-carrier"),
        Person("c", mother="m", affected=True, carrier="carrier", proband=True),
    )
    s = segregation(ped)
    assert s.against and s.meioses == 0


def test_svg_uses_the_standard_symbols():
    svg = to_svg(read_ped(FAMILY, "f.ped"))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    rects = root.findall(f"{ns}rect")  # males: gf, dad, p
    assert len(rects) == 3 and sorted(r.get("fill") for r in rects) == ["#000", "#000", "#fff"]
    assert len(root.findall(f"{ns}polygon")) == 2  # the cousin's diamond and the proband's arrow head
    circles = root.findall(f"{ns}circle")  # females gm, mom, aunt, sib and the unaffected carrier's dot
    assert sorted(float(c.get("r")) for c in circles) == [4, 15, 15, 15, 15]
    assert [c.get("fill") for c in circles if c.get("r") == "15.0"].count("#000") == 1  # gm affected
    texts = [t.text for t in root.findall(f"{ns}text")]
    assert {"I", "II", "III", "P"} <= set(texts) and "E+" in texts and "E\u2212" in texts
    assert any(t and t.endswith(" p") and t.startswith("III-") for t in texts)
