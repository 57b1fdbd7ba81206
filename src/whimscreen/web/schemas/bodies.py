"""Request bodies (pydantic) of the JSON API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from whimscreen.web.schemas.common import MAX_ID


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
