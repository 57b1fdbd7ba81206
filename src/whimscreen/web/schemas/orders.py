"""Answers about orders, samples, uploads, analysis jobs, signed reports and the classification review."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from whimscreen.web.schemas.common import Out
from whimscreen.web.schemas.people import ClinicalOut, ConsentOut, CountOut, EligibilityOut, PatientOut


class OrderEvent(Out):
    status: str
    at: str
    note: str | None


class OrderOut(Out):
    id: int
    patient_id: int
    status: str
    eligibility: str
    created_at: str
    reported_at: str | None
    result: str | None
    waitlist_position: int | None
    de_novo: str | None
    kind: str
    family_id: int | None
    familial_variant: str | None
    segregation_meioses: int
    events: list[OrderEvent]


class SampleOut(Out):
    id: int
    order_id: int
    accession: str
    specimen_type: str
    received_at: str
    collected_on: str | None
    rejected_reason: str | None


class ReportVersionOut(Out):
    version: int
    status: str
    result: str | None
    signed_at: str
    signed_at_text: str
    reason: str | None
    report_sha256: str


class OrderPatient(Out):
    name: str
    birth_date: str


class OrderDetail(OrderOut):
    sample: SampleOut | None
    patient: OrderPatient | None = Field(None, description="absent for a physician who is not the orderer's")
    reports: list[ReportVersionOut]


class SignedOut(Out):
    order_id: int
    status: str
    result: str | None
    signed_at: str
    report_sha256: str


class UploadOut(Out):
    id: int
    filename: str
    kind: str
    size: int
    sha256: str
    uploaded_at: str


class JobOut(Out):
    id: int
    sample_id: int
    status: str
    attempts: int
    error: str | None
    requested_by: int
    created_at: str
    finished_at: str | None
    analysis: dict[str, Any] | None = Field(None, description="the analysis document, once done")


class Rejected(Out):
    sample: SampleOut
    replacement_order: OrderOut


class SampleReview(Out):
    sample: SampleOut
    order: OrderOut
    uploads: list[UploadOut]
    jobs: list[JobOut]
    analysis: dict[str, Any] | None
    analysis_job_id: int | None
    analysis_current: bool
    active_job: bool


class QueueItem(Out):
    order_id: int
    sample_id: int
    accession: str
    job_id: int
    family_id: int | None = Field(None, description="a family's results moved its variant's class")
    reasons: list[str]


class DecisionOut(Out):
    id: int
    job_id: int
    variant_key: str
    classification: str
    reason: str
    decided_by: int
    decided_at: str


class CaseEvidenceOut(Out):
    order_id: int
    de_novo: str | None
    segregation_meioses: int


class PatientDetail(PatientOut):
    clinical: ClinicalOut | None
    counts: list[CountOut]
    eligibility: EligibilityOut
    consent: ConsentOut | None
    orders: list[OrderOut]
