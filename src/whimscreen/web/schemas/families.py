"""Answers about a proband's family: its members, their familial tests, the evidence they give."""

from __future__ import annotations

from whimscreen.web.schemas.common import Out


class FamilialVariant(Out):
    key: str
    hgvs_c: str
    hgvs_p: str | None


class ProbandEvidence(Out):
    de_novo: str | None
    segregation_meioses: int


class MemberOrder(Out):
    """The member's newest familial test (its result once signed)."""

    order_id: int
    status: str
    result: str | None
    reported_at: str | None


class MemberOut(Out):
    id: int
    relationship: str
    side: str | None
    display_name: str
    sex: str
    birth_year: int | None
    affected: str
    hpo: list[str]
    deceased: bool
    patient_id: int | None
    removed: bool
    remove_reason: str | None
    order: MemberOrder | None


class FamilyOut(Out):
    id: int
    proband_patient_id: int
    proband_order_id: int
    variant: FamilialVariant
    signed_class: str
    current_class: str | None
    parentage: str
    parentage_basis: str | None
    proband_evidence: ProbandEvidence
    members: list[MemberOut]


class FamilyEvidence(Out):
    inheritance: str
    de_novo: str | None
    why: str
    meioses: int
    segregation_notes: list[str]
