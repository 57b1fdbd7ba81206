"""Accessioning: the lab receives a sample for an order (unique accession), or rejects it with a reason."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from whimscreen.program import audit, orders
from whimscreen.program.errors import InvalidInput, InvalidState
from whimscreen.program.storage.models import Order, Sample, User, utcnow
from whimscreen.program.users import LAB, require_role

SPECIMENS = ("peripheral blood (EDTA)", "saliva", "buccal swab", "extracted DNA", "bone marrow")


def accession_number(order: Order, when: datetime) -> str:
    """``WS-YYYY-NNNNNN``: unique because one order has at most one sample (enforced by the schema)."""
    return f"WS-{when.year}-{order.id:06d}"


def receive(
    db: Session,
    actor: User,
    order: Order,
    specimen_type: str,
    received_at: datetime | None = None,
    collected_on: date | None = None,
) -> Sample:
    """Receive the order's sample; ``collected_on`` is the collection date the requisition gives (it can
    be added later with ``set_collected_on`` while the sample is not yet reported)."""
    require_role(actor, *LAB)
    if specimen_type not in SPECIMENS:
        raise InvalidInput(f"specimen type must be one of: {', '.join(SPECIMENS)}")
    if order.status not in ("ordered", "kit_sent"):
        raise InvalidState(f"order {order.id} is {order.status}: it cannot receive a sample")
    if db.scalar(select(Sample.id).where(Sample.order_id == order.id)) is not None:
        raise InvalidState(f"order {order.id} already has a sample")
    when = received_at or utcnow()
    if when > utcnow():
        raise InvalidInput("the receipt time is in the future")
    _check_collected(order, collected_on, when)
    if order.status == "ordered":
        orders.advance(db, actor, order, "kit_sent", "kit sent outside the portal")
    sample = Sample(
        order_id=order.id,
        accession=accession_number(order, when),
        specimen_type=specimen_type,
        received_at=when,
        received_by=actor.id,
        collected_on=collected_on,
    )
    db.add(sample)
    db.flush()
    orders.advance(db, actor, order, "received", f"accession {sample.accession}")
    audit.record(db, actor, "create", "sample", sample.id, order.patient_id, detail=sample.accession)
    return sample


def _check_collected(order: Order, collected_on: date | None, received_at: datetime) -> None:
    if collected_on is None:
        return
    if collected_on > received_at.date():
        raise InvalidInput("the collection date is after the sample was received")
    if collected_on < order.patient.birth_date:
        raise InvalidInput("the collection date is before the patient's birth")


def set_collected_on(db: Session, actor: User, sample: Sample, collected_on: date) -> Sample:
    """Record or correct the collection date before the report is signed (audited with the old value)."""
    require_role(actor, *LAB)
    order = sample.order
    if order.status in ("reported", "cancelled"):
        raise InvalidState(f"order {order.id} is {order.status}: amend the report to change its dates")
    _check_collected(order, collected_on, sample.received_at)
    before, sample.collected_on = sample.collected_on, collected_on
    audit.record(
        db, actor, "update", "sample", sample.id, order.patient_id,
        detail=f"collected on {before} -> {collected_on}",
    )  # fmt: skip
    return sample


def reject(db: Session, actor: User, sample: Sample, reason: str) -> Order:
    """Reject the sample at any stage before sign-out (its job is stopped, its files kept); returns the
    replacement order asking for a new sample (``orders.reject_sample``)."""
    require_role(actor, *LAB)
    if not (reason or "").strip():
        raise InvalidInput("a rejection needs a reason")
    if sample.rejected_reason:
        raise InvalidState(f"sample {sample.accession} is already rejected")
    if sample.order.status not in orders.OPEN:
        raise InvalidState(
            f"order {sample.order.id} is {sample.order.status}: the sample can no longer be rejected"
        )
    sample.rejected_reason = reason.strip()
    audit.record(db, actor, "update", "sample", sample.id, sample.order.patient_id, detail="rejected")
    return orders.reject_sample(db, actor, sample.order, reason)


def by_accession(db: Session, actor: User, accession: str) -> Sample | None:
    require_role(actor, *LAB)
    return db.scalar(select(Sample).where(Sample.accession == accession.strip().upper()))
