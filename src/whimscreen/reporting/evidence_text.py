"""The evidence paragraph of a variant: one sentence per criterion met, each with its numbered references.

A criterion's references are its rule's citation and every PubMed id its evidence names (the knowledge
base's case reports, functional studies...).  References are numbered once per report, in order of first
use, so the same paper carries the same number in every paragraph.
"""

from __future__ import annotations

import re

PMID = re.compile(r"PMID[:\s]*(\d{6,9})")
STRENGTH_WORD = {
    "very_strong": "very strong",
    "strong": "strong",
    "moderate": "moderate",
    "supporting": "supporting",
    "stand_alone": "stand-alone",
}


class References:
    """Numbered references of one report: ``cite(text)`` returns the number of a citation."""

    def __init__(self) -> None:
        self._by_key: dict[str, int] = {}
        self.items: list[dict] = []

    def cite(self, text: str) -> int:
        text = " ".join(text.split())
        pmids = PMID.findall(text)
        key = f"pmid:{pmids[0]}" if len(pmids) == 1 else text.lower()
        if key not in self._by_key:
            self.items.append(
                {"n": len(self.items) + 1, "citation": text, "pmid": pmids[0] if pmids else None}
            )
            self._by_key[key] = len(self.items)
        else:  # a fuller citation of a paper first cited by its bare PMID replaces it
            item = self.items[self._by_key[key] - 1]
            if len(text) > len(item["citation"]):
                item["citation"] = text
        return self._by_key[key]


def _points(n: int) -> str:
    return f"{n:+d} point{'s' if abs(n) != 1 else ''}"


def criterion_sentence(criterion: dict, refs: References) -> dict:
    """``{"code", "strength", "points", "sentence", "refs"}`` for one criterion of a classification."""
    numbers = []
    if criterion.get("citation"):
        numbers.append(refs.cite(criterion["citation"]))
    for line in criterion.get("evidence") or []:
        for pmid in PMID.findall(line):
            n = refs.cite(f"PMID {pmid}")
            if n not in numbers:
                numbers.append(n)
    strength = STRENGTH_WORD.get(criterion.get("strength", ""), criterion.get("strength", ""))
    text = (criterion.get("justification") or "").strip()
    if text and not text.endswith("."):
        text += "."
    points = criterion.get("points")
    weight = f"{strength}, {_points(points)}" if isinstance(points, int) else strength
    return {
        "code": criterion.get("code"),
        "strength": criterion.get("strength"),
        "points": points,
        "sentence": f"{criterion.get('code')} ({weight}): {text}",
        "refs": numbers,
    }
