"""Phenotype features as HPO terms with labels, for reports and exchange formats.

The program records features by key (``data/cxcr4_spec.yaml`` ``phenotype``); each key's HPO id is the one the
spec accepts for it (ids read in two HPO releases, see the spec's comments) and its label the term's name
or exact synonym there.  An ``HP:`` id given directly is kept with the label of its feature when the spec
knows it, otherwise without a label (recorded, never invented).
"""

from __future__ import annotations

#: program feature key -> (HPO id, label)
FEATURE_HPO = {
    "myelokathexis": ("HP:0031160", "Myelokathexis"),
    "neutropenia": ("HP:0001875", "Neutropenia"),
    "lymphopenia": ("HP:0001888", "Lymphopenia"),
    "monocytopenia": ("HP:0012312", "Monocytopenia"),
    "warts": ("HP:0200043", "Verrucae"),
    "hypogammaglobulinemia": ("HP:0004313", "Hypogammaglobulinemia"),
    "recurrent-infections": ("HP:0002719", "Recurrent infections"),
}
_BY_ID = {hp: (hp, label) for hp, label in FEATURE_HPO.values()}


def hpo_terms(features, excluded=()) -> list[dict]:
    """``[{"id", "label", "observed"}]`` for observed ``features`` then ``excluded`` ones, each term once."""
    out, seen = [], set()
    for observed, keys in ((True, features), (False, excluded)):
        for key in keys:
            k = key.strip()
            term = FEATURE_HPO.get(k.lower()) or _BY_ID.get(k.upper()) or ((k.upper(), None) if k else None)
            if term is None or term[0] in seen or not term[0].startswith("HP:"):
                continue
            seen.add(term[0])
            out.append({"id": term[0], "label": term[1], "observed": observed})
    return out
