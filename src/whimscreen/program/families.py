"""Families of positive probands (issue 15): the record, its members, and relatives' familial variant tests.

A family is created from a proband's **reported Positive** order by that order's physician; its familial
variant is the proband's signed pathogenic / likely pathogenic variant (fixed then: ``chr2:POS:REF:ALT``).
The physician adds relatives (parent with its side, child, sibling, half-sibling, other), affected status,
HPO ids, deceased; a relative to be tested is recorded as one of the physician's patients and linked.  A
patient is in a family once and a family has one mother and one father (partial unique indexes); removal is
a mark with a reason and can be undone.  Every change is audited.

A relative's order is a *known familial variant test*: eligible by the relationship to the positive proband
(not the WHIM criteria), with the current consent and, for a minor, the minor's assent or why it was not
possible.  Whether it takes one of the study places is the coordinator's setting (``orders.enter``).
The family's results feed the proband's case evidence: ``family_evidence.py``.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from whimscreen.interpretation.result import PLP, variant_key
from whimscreen.program import audit, consent, orders, patients
from whimscreen.program.errors import Forbidden, InvalidInput, InvalidState, NotFound
from whimscreen.program.storage.models import (
    Family,
    FamilyMember,
    Job,
    Order,
    Patient,
    SignOut,
    User,
    utcnow,
)
from whimscreen.program.users import require_role

RELATIONSHIPS = ("parent", "child", "sibling", "half-sibling", "other")
SIDES = ("mother", "father")
AFFECTED = ("yes", "no", "unknown")
MEMBER_SEXES = ("female", "male", "unknown")
ELIGIBILITY = "familial"  # orders.eligibility of a relative's order: eligible by the relationship
HPO = re.compile(r"^HP:\d{7}$")
IN_FAMILY = "this patient is already in this family"
ONE_PARENT = "this family already has a {side}"


# -- the family record -------------------------------------------------------------------------------------
def signed_variants(db: Session, order: Order, home: Path | None) -> list[dict]:
    """The proband's signed pathogenic / likely pathogenic calls in the reportable range (passing filters),
    as the signed job's analysis reads with the director's decisions."""
    from whimscreen.program.classification_review import reviewed_analysis

    record = db.scalar(select(SignOut).where(SignOut.order_id == order.id))
    if record is None:
        return []
    analysis = reviewed_analysis(db, db.get(Job, record.job_id), home)
    return [
        v
        for v in analysis.get("variants", [])
        if v.get("in_reportable_range") and not v.get("filters") and v.get("reported_classification") in PLP
    ]


def create(db: Session, actor: User, order: Order, home: Path | None, key: str | None = None) -> Family:
    """A family for the proband of ``order`` (reached through ``access.order_for``): only from a reported
    Positive order, by its physician; ``key`` chooses the variant when several are signed P/LP."""
    require_role(actor, "physician")
    if order.physician_id != actor.id:
        raise Forbidden("only the ordering physician can start the proband's family")
    if order.kind != "proband" or order.status != "reported" or order.result_category != "Positive":
        raise InvalidState(
            f"order {order.id} is not a reported Positive proband result: a family starts from one"
        )
    found = signed_variants(db, order, home)
    if key is not None:
        found = [v for v in found if variant_key(v) == key]
    if not found:
        raise InvalidState(
            f"order {order.id} has no signed pathogenic or likely pathogenic variant {key or ''}".strip()
        )
    if len(found) > 1:
        raise InvalidInput(
            "choose the familial variant: " + ", ".join(f"{variant_key(v)} ({v['hgvs_c']})" for v in found)
        )
    v = found[0]
    family = Family(
        proband_patient_id=order.patient_id,
        proband_order_id=order.id,
        variant_key=variant_key(v),
        variant_hgvs_c=v["hgvs_c"],
        variant_hgvs_p=v.get("hgvs_p"),
        signed_class=v["reported_classification"],
        created_by=actor.id,
    )
    try:
        with db.begin_nested():
            db.add(family)
            db.flush()
    except IntegrityError:
        raise InvalidState("this proband already has a family record") from None
    p = order.patient
    proband = FamilyMember(
        family_id=family.id,
        patient_id=p.id,
        relationship="proband",
        display_name=p.name,
        sex=p.sex if p.sex in MEMBER_SEXES else "unknown",
        birth_year=p.birth_date.year,
        affected="yes",
        deceased=False,
        added_by=actor.id,
    )
    db.add(proband)
    db.flush()
    audit.record(
        db, actor, "create", "family", family.id, p.id, detail=f"familial variant {family.variant_key}"
    )
    return family


def family_for(db: Session, actor: User, family_id: int, action: str = "view") -> Family:
    """The family of one of the physician's probands (another's answers not found); audited."""
    require_role(actor, "physician")
    family = db.get(Family, family_id)
    if family is None or db.get(Patient, family.proband_patient_id).physician_id != actor.id:
        raise NotFound(f"no family {family_id}")
    audit.record(db, actor, action, "family", family.id, family.proband_patient_id)
    return family


def of_proband(db: Session, patient_id: int) -> Family | None:
    return db.scalar(select(Family).where(Family.proband_patient_id == patient_id))


def member_for(db: Session, actor: User, family: Family, member_id: int) -> FamilyMember:
    member = db.get(FamilyMember, member_id)
    if member is None or member.family_id != family.id:
        raise NotFound(f"no member {member_id} in family {family.id}")
    return member


def live_members(family: Family) -> list[FamilyMember]:
    return [m for m in family.members if m.removed_at is None]


def proband(family: Family) -> FamilyMember:
    return next(m for m in family.members if m.relationship == "proband")


# -- members -----------------------------------------------------------------------------------------------
def _check(relationship: str, side: str | None, sex: str, affected: str, birth_year: int | None) -> None:
    if relationship not in RELATIONSHIPS:
        raise InvalidInput(f"relationship must be one of {', '.join(RELATIONSHIPS)}")
    if relationship == "parent" and side not in SIDES:
        raise InvalidInput("a parent is the mother or the father (side)")
    if relationship not in ("parent", "half-sibling") and side:
        raise InvalidInput("a side (mother / father) is given for a parent or a half-sibling only")
    if side and side not in SIDES:
        raise InvalidInput("side must be mother or father")
    if relationship == "parent" and sex != {"mother": "female", "father": "male"}[side] and sex != "unknown":
        raise InvalidInput(f"the {side}'s sex cannot be {sex}")
    if sex not in MEMBER_SEXES:
        raise InvalidInput(f"sex must be one of {', '.join(MEMBER_SEXES)}")
    if affected not in AFFECTED:
        raise InvalidInput("affected must be yes, no or unknown")
    if birth_year is not None and not 1900 <= birth_year <= date.today().year:
        raise InvalidInput(f"birth year {birth_year} is not plausible")


def _hpo(ids: list[str] | tuple[str, ...] | str | None) -> str | None:
    if isinstance(ids, str):
        ids = [x for x in re.split(r"[,\s]+", ids) if x]
    bad = [x for x in ids or [] if not HPO.match(x)]
    if bad:
        raise InvalidInput(f"not an HPO id (HP:0000000): {', '.join(bad)}")
    return ",".join(ids) if ids else None


def _save(db: Session, member: FamilyMember) -> None:
    try:
        with db.begin_nested():
            db.add(member)
            db.flush()
    except IntegrityError:
        if member.relationship == "parent":
            raise InvalidState(ONE_PARENT.format(side=member.side)) from None
        raise InvalidState(IN_FAMILY) from None


def add_member(
    db: Session,
    actor: User,
    family: Family,
    relationship: str,
    display_name: str,
    side: str | None = None,
    sex: str = "unknown",
    birth_date: date | None = None,
    affected: str = "unknown",
    hpo: list[str] | str | None = None,
    deceased: bool = False,
    patient_id: int | None = None,
) -> FamilyMember:
    """Add a relative (the family's physician, through ``family_for``).  ``birth_date`` records the
    relative as a patient (to be tested), linked to the member; ``patient_id`` links an existing patient."""
    require_role(actor, "physician")
    side = side or None
    name = (display_name or "").strip()
    if not name:
        raise InvalidInput("the relative's name is required")
    _check(relationship, side, sex, affected, birth_date.year if birth_date else None)
    if relationship == "parent" and sex == "unknown":
        sex = {"mother": "female", "father": "male"}[side]
    if patient_id is not None and birth_date is not None:
        raise InvalidInput("link an existing patient or give a birth date to record one, not both")
    if patient_id is not None:
        patient = db.get(Patient, patient_id)
        if patient is None or patient.physician_id != actor.id:
            raise NotFound(f"no patient {patient_id}")
    elif birth_date is not None:
        if deceased:
            raise InvalidInput("a deceased relative is not recorded as a patient to test")
        patient = patients.create(db, actor, name, birth_date, sex, confirm_duplicate=True)
    else:
        patient = None
    member = FamilyMember(
        family_id=family.id,
        patient_id=patient.id if patient else None,
        relationship=relationship,
        side=side,
        display_name=name,
        sex=sex,
        birth_year=patient.birth_date.year if patient else None,
        affected=affected,
        hpo=_hpo(hpo),
        deceased=deceased,
        added_by=actor.id,
    )
    _save(db, member)
    audit.record(
        db, actor, "create", "family_member", member.id, family.proband_patient_id,
        detail=f"family {family.id}: {relationship}{' (' + side + ')' if side else ''}"
        f"{f', patient {patient.id}' if patient else ''}",
    )  # fmt: skip
    db.refresh(family)
    return member


def update_member(
    db: Session, actor: User, family: Family, member: FamilyMember, affected: str, hpo, deceased: bool
) -> FamilyMember:
    """Correct a member's affected status, HPO ids or deceased mark (audited with the values before)."""
    require_role(actor, "physician")
    if affected not in AFFECTED:
        raise InvalidInput("affected must be yes, no or unknown")
    before = f"affected {member.affected}, hpo {member.hpo or '-'}, deceased {member.deceased}"
    member.affected, member.hpo, member.deceased = affected, _hpo(hpo), bool(deceased)
    after = f"affected {member.affected}, hpo {member.hpo or '-'}, deceased {member.deceased}"
    audit.record(
        db, actor, "update", "family_member", member.id, family.proband_patient_id,
        detail=f"{before} -> {after}",
    )  # fmt: skip
    return member


def remove_member(
    db: Session, actor: User, family: Family, member: FamilyMember, reason: str
) -> FamilyMember:
    """Mark a relative removed (a mistake), with the reason; ``restore_member`` undoes it."""
    require_role(actor, "physician")
    if member.relationship == "proband":
        raise InvalidState("the proband cannot be removed from their family")
    if not (reason or "").strip():
        raise InvalidInput("give a reason for removing the relative")
    if member.removed_at is not None:
        raise InvalidState(f"member {member.id} is already removed")
    if member.patient_id and db.scalar(
        select(Order.id).where(
            Order.family_id == family.id, Order.patient_id == member.patient_id, Order.status.in_(orders.OPEN)
        )
    ):
        raise InvalidState("the relative has an open order: cancel it first")
    member.removed_at, member.removed_by, member.remove_reason = utcnow(), actor.id, reason.strip()
    audit.record(
        db, actor, "update", "family_member", member.id, family.proband_patient_id,
        detail=f"removed: {reason.strip()}",
    )  # fmt: skip
    return member


def restore_member(db: Session, actor: User, family: Family, member: FamilyMember) -> FamilyMember:
    require_role(actor, "physician")
    if member.removed_at is None:
        raise InvalidState(f"member {member.id} is not removed")
    member.removed_at, member.removed_by, member.remove_reason = None, None, None
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError:
        clash = ONE_PARENT.format(side=member.side) if member.relationship == "parent" else IN_FAMILY
        raise InvalidState(clash) from None
    audit.record(
        db, actor, "update", "family_member", member.id, family.proband_patient_id, detail="restored"
    )
    return member


# -- relatives' orders -------------------------------------------------------------------------------------
def order_relative(db: Session, actor: User, family: Family, member: FamilyMember) -> Order:
    """A known familial variant test for a relative recorded as a patient: eligible by the relationship to
    the positive proband; the current consent, and a minor's assent (or why not), are required."""
    require_role(actor, "physician")
    if member.relationship == "proband" or member.removed_at is not None:
        raise InvalidState("only a current relative of the proband can be tested for the familial variant")
    if member.patient_id is None:
        raise InvalidState("record the relative as a patient (birth date) before ordering")
    if member.deceased:
        raise InvalidState("the relative is recorded as deceased")
    proband_order = db.get(Order, family.proband_order_id)
    if proband_order.status != "reported" or proband_order.result_category != "Positive":
        raise InvalidState("the proband's result is no longer a reported Positive result")
    patient = db.get(Patient, member.patient_id)
    agreed = consent.latest(db, patient)
    if agreed is None or agreed.consent_version != consent.CURRENT_VERSION:
        raise InvalidState(
            f"record the relative's consent (version {consent.CURRENT_VERSION}) before ordering"
        )
    if consent.minor_on(patient, agreed) and not (agreed.assent or agreed.assent_not_possible):
        raise InvalidState(
            "the relative is a minor: record the guardian's consent with the minor's assent, or why assent "
            "was not possible"
        )
    if db.scalar(select(Order.id).where(Order.patient_id == patient.id, Order.status.in_(orders.OPEN))):
        raise InvalidState(orders.ALREADY_OPEN)
    rel = member.relationship + (f" ({member.side})" if member.side else "")
    note = f"known familial variant test: {rel} of the proband of family {family.id}, {family.variant_hgvs_c}"
    return orders.enter(
        db, actor, patient, agreed.id, ELIGIBILITY, note, "familial", family.id, family.variant_key
    )


def member_results(db: Session, family: Family) -> dict[int, dict]:
    """Per member with a patient: the newest familial order's status, result and report date."""
    out = {}
    for m in family.members:
        if m.patient_id is None or m.relationship == "proband":
            continue
        o = db.scalar(
            select(Order)
            .where(Order.family_id == family.id, Order.patient_id == m.patient_id, Order.kind == "familial")
            .where(Order.status.not_in(("cancelled", "rejected")))
            .order_by(Order.id.desc())
            .limit(1)
        )
        if o is not None:
            out[m.id] = {
                "order_id": o.id,
                "status": o.status,
                "result": o.result_category if o.status == "reported" else None,
                "reported_at": o.reported_at,
            }
    return out


def relatives_for_report(db: Session, order: Order) -> list[dict]:
    """The proband's report: each current relative with a familial test (relationship, display name,
    result — None until signed — and report date), for the proband of ``order``."""
    family = of_proband(db, order.patient_id)
    if family is None or order.kind != "proband":
        return []
    results = member_results(db, family)
    rows = []
    for m in live_members(family):
        r = results.get(m.id)
        if r is None:
            continue
        rows.append(
            {
                "relationship": m.relationship + (f" ({m.side})" if m.side else ""),
                "display_name": m.display_name,
                "result": r["result"],
                "report_date": r["reported_at"].date().isoformat() if r["reported_at"] else None,
            }
        )
    return rows
