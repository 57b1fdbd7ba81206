"""Object-level scope, in one place: which patients, orders and samples a user may reach.

A physician reaches only their own patients and orders; the lab (technologist, director) reaches orders,
samples and uploads; the coordinator reaches an order only to cancel it (no patient data); the
administrator reaches no patient data.  An object out of scope is
reported as not found, so its existence is not revealed.  Every successful lookup of patient data is audited.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from whimscreen.program import audit
from whimscreen.program.errors import NotFound
from whimscreen.program.storage.models import Job, Order, Patient, Sample, Upload, User
from whimscreen.program.users import LAB, require_role


def patient_for(db: Session, actor: User, patient_id: int, action: str = "view") -> Patient:
    require_role(actor, "physician")
    patient = db.get(Patient, patient_id)
    if patient is None or patient.physician_id != actor.id:
        raise NotFound(f"no patient {patient_id}")
    audit.record(db, actor, action, "patient", patient.id, patient.id)
    return patient


def order_for(db: Session, actor: User, order_id: int, action: str = "view") -> Order:
    require_role(actor, "physician", *LAB)
    order = db.get(Order, order_id)
    if order is None or (actor.role == "physician" and order.physician_id != actor.id):
        raise NotFound(f"no order {order_id}")
    audit.record(db, actor, action, "order", order.id, order.patient_id)
    return order


def sample_for(db: Session, actor: User, sample_id: int, action: str = "view") -> Sample:
    require_role(actor, *LAB)
    sample = db.get(Sample, sample_id)
    if sample is None:
        raise NotFound(f"no sample {sample_id}")
    audit.record(db, actor, action, "sample", sample.id, sample.order.patient_id)
    return sample


def job_for(db: Session, actor: User, job_id: int, action: str = "view") -> Job:
    require_role(actor, *LAB)
    job = db.get(Job, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    audit.record(db, actor, action, "job", job.id, job.sample.order.patient_id)
    return job


def order_to_cancel(db: Session, actor: User, order_id: int) -> Order:
    """The ordering physician's own order, or any order for the coordinator (who sees no patient data)."""
    require_role(actor, "physician", "coordinator")
    order = db.get(Order, order_id)
    if order is None or (actor.role == "physician" and order.physician_id != actor.id):
        raise NotFound(f"no order {order_id}")
    audit.record(db, actor, "view", "order", order.id, order.patient_id)
    return order


def upload_for(db: Session, actor: User, upload_id: int) -> Upload:
    require_role(actor, *LAB)
    upload = db.get(Upload, upload_id)
    if upload is None:
        raise NotFound(f"no upload {upload_id}")
    audit.record(db, actor, "view", "upload", upload.id, db.get(Sample, upload.sample_id).order.patient_id)
    return upload
