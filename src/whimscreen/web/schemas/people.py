"""Answers about accounts, patients and the audit log."""

from __future__ import annotations

from datetime import date

from whimscreen.web.schemas.common import Out


class UserOut(Out):
    id: int
    email: str
    name: str
    role: str
    status: str
    license_id: str | None
    institution: str | None


class LoginOut(Out):
    user: UserOut
    csrf_token: str


class Received(Out):
    status: str
    detail: str


class Done(Out):
    ok: bool


class PatientOut(Out):
    id: int
    name: str
    birth_date: date
    sex: str
    local_id: str | None


class AuditOut(Out):
    id: int
    at: str
    user_id: int | None
    user_name: str | None
    action: str
    entity: str
    entity_id: str | None
    patient_id: int | None
    detail: str | None


class Criterion(Out):
    key: str
    status: str
    reason: str
    source: str


class EligibilityOut(Out):
    decision: str
    reason: str
    criteria: list[Criterion]
    notes: list[str]


class ClinicalOut(Out):
    recurrent_infections: bool | None
    infection_history: str | None
    warts: bool | None
    myelokathexis: bool | None
    family_history: bool | None
    igg: float | None
    igg_lower_limit: float | None
    igg_date: date | None
    duffy_null: bool | None


class CountOut(Out):
    taken_on: str
    anc: float | None
    alc: float | None
    monocytes: float | None


class ConsentOut(Out):
    version: str
    given_by: str
    consented_on: str
    assent: bool | None
    assent_not_possible: str | None


class ConsentRecorded(Out):
    id: int
    version: str
    given_by: str


class NotificationOut(Out):
    id: int
    order_id: int | None
    message: str
    created_at: str
    read: bool


class Marked(Out):
    marked: int
