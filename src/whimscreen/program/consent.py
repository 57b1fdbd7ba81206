"""Consent: who consented, when, and to which version of the consent text (``data/consent-*.md``)."""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from whimscreen.program import audit, patients
from whimscreen.program.errors import InvalidInput
from whimscreen.program.storage.models import Consent, Patient, User
from whimscreen.program.users import require_role

CURRENT_VERSION = "2026-1"
_FILES = {"2026-1": "consent-v1.md"}
_ISSUED = {"2026-1": date(2026, 1, 1)}  # a consent cannot predate the text it agrees to
RELATIONSHIPS = ("self", "parent", "legal guardian")
ADULT_AGE = 18


@cache
def text(version: str = CURRENT_VERSION) -> str:
    if version not in _FILES:
        raise InvalidInput(f"unknown consent version {version!r}")
    return (resources.files("whimscreen.program") / "data" / _FILES[version]).read_text()


def record(
    db: Session,
    actor: User,
    patient: Patient,
    given_by: str,
    relationship: str,
    consented_on: date,
    version: str = CURRENT_VERSION,
    assent: bool | None = None,
    assent_not_possible: str | None = None,
) -> Consent:
    """``assent`` / ``assent_not_possible``: for a minor, the minor's own assent or why it could not be given
    (kept with the guardian's consent; a relative's familial test needs one of them, ``families.py``)."""
    require_role(actor, "physician")
    if version != CURRENT_VERSION:
        raise InvalidInput(f"consent version {version!r} is not the current one ({CURRENT_VERSION})")
    if not given_by.strip():
        raise InvalidInput("the name of the person who consented is required")
    if relationship not in RELATIONSHIPS:
        raise InvalidInput(f"relationship must be one of {', '.join(RELATIONSHIPS)}")
    patients.check_date(patient, consented_on, "consent date")
    if consented_on < _ISSUED[version]:
        raise InvalidInput(
            f"consent date {consented_on.isoformat()} is before consent version {version} was issued "
            f"({_ISSUED[version].isoformat()})"
        )
    age = patients.age_on(patient, consented_on)
    if relationship == "self" and age < ADULT_AGE:
        raise InvalidInput(
            f"the patient was {age} on {consented_on.isoformat()}: a minor's consent is given by a parent "
            "or legal guardian"
        )
    reason = (assent_not_possible or "").strip() or None
    if age >= ADULT_AGE:
        assent, reason = None, None  # an adult consents; assent is a minor's
    elif assent and reason:
        raise InvalidInput("record either the minor's assent or why it was not possible, not both")
    consent = Consent(
        assent=assent,
        assent_not_possible=reason,
        patient_id=patient.id,
        consent_version=version,
        given_by=given_by.strip(),
        relationship_to_patient=relationship,
        consented_on=consented_on,
        recorded_by=actor.id,
    )
    db.add(consent)
    db.flush()
    audit.record(db, actor, "create", "consent", consent.id, patient.id, detail=f"version {version}")
    return consent


def minor_on(patient: Patient, consent: Consent) -> bool:
    return patients.age_on(patient, consent.consented_on) < ADULT_AGE


def latest(db: Session, patient: Patient) -> Consent | None:
    return db.scalar(
        select(Consent).where(Consent.patient_id == patient.id).order_by(Consent.id.desc()).limit(1)
    )
