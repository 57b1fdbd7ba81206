"""Request bodies (pydantic) and the public shapes of records (plain dicts) shared by API and pages."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, Field

from whimscreen.program.storage.models import Job, Order, Patient, Sample, Upload, User

MAX_ID = 2**31 - 1  # database integer keys (PostgreSQL INTEGER)
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="a record id")]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


class Problem(BaseModel):
    """Every error answer: one clear sentence, or (request validation) the list of fields at fault."""

    detail: str | list[dict[str, Any]]


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in (
        (401, "not logged in"),
        (403, "not allowed for this role, or a missing CSRF token"),
        (404, "no such object (or not one of yours)"),
        (409, "not possible in the object's current state"),
        (413, "request body too large"),
        (422, "invalid input"),
        (429, "too many failed logins"),
    )
}


class PatientCreate(BaseModel):
    name: str = Field(max_length=200)
    birth_date: date
    sex: str
    local_id: str | None = Field(None, max_length=100)
    confirm_duplicate: bool = Field(
        False, description="create it although this physician has a patient with this name and birth date"
    )


class ClinicalUpdate(BaseModel):
    recurrent_infections: bool | None = None
    infection_history: str | None = None
    warts: bool | None = None
    myelokathexis: bool | None = None
    family_history: bool | None = None
    igg: float | None = None
    igg_lower_limit: float | None = None
    igg_date: date | None = None
    duffy_null: bool | None = None


class CountCreate(BaseModel):
    taken_on: date
    anc: float | None = Field(None, description="absolute neutrophil count, cells/uL")
    alc: float | None = Field(None, description="absolute lymphocyte count, cells/uL")
    monocytes: float | None = Field(None, description="monocytes, cells/uL")


class ConsentCreate(BaseModel):
    given_by: str
    relationship: str = "self"
    consented_on: date
    version: str
    assent: bool | None = Field(None, description="a minor's own assent to the test")
    assent_not_possible: str | None = Field(None, description="why a minor's assent could not be given")


class OrderCreate(BaseModel):
    justification: str | None = None
    suggestion_id: int | None = Field(None, ge=1, le=MAX_ID, description="the suggestion this order answers")


class AccessionCreate(BaseModel):
    specimen_type: str
    collected_on: date | None = None  # from the requisition


class AmendCreate(BaseModel):
    kind: str  # amended | corrected
    reason: str
    comment: str | None = None
    task_id: int | None = Field(None, ge=1, le=2**31 - 1)  # the reclassification task it resolves


class LabIdentityUpdate(BaseModel):
    name: str | None = None
    address: str | None = None
    clia: str | None = None
    cap: str | None = None
    directors: list[str] | None = None
    sponsor_disclosure: str | None = None
    footer: str | None = None
    confirmation_policy: str | None = None
    method_ngs: str | None = None
    method_sanger: str | None = None


class Rejection(BaseModel):
    reason: str


class SignOutCreate(BaseModel):
    comment: str | None = None


class StaffCreate(BaseModel):
    email: str
    name: str
    password: str
    role: str


class CapacityUpdate(BaseModel):
    capacity: int = Field(ge=0, le=100_000)


# -- answers (response models: in the OpenAPI schema, checked by schemathesis) ---------------------------
class UserOut(BaseModel):
    id: int
    email: str
    name: str
    role: str
    status: str
    license_id: str | None
    institution: str | None


class LoginOut(BaseModel):
    user: UserOut
    csrf_token: str


class Received(BaseModel):
    status: str
    detail: str


class Done(BaseModel):
    ok: bool


class PatientOut(BaseModel):
    id: int
    name: str
    birth_date: date
    sex: str
    local_id: str | None


class UploadOut(BaseModel):
    id: int
    filename: str
    kind: str
    size: int
    sha256: str
    uploaded_at: str


class AuditOut(BaseModel):
    id: int
    at: str
    user_id: int | None
    user_name: str | None
    action: str
    entity: str
    entity_id: str | None
    patient_id: int | None
    detail: str | None


class CapacityOut(BaseModel):
    capacity: int
    enrolled_from_waitlist: int


def user_public(u: User) -> dict:
    return {
        "id": u.id,
        "email": u.email,
        "name": u.name,
        "role": u.role,
        "status": u.status,
        "license_id": u.license_id,
        "institution": u.institution,
    }


def patient_public(p: Patient) -> dict:
    return {
        "id": p.id,
        "name": p.name,
        "birth_date": p.birth_date.isoformat(),
        "sex": p.sex,
        "local_id": p.local_id,
    }


def order_public(o: Order, position: int | None = None) -> dict:
    return {
        "id": o.id,
        "patient_id": o.patient_id,
        "status": o.status,
        "eligibility": o.eligibility,
        "created_at": o.created_at.isoformat(),
        "reported_at": o.reported_at.isoformat() if o.reported_at else None,
        "result": o.result_category,
        "waitlist_position": position,
        "de_novo": o.de_novo,
        "kind": o.kind,
        "family_id": o.family_id,
        "familial_variant": o.familial_variant,
        "segregation_meioses": o.segregation_meioses or 0,
        "events": [{"status": e.status, "at": e.at.isoformat(), "note": e.note} for e in o.events],
    }


def sample_public(s: Sample) -> dict:
    return {
        "id": s.id,
        "order_id": s.order_id,
        "accession": s.accession,
        "specimen_type": s.specimen_type,
        "received_at": s.received_at.isoformat(),
        "collected_on": s.collected_on.isoformat() if s.collected_on else None,
        "rejected_reason": s.rejected_reason,
    }


def report_version_public(r) -> dict:
    return {
        "version": r.version,
        "status": r.status,
        "result": r.result_category,
        "signed_at": r.signed_at.isoformat(),
        "signed_at_text": r.signed_at.strftime("%Y-%m-%d %H:%M UTC"),
        "reason": r.reason,
        "report_sha256": r.report_sha256,
    }


def upload_public(u: Upload) -> dict:
    return {
        "id": u.id,
        "filename": u.filename,
        "kind": u.kind,
        "size": u.size,
        "sha256": u.sha256,
        "uploaded_at": u.uploaded_at.isoformat(),
    }


def job_public(j: Job, with_result: bool = False) -> dict:
    out = {
        "id": j.id,
        "sample_id": j.sample_id,
        "status": j.status,
        "attempts": j.attempts,
        "error": j.error,
        "requested_by": j.requested_by,
        "created_at": j.created_at.isoformat(),
        "finished_at": j.finished_at.isoformat() if j.finished_at else None,
    }
    if with_result and j.result_json:
        out["analysis"] = json.loads(j.result_json)
    return out
