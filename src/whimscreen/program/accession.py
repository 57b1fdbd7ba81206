"""Accessioning: the lab receives a sample for an order (unique accession), or rejects it with a reason."""

from __future__ import annotations

from datetime import datetime

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
    db: Session, actor: User, order: Order, specimen_type: str, received_at: datetime | None = None
) -> Sample:
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
    if order.status == "ordered":
        orders.advance(db, actor, order, "kit_sent", "kit sent outside the portal")
    sample = Sample(
        order_id=order.id,
        accession=accession_number(order, when),
        specimen_type=specimen_type,
        received_at=when,
        received_by=actor.id,
    )
    db.add(sample)
    db.flush()
    orders.advance(db, actor, order, "received", f"accession {sample.accession}")
    audit.record(db, actor, "create", "sample", sample.id, order.patient_id, detail=sample.accession)
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
