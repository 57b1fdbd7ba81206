"""Our names against biocommons hgvs's own mapper and normalizer, run over our locus through a local data
provider (the peer implementation VariantValidator builds on).

Seeded random substitutions, deletions, insertions, duplications and delins in the coding exons. Where
biocommons cannot normalize (variants spanning a UTR/CDS or exon/intron boundary, intronic variants) nothing
is compared.  c. names must be identical; p. names identical or, where biocommons prints residues after a
new stop or a ``p.(=)``/parentheses variant, describe the very same protein.
"""

import random
import re

import hgvs.exceptions
import hgvs.normalizer
import hgvs.parser
import hgvs.variantmapper
import pytest

from tests.reference.biocommons_provider import LocusDataProvider
from tests.reference.test_roundtrip_property import _apply_p
from whimscreen.reference import sources
from whimscreen.reference.annotate import annotate
from whimscreen.reference.demo import demo_locus
from whimscreen.reference.variant import GenomicVariant, normalize

N = 1500
REF = sources.protein() + "*"


def _random_variants(locus, n, seed):
    rng, seq = random.Random(seed), locus.sequence
    out = []
    while len(out) < n:
        g = (
            rng.randint(136114869 - 10, 136115912 - 5)
            if rng.random() < 0.9
            else rng.randint(136118041, 136118065)
        )
        s, kind, k = g - locus.start, rng.choice(["sub", "del", "ins", "dup", "delins"]), rng.randint(1, 12)
        if kind == "sub":
            v = GenomicVariant(g, seq[s], rng.choice([b for b in "ACGT" if b != seq[s]]))
        elif kind == "del":
            v = GenomicVariant(g - 1, seq[s - 1 : s + k], seq[s - 1])
        elif kind == "ins":
            v = GenomicVariant(g - 1, seq[s - 1], seq[s - 1] + "".join(rng.choice("ACGT") for _ in range(k)))
        elif kind == "dup":
            v = GenomicVariant(g + k - 1, seq[s + k - 1], seq[s + k - 1] + seq[s : s + k])
        else:
            alt = "".join(rng.choice("ACGT") for _ in range(rng.randint(1, 6)))
            if alt == seq[s : s + k]:
                continue
            v = GenomicVariant(g, seq[s : s + k], alt)
        out.append(normalize(locus, v))
    return out


def _protein(p_name: str) -> str:
    """The altered protein a p. name describes (up to its first stop)."""
    claim = _apply_p(REF, p_name if p_name.startswith("p.(") else f"p.({p_name[2:]})")
    protein = claim["exact"]
    return protein[: protein.index("*") + 1] if "*" in protein else protein


@pytest.fixture(scope="module")
def biocommons():
    locus = demo_locus()
    hdp = LocusDataProvider(locus)
    mapper = hgvs.variantmapper.VariantMapper(hdp, replace_reference=False)
    norm = hgvs.normalizer.Normalizer(
        hdp, shuffle_direction=3, cross_boundaries=False, alt_aln_method="splign"
    )
    return locus, hgvs.parser.Parser(), mapper, norm


def test_names_agree_with_biocommons_hgvs(biocommons):
    locus, parser, mapper, norm = biocommons
    compared = same_c = same_p = same_protein = stop_removed = 0
    for v in _random_variants(locus, N, seed=20261125):
        ours = annotate(locus, v)
        if ours.hgvs_p in (None, "p.?") or ours.intron:
            continue
        try:
            var_c = norm.normalize(
                mapper.g_to_c(parser.parse_hgvs_variant(ours.hgvs_g), "NM_003467.3", "splign")
            )
            theirs_p = str(mapper.c_to_p(var_c)).split(":")[1].replace("Ter", "*")
        except hgvs.exceptions.HGVSUnsupportedOperationError:
            continue  # spans a UTR/CDS or exon/intron boundary: biocommons does not normalize it
        compared += 1
        assert ours.hgvs_c.split(":")[1] == str(var_c).split(":")[1], (ours.hgvs_c, str(var_c))
        same_c += 1
        if ours.hgvs_p == theirs_p or ours.hgvs_p == f"p.({theirs_p[2:]})":
            same_p += 1
            continue
        if ours.hgvs_p.endswith("=)") and re.fullmatch(r"p\.\((=|\*\d+\*)\)", theirs_p):  # stop kept: *353*
            same_protein += 1
            continue
        if ours.consequence == "stop_lost" and "fs*" in ours.hgvs_p and "delins" in theirs_p:
            # the stop codon removed in frame: HGVS says frameshift (ours); biocommons writes a delins
            # of the read-through residues without the new stop
            stop_removed += 1
            continue
        # biocommons writes residues after a new stop ("insThr*ProArg"); compare the proteins described
        theirs_trimmed = theirs_p[: theirs_p.index("*") + 1] + ")" if "*" in theirs_p[3:] else theirs_p
        assert _protein(ours.hgvs_p) == _protein(theirs_trimmed), (ours.hgvs_c, ours.hgvs_p, theirs_p)
        same_protein += 1
    print(
        f"biocommons hgvs: compared {compared}, c. identical {same_c}, p. identical {same_p}, "
        f"p. same protein {same_protein}, stop removed in frame {stop_removed}"
    )
    assert compared > N * 0.8 and same_p > compared * 0.95
