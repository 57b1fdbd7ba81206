"""The public shapes of records (plain dicts) shared by API answers and pages."""

from __future__ import annotations

import json

from whimscreen.program.storage.models import Job, Order, Patient, Sample, Upload, User


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
