"""Patients (minimal identifiers), their clinical history and blood counts, and their eligibility."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from whimscreen.program import audit
from whimscreen.program.eligibility import ClinicalFacts, Count, Criteria, Eligibility, evaluate
from whimscreen.program.errors import InvalidInput
from whimscreen.program.storage.models import BloodCount, Clinical, Patient, User, utcnow
from whimscreen.program.users import require_role

SEXES = ("female", "male", "other", "unknown")
CLINICAL_FIELDS = (
    "recurrent_infections",
    "infection_history",
    "warts",
    "myelokathexis",
    "family_history",
    "igg",
    "igg_lower_limit",
    "igg_date",
    "duffy_null",
)


def create(
    db: Session, actor: User, name: str, birth_date: date, sex: str, local_id: str | None = None
) -> Patient:
    require_role(actor, "physician")
    if not name.strip():
        raise InvalidInput("the patient's name is required")
    if sex not in SEXES:
        raise InvalidInput(f"sex must be one of {', '.join(SEXES)}")
    if birth_date > date.today() or birth_date.year < 1900:
        raise InvalidInput(f"birth date {birth_date.isoformat()} is not plausible")
    patient = Patient(
        physician_id=actor.id, name=name.strip(), birth_date=birth_date, sex=sex, local_id=local_id
    )
    db.add(patient)
    db.flush()
    audit.record(db, actor, "create", "patient", patient.id, patient.id)
    return patient


def mine(db: Session, actor: User) -> list[Patient]:
    require_role(actor, "physician")
    patients = list(db.scalars(select(Patient).where(Patient.physician_id == actor.id).order_by(Patient.id)))
    audit.record(db, actor, "list", "patient", detail=f"{len(patients)} patients")
    return patients


def update_clinical(db: Session, actor: User, patient: Patient, **values) -> Clinical:
    """Set clinical fields (``None`` = not known); the patient was reached through ``access.patient_for``."""
    unknown = set(values) - set(CLINICAL_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown clinical fields: {', '.join(sorted(unknown))}")
    for key in ("igg", "igg_lower_limit"):
        if values.get(key) is not None and not 0 <= values[key] < 10000:
            raise InvalidInput(f"{key} {values[key]} mg/dL is out of range")
    clinical = patient.clinical or Clinical(patient_id=patient.id)
    for key, value in values.items():
        setattr(clinical, key, value)
    clinical.updated_at = utcnow()
    db.add(clinical)
    db.flush()
    audit.record(db, actor, "update", "clinical", patient.id, patient.id, detail=", ".join(sorted(values)))
    return clinical


def add_count(
    db: Session, actor: User, patient: Patient, taken_on: date, anc=None, alc=None, monocytes=None
) -> BloodCount:
    if taken_on > date.today():
        raise InvalidInput(f"count date {taken_on.isoformat()} is in the future")
    if anc is None and alc is None and monocytes is None:
        raise InvalidInput("a count needs at least one of ANC, ALC, monocytes")
    for label, v in (("ANC", anc), ("ALC", alc), ("monocytes", monocytes)):
        if v is not None and not 0 <= v <= 200_000:
            raise InvalidInput(f"{label} {v}/uL is out of range")
    count = BloodCount(patient_id=patient.id, taken_on=taken_on, anc=anc, alc=alc, monocytes=monocytes)
    db.add(count)
    db.flush()
    db.expire(patient, ["counts"])
    audit.record(db, actor, "create", "blood_count", count.id, patient.id)
    return count


def facts(patient: Patient) -> ClinicalFacts:
    c = patient.clinical
    counts = tuple(Count(x.taken_on, x.anc, x.alc, x.monocytes) for x in patient.counts)
    if c is None:
        return ClinicalFacts(counts=counts)
    return ClinicalFacts(
        counts=counts,
        recurrent_infections=c.recurrent_infections,
        warts=c.warts,
        myelokathexis=c.myelokathexis,
        family_history=c.family_history,
        igg=c.igg,
        igg_lower_limit=c.igg_lower_limit,
        duffy_null=c.duffy_null,
    )


def eligibility(db: Session, patient: Patient) -> Eligibility:
    from whimscreen.program.config import criteria

    return evaluate(facts(patient), criteria(db))


__all__ = ["Criteria", "create", "mine", "update_clinical", "add_count", "facts", "eligibility"]
