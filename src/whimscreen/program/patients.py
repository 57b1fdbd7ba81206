"""Patients (minimal identifiers), their clinical history and blood counts, and their eligibility."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from whimscreen.program import audit
from whimscreen.program.eligibility import ClinicalFacts, Count, Criteria, Eligibility, evaluate
from whimscreen.program.errors import InvalidInput, InvalidState
from whimscreen.program.storage.models import BloodCount, Clinical, Patient, User, utcnow
from whimscreen.program.storage.paging import page_of
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


class PossibleDuplicate(InvalidState):
    """This physician already has a patient with this name and birth date (HTTP 409; confirm to create)."""

    def __init__(self, existing: Patient):
        self.existing_id = existing.id
        super().__init__(
            f"you already have a patient named {existing.name} born {existing.birth_date.isoformat()} "
            f"(patient {existing.id}); confirm to record another one"
        )


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def create(
    db: Session,
    actor: User,
    name: str,
    birth_date: date,
    sex: str,
    local_id: str | None = None,
    confirm_duplicate: bool = False,
) -> Patient:
    require_role(actor, "physician")
    if not name.strip():
        raise InvalidInput("the patient's name is required")
    if sex not in SEXES:
        raise InvalidInput(f"sex must be one of {', '.join(SEXES)}")
    if birth_date > date.today() or birth_date.year < 1900:
        raise InvalidInput(f"birth date {birth_date.isoformat()} is not plausible")
    if not confirm_duplicate:
        same_day = db.scalars(
            select(Patient).where(Patient.physician_id == actor.id, Patient.birth_date == birth_date)
        )
        twin = next((p for p in same_day if _same_name(p.name) == _same_name(name)), None)
        if twin is not None:
            raise PossibleDuplicate(twin)
    patient = Patient(
        physician_id=actor.id, name=name.strip(), birth_date=birth_date, sex=sex, local_id=local_id
    )
    db.add(patient)
    db.flush()
    audit.record(db, actor, "create", "patient", patient.id, patient.id)
    return patient


def mine_page(db: Session, actor: User, limit: int = 100, offset: int = 0) -> tuple[list[Patient], int]:
    """One page of the physician's patients (in the order recorded) and how many there are."""
    require_role(actor, "physician")
    where = Patient.physician_id == actor.id
    found, total = page_of(db, select(Patient).where(where).order_by(Patient.id), limit, offset)
    audit.record(db, actor, "list", "patient", detail=f"{len(found)} of {total} patients from {offset}")
    return found, total


def check_date(patient: Patient, when: date, label: str) -> None:
    """A date of this patient's record: not before birth, not in the future."""
    if when > date.today():
        raise InvalidInput(f"{label} {when.isoformat()} is in the future")
    if when < patient.birth_date:
        raise InvalidInput(
            f"{label} {when.isoformat()} is before the patient's birth ({patient.birth_date.isoformat()})"
        )


def age_on(patient: Patient, when: date) -> int:
    born = patient.birth_date
    return when.year - born.year - ((when.month, when.day) < (born.month, born.day))


def update_clinical(db: Session, actor: User, patient: Patient, **values) -> Clinical:
    """Set clinical fields (``None`` = not known); the patient was reached through ``access.patient_for``."""
    unknown = set(values) - set(CLINICAL_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown clinical fields: {', '.join(sorted(unknown))}")
    for key in ("igg", "igg_lower_limit"):
        if values.get(key) is not None and not 0 <= values[key] < 10000:
            raise InvalidInput(f"{key} {values[key]} mg/dL is out of range")
    if values.get("igg_date") is not None:
        check_date(patient, values["igg_date"], "IgG date")
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
    check_date(patient, taken_on, "blood count date")
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


__all__ = ["Criteria", "create", "mine_page", "update_clinical", "add_count", "facts", "eligibility"]
