"""A family's pedigree for segregation (PP1) and exchange: PED files and the GA4GH Phenopackets Pedigree.

``Person`` carries what PED carries (family, individual, father, mother, sex, affected status) plus what a
WHIM family record adds: deceased, proband, and the result of the familial variant test (carrier /
non-carrier / not tested).  ``segregation`` counts informative meioses for PP1 by the rule written in
docs/cxcr4-rules.md (affected carriers only; unaffected carriers ignored for incomplete penetrance).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from whimscreen.errors import InputFileError

SEXES = {"1": "male", "2": "female", "0": "unknown", "other": "unknown"}
AFFECTED = {"2": True, "1": False, "0": None, "-9": None}
CARRIER_STATES = ("carrier", "non-carrier", None)


@dataclass(frozen=True)
class Person:
    id: str
    father: str | None = None
    mother: str | None = None
    sex: str = "unknown"  # male | female | unknown
    affected: bool | None = None
    deceased: bool = False
    proband: bool = False
    carrier: str | None = None  # carrier | non-carrier | None (not tested)

    def __post_init__(self) -> None:
        if self.sex not in ("male", "female", "unknown"):
            raise ValueError(f"{self.id}: sex must be male, female or unknown")
        if self.carrier not in CARRIER_STATES:
            raise ValueError(f"{self.id}: carrier must be carrier, non-carrier or not tested")


@dataclass(frozen=True)
class Pedigree:
    family: str
    persons: tuple[Person, ...]
    by_id: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ids = [p.id for p in self.persons]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"family {self.family}: duplicate individuals {', '.join(sorted(dupes))}")
        object.__setattr__(self, "by_id", {p.id: p for p in self.persons})
        for p in self.persons:
            for parent in (p.father, p.mother):
                if parent is not None and parent not in self.by_id:
                    raise ValueError(f"{p.id}: parent {parent} is not in family {self.family}")
        probands = [p for p in self.persons if p.proband]
        if len(probands) > 1:
            raise ValueError(f"family {self.family}: more than one proband")

    def children(self, pid: str) -> list[Person]:
        return [p for p in self.persons if pid in (p.father, p.mother)]

    def generations(self) -> dict[str, int]:
        """Generation of each person (0 = founders' generation), spouses aligned with each other."""
        gen: dict[str, int] = {}

        def depth(pid: str, seen: frozenset = frozenset()) -> int:
            if pid in gen:
                return gen[pid]
            if pid in seen:
                raise ValueError(f"family {self.family}: {pid} is their own ancestor")
            p = self.by_id[pid]
            parents = [q for q in (p.father, p.mother) if q]
            gen[pid] = 1 + max(depth(q, seen | {pid}) for q in parents) if parents else 0
            return gen[pid]

        for p in self.persons:
            depth(p.id)
        changed = True
        while changed:  # a founder married in sits in their spouse's generation
            changed = False
            for p in self.persons:
                if p.father and p.mother:
                    g = max(gen[p.father], gen[p.mother])
                    for q in (p.father, p.mother):
                        if gen[q] < g and not self._has_parents(q):
                            gen[q], changed = g, True
                    if gen[p.id] <= g:
                        gen[p.id], changed = g + 1, True
        return gen

    def _has_parents(self, pid: str) -> bool:
        p = self.by_id[pid]
        return bool(p.father or p.mother)


# -- PED ---------------------------------------------------------------------------------------------------
def read_ped(text: str, source: str = "PED") -> Pedigree:
    """Six-column PED (family, individual, father, mother, sex 1/2/0, phenotype 2 affected / 1 unaffected /
    0 or -9 unknown); optional columns 7-9 in WHIMscreen's export: carrier, deceased, proband."""
    families, persons = set(), []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t") if "\t" in line else line.split()
        if len(cols) < 6:
            raise InputFileError(f"{source}: line {n}: a PED line has at least 6 columns, found {len(cols)}")
        fam, iid, father, mother, sex, pheno = cols[:6]
        if pheno not in AFFECTED:
            raise InputFileError(f"{source}: line {n}: phenotype must be 2, 1, 0 or -9, not {pheno!r}")
        if sex not in SEXES:
            raise InputFileError(f"{source}: line {n}: sex must be 1, 2 or 0, not {sex!r}")
        extra = cols[6:9] + [""] * (9 - len(cols))
        carrier = {"carrier": "carrier", "non-carrier": "non-carrier", "": None, ".": None}.get(extra[0])
        if extra[0] and carrier is None and extra[0] not in ("", "."):
            raise InputFileError(f"{source}: line {n}: carrier must be carrier, non-carrier or '.'")
        families.add(fam)
        persons.append(
            Person(
                iid,
                None if father in ("0", "") else father,
                None if mother in ("0", "") else mother,
                SEXES[sex],
                AFFECTED[pheno],
                extra[1] == "deceased",
                extra[2] == "proband",
                carrier,
            )
        )
    if len(families) != 1:
        raise InputFileError(f"{source}: one family per file expected, found {len(families) or 'none'}")
    try:
        return Pedigree(families.pop(), tuple(persons))
    except ValueError as exc:
        raise InputFileError(f"{source}: {exc}") from exc


def write_ped(ped: Pedigree) -> str:
    sex = {"male": "1", "female": "2", "unknown": "0"}
    status = {True: "2", False: "1", None: "0"}
    lines = ["#family\tindividual\tfather\tmother\tsex\tphenotype\tcarrier\tdeceased\tproband"]
    for p in ped.persons:
        cols = [ped.family, p.id, p.father or "0", p.mother or "0", sex[p.sex], status[p.affected]]
        cols += [p.carrier or ".", "deceased" if p.deceased else ".", "proband" if p.proband else "."]
        lines.append("\t".join(cols))
    return "\n".join(lines) + "\n"


# -- GA4GH Phenopackets Pedigree ---------------------------------------------------------------------------
def to_phenopacket(ped: Pedigree):
    """The ``phenopackets.Pedigree`` message (schema v2); carrier status and deceased are not part of it."""
    import phenopackets as pp

    sexes = {"male": pp.Sex.MALE, "female": pp.Sex.FEMALE, "unknown": pp.Sex.UNKNOWN_SEX}
    status = pp.Pedigree.Person.AffectedStatus
    affected = {True: status.AFFECTED, False: status.UNAFFECTED, None: status.MISSING}
    return pp.Pedigree(
        persons=[
            pp.Pedigree.Person(
                family_id=ped.family,
                individual_id=p.id,
                paternal_id=p.father or "0",
                maternal_id=p.mother or "0",
                sex=sexes[p.sex],
                affected_status=affected[p.affected],
            )
            for p in ped.persons
        ]
    )


def from_phenopacket_json(text: str, source: str = "pedigree") -> Pedigree:
    import phenopackets as pp
    from google.protobuf.json_format import Parse, ParseError

    try:
        msg = Parse(text, pp.Pedigree())
    except ParseError as exc:
        raise InputFileError(f"{source}: not a GA4GH Phenopackets Pedigree: {exc}") from exc
    sexes = {pp.Sex.MALE: "male", pp.Sex.FEMALE: "female"}
    status = pp.Pedigree.Person.AffectedStatus
    affected = {status.AFFECTED: True, status.UNAFFECTED: False}
    families = {p.family_id for p in msg.persons}
    if len(families) != 1:
        raise InputFileError(f"{source}: one family per pedigree expected, found {len(families) or 'none'}")
    persons = tuple(
        Person(
            p.individual_id,
            None if p.paternal_id in ("", "0") else p.paternal_id,
            None if p.maternal_id in ("", "0") else p.maternal_id,
            sexes.get(p.sex, "unknown"),
            affected.get(p.affected_status),
        )
        for p in msg.persons
    )
    try:
        return Pedigree(families.pop(), persons)
    except ValueError as exc:
        raise InputFileError(f"{source}: {exc}") from exc


# -- segregation -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Segregation:
    meioses: int
    notes: tuple[str, ...]
    against: bool = False  # an affected relative does not carry the variant


def _edges(ped: Pedigree) -> dict[str, set[str]]:
    adj: dict[str, set[str]] = {p.id: set() for p in ped.persons}
    for p in ped.persons:
        for parent in (p.father, p.mother):
            if parent:
                adj[p.id].add(parent)
                adj[parent].add(p.id)
    return adj


def _path(adj: dict[str, set[str]], tree: set[str], start: str) -> list[str] | None:
    """Shortest path from ``start`` to any node of ``tree`` (breadth first)."""
    prev, queue = {start: None}, deque([start])
    while queue:
        node = queue.popleft()
        if node in tree:
            path = []
            while node is not None:
                path.append(node)
                node = prev[node]
            return path
        for nxt in sorted(adj[node]):
            if nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return None


def segregation(ped: Pedigree) -> Segregation:
    """Informative meioses connecting the genotyped affected carriers: the parent-child links of the smallest
    part of the pedigree joining them, less the founder meiosis when its top ancestor was not genotyped as a
    carrier (two affected sibs of an untested parent share 1 informative meiosis; first cousins 3)."""
    notes = []
    against = [p.id for p in ped.persons if p.affected and p.carrier == "non-carrier"]
    if against:
        return Segregation(0, (f"affected relative(s) without the variant: {', '.join(against)}",), True)
    terminals = [p.id for p in ped.persons if p.affected and p.carrier == "carrier"]
    if any(p.affected is False and p.carrier == "carrier" for p in ped.persons):
        notes.append("unaffected carriers are not counted (incomplete penetrance, variable expressivity)")
    if len(terminals) < 2:
        return Segregation(0, (*notes, "fewer than two genotyped affected carriers"))
    adj = _edges(ped)
    tree, links = {terminals[0]}, set()
    for t in terminals[1:]:
        path = _path(adj, tree, t)
        if path is None:
            notes.append(f"{t} is not connected to the other carriers in this pedigree")
            continue
        tree.update(path)
        links.update(frozenset(pair) for pair in zip(path, path[1:], strict=False))
    tops = [n for n in tree if not ({ped.by_id[n].father, ped.by_id[n].mother} & tree)]
    founder = sum(1 for n in tops if ped.by_id[n].carrier != "carrier")
    if len(tops) > 1:
        notes.append(
            "the carriers are joined through a marriage, not one line of descent: counted conservatively"
        )
        founder = max(founder, len(tops) - 1)
    meioses = max(0, len(links) - founder)
    return Segregation(meioses, tuple(notes))
