"""The family's signed results as evidence for the proband: the pedigree, de novo and segregation.

- **De novo** (PS2 / PM6): only when the proband's mother *and* father have signed familial results at the
  variant.  The inheritance follows ``interpretation/inheritance.py`` on the parents' signed analyses (absent
  in both *covered* parents -> de novo), and both signed results must also read "Not detected"; any other
  combination (an Inconclusive parent, a parent untested) leaves ``not_determined`` — never de novo.  The
  proband's de novo status is then the family's parentage: ``confirmed`` (a user ticked it and said how) or
  ``assumed``.
- **Segregation** (PP1): informative meioses of the pedigree built from the members
  (``pedigree.segregation``).

Both are written into the proband's order case evidence (``classification_review.set_case_evidence``,
audited).  When the evidence changes the class of the familial variant from the signed one, the directors
are notified and the family is listed in the review queue (``reclassified``).
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from whimscreen.interpretation.inheritance import inheritance
from whimscreen.interpretation.pedigree import Pedigree, Person, segregation
from whimscreen.interpretation.result import variant_key
from whimscreen.program import audit, classification_review, families
from whimscreen.program.errors import InvalidInput
from whimscreen.program.notifications import notify
from whimscreen.program.storage.models import Family, FamilyMember, Job, Order, SignOut, User

CARRIER = {"Detected": "carrier", "Not detected": "non-carrier"}
AFFECTED = {"yes": True, "no": False, "unknown": None}


def _signed_doc(db: Session, order_id: int) -> dict | None:
    record = db.scalar(select(SignOut).where(SignOut.order_id == order_id))
    return json.loads(db.get(Job, record.job_id).result_json) if record else None


def person_id(m: FamilyMember) -> str:
    """An identifier without the person's name (the PED / Phenopackets exports leave the site)."""
    if m.relationship == "proband":
        return "proband"
    if m.relationship == "parent":
        return m.side
    return f"{m.relationship}-{m.id}"


def pedigree(db: Session, family: Family) -> tuple[Pedigree, list[str]]:
    """The family as a pedigree (with the notes on members it cannot place).  Siblings share both of the
    proband's parents, half-siblings the parent on their side; untested parents appear as unknown founders;
    the proband's children descend from the proband and an unrecorded partner."""
    results = families.member_results(db, family)
    live = families.live_members(family)
    p = families.proband(family)
    parents = {m.side: m for m in live if m.relationship == "parent"}
    notes: list[str] = []
    persons: dict[str, Person] = {}
    need_parents = any(m.relationship in ("sibling", "half-sibling") for m in live) or parents

    def person(m: FamilyMember, father=None, mother=None) -> Person:
        r = results.get(m.id) or {}
        carrier = "carrier" if m.relationship == "proband" else CARRIER.get(r.get("result"))
        return Person(
            person_id(m), father, mother, m.sex, AFFECTED[m.affected], m.deceased,
            m.relationship == "proband", carrier,
        )  # fmt: skip

    father = mother = None
    if need_parents:
        for side, sex in (("father", "male"), ("mother", "female")):
            if side in parents:
                persons[side] = person(parents[side])
            else:
                persons[side] = Person(side, sex=sex)
        father, mother = "father", "mother"
    persons["proband"] = person(p, father, mother)
    partner = None
    for m in live:
        rel = m.relationship
        if rel == "sibling":
            persons[person_id(m)] = person(m, "father", "mother")
        elif rel == "half-sibling":
            if m.side is None:
                notes.append(f"{m.display_name}: half-sibling without the shared parent's side, not drawn")
                continue
            other = f"{'mother' if m.side == 'father' else 'father'}-of-{m.id}"
            persons[other] = Person(other, sex="female" if m.side == "father" else "male")
            pair = ("father", other) if m.side == "father" else (other, "mother")
            persons[person_id(m)] = person(m, *pair)
        elif rel == "child":
            if partner is None:
                partner = "partner"
                partner_sex = {"female": "male", "male": "female"}.get(p.sex, "unknown")
                persons[partner] = Person(partner, sex=partner_sex)
            pair = ("proband", partner) if p.sex == "male" else (partner, "proband")
            persons[person_id(m)] = person(m, *pair)
        elif rel == "other":
            notes.append(f"{m.display_name}: relationship 'other', not placed in the pedigree")
    return Pedigree(f"family-{family.id}", tuple(persons.values())), notes


def de_novo_status(db: Session, family: Family) -> dict:
    """{"inheritance", "de_novo" (confirmed | assumed | None), "why"} from the parents' signed results."""
    results = families.member_results(db, family)
    parents = {m.side: m for m in families.live_members(family) if m.relationship == "parent"}
    signed = {s: results.get(parents[s].id) if s in parents else None for s in ("mother", "father")}
    missing = [s for s, r in signed.items() if not r or r["result"] is None]
    if missing:
        why = f"no signed result of the {' and '.join(missing)}"
        return {"inheritance": "not_determined", "de_novo": None, "why": why}
    docs = {s: _signed_doc(db, r["order_id"]) for s, r in signed.items()}
    proband_doc = _signed_doc(db, family.proband_order_id)
    variant = next(v for v in proband_doc["variants"] if variant_key(v) == family.variant_key)
    found = inheritance(variant, docs["mother"], docs["father"], family.parentage)
    categories = {s: r["result"] for s, r in signed.items()}
    if found["inheritance"] == "de_novo" and set(categories.values()) != {"Not detected"}:
        found["inheritance"] = "not_determined"  # the signed results must agree with the analyses
    why = "; ".join(f"{s}: {categories[s]} ({found[s]})" for s in ("mother", "father"))
    mode = found["inheritance"]
    return {"inheritance": mode, "de_novo": family.parentage if mode == "de_novo" else None, "why": why}


def update_case_evidence(db: Session, actor: User, family: Family, home: Path | None) -> dict:
    """Write the family's de novo status and informative meioses into the proband's order (audited, only
    when they change), and flag a class change of the familial variant for the directors."""
    order = db.get(Order, family.proband_order_id)
    status = de_novo_status(db, family)
    ped, notes = pedigree(db, family)
    seg = segregation(ped)
    meioses = 0 if seg.against else seg.meioses
    changed = (order.de_novo, order.segregation_meioses or 0) != (status["de_novo"], meioses)
    if changed:
        classification_review.set_case_evidence(
            db, actor, order, status["de_novo"], meioses, from_family=family.id
        )
        now = current_class(db, family, home)
        if now != family.signed_class:
            for director in db.scalars(select(User).where(User.role == "director", User.status == "active")):
                notify(
                    db,
                    director.id,
                    f"Family {family.id}: the family's results change {family.variant_hgvs_c} of order "
                    f"{order.id} from {family.signed_class} (signed) to {now}; review the signed report.",
                    order,
                )
    return status | {"meioses": meioses, "segregation_notes": list(seg.notes) + notes, "changed": changed}


def after_signout(db: Session, actor: User, order: Order, home: Path | None) -> dict:
    """A relative's result was signed: recompute the proband's evidence from the family's results."""
    return update_case_evidence(db, actor, db.get(Family, order.family_id), home)


def current_class(db: Session, family: Family, home: Path | None) -> str | None:
    """The familial variant's class with the order's current case evidence and the director's decisions."""
    record = db.scalar(select(SignOut).where(SignOut.order_id == family.proband_order_id))
    analysis = classification_review.reviewed_analysis(db, db.get(Job, record.job_id), home)
    v = next((v for v in analysis["variants"] if variant_key(v) == family.variant_key), None)
    return v["reported_classification"] if v else None


def reclassified(db: Session, home: Path | None) -> list[dict]:
    """Review-queue items: families whose evidence moved the familial variant away from its signed class."""
    out = []
    for family in db.scalars(select(Family).order_by(Family.id)):
        order = db.get(Order, family.proband_order_id)
        if order.de_novo is None and not order.segregation_meioses:
            continue
        now = current_class(db, family, home)
        if now != family.signed_class:
            record = db.scalar(select(SignOut).where(SignOut.order_id == order.id))
            sample = db.get(Job, record.job_id).sample
            out.append(
                {
                    "order_id": order.id,
                    "sample_id": sample.id,
                    "accession": sample.accession,
                    "job_id": record.job_id,
                    "family_id": family.id,
                    "reasons": [
                        f"{family.variant_hgvs_c}: the family's results (de novo "
                        f"{order.de_novo or 'not determined'}, {order.segregation_meioses} meioses) give "
                        f"{now}; the signed report says {family.signed_class}"
                    ],
                }
            )
    return out


def set_parentage(
    db: Session, actor: User, family: Family, confirmed: bool, basis: str | None, home: Path | None
) -> Family:
    """Parentage confirmed needs the explicit tick and how it was confirmed; recorded with who did it."""
    basis = (basis or "").strip()
    if confirmed and len(basis) < 5:
        raise InvalidInput("say how parentage was confirmed (e.g. the identity test and its date)")
    before = family.parentage
    family.parentage = "confirmed" if confirmed else "assumed"
    family.parentage_confirmed_by = actor.id if confirmed else None
    family.parentage_basis = basis if confirmed else None
    audit.record(
        db, actor, "update", "family", family.id, family.proband_patient_id,
        detail=f"parentage {before} -> {family.parentage}{': ' + basis if confirmed else ''}",
    )  # fmt: skip
    update_case_evidence(db, actor, family, home)
    return family
