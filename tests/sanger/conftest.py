from pathlib import Path

import pytest

from whimscreen.reference import get_locus
from whimscreen.reference.variant import GenomicVariant


@pytest.fixture(scope="session")
def locus():
    return get_locus()


def deletion(locus, pos: int, size: int) -> GenomicVariant:
    return GenomicVariant(pos, locus.fetch(pos, pos + size), locus.base(pos))


def insertion(locus, pos: int, bases: str) -> GenomicVariant:
    return GenomicVariant(pos, locus.base(pos), locus.base(pos) + bases)


def snv(locus, pos: int) -> GenomicVariant:
    ref = locus.base(pos)
    return GenomicVariant(pos, ref, {"A": "G", "G": "A", "C": "T", "T": "C"}[ref])


DATA = Path(__file__).parent.parent / "data" / "sanger" / "public"
