"""Orders: placement against the study capacity (past it: the waitlist, visibly), and the status track.

Status track: ordered -> kit_sent -> received -> sequencing -> analysis -> review -> reported; an order
past capacity is ``waitlisted`` until the coordinator raises the capacity or an enrolled order is cancelled;
a rejected sample ends the order as ``rejected``.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from whimscreen.program import audit, config, consent
from whimscreen.program.eligibility import ELIGIBLE
from whimscreen.program.errors import InvalidInput, InvalidState
from whimscreen.program.patients import eligibility
from whimscreen.program.storage.models import Order, OrderEvent, Patient, User, utcnow
from whimscreen.program.users import require_role

TRACK = ("ordered", "kit_sent", "received", "sequencing", "analysis", "review", "reported")
STATUSES = ("waitlisted", *TRACK, "rejected", "cancelled")
OPEN = ("waitlisted", *TRACK[:-1])
NOT_ENROLLED = ("waitlisted", "cancelled")
LABELS = {
    "waitlisted": "Waitlisted (study full)",
    "ordered": "Ordered",
    "kit_sent": "Kit sent",
    "received": "Sample received",
    "sequencing": "Sequencing",
    "analysis": "Analysis",
    "review": "In review",
    "reported": "Reported",
    "rejected": "Sample rejected",
    "cancelled": "Cancelled",
}


def enrolled_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Order).where(Order.status.not_in(NOT_ENROLLED)))


def _event(db: Session, order: Order, status: str, actor: User | None, note: str | None = None) -> None:
    db.add(OrderEvent(order_id=order.id, status=status, user_id=actor.id if actor else None, note=note))


def place(db: Session, actor: User, patient: Patient, justification: str | None = None) -> Order:
    """Place an order for one of the physician's patients (reached through ``access.patient_for``)."""
    require_role(actor, "physician")
    agreed = consent.latest(db, patient)
    if agreed is None or agreed.consent_version != consent.CURRENT_VERSION:
        raise InvalidState(
            f"record the patient's consent (version {consent.CURRENT_VERSION}) before ordering"
        )
    if db.scalar(select(Order.id).where(Order.patient_id == patient.id, Order.status.in_(OPEN))):
        raise InvalidState("this patient already has an open order")
    check = eligibility(db, patient)
    if check.decision != ELIGIBLE and not (justification or "").strip():
        raise InvalidInput(f"the patient is {check.decision} ({check.reason}): give a clinical justification")
    capacity = config.capacity(db, lock=True)  # serialises concurrent placements on PostgreSQL
    full = enrolled_count(db) >= capacity
    order = Order(
        patient_id=patient.id,
        physician_id=actor.id,
        consent_id=agreed.id,
        status="waitlisted" if full else "ordered",
        eligibility=check.decision,
        enrolled_at=None if full else utcnow(),
    )
    db.add(order)
    db.flush()
    note = f"study full ({capacity})" if full else None
    if justification:
        note = f"{note + '; ' if note else ''}justification: {justification.strip()}"
    _event(db, order, order.status, actor, note)
    audit.record(db, actor, "create", "order", order.id, patient.id, detail=order.status)
    return order


def advance(db: Session, actor: User | None, order: Order, to: str, note: str | None = None) -> Order:
    """Move an order one step along the track (the only allowed move)."""
    if order.status not in TRACK or to not in TRACK or TRACK.index(to) != TRACK.index(order.status) + 1:
        raise InvalidState(f"order {order.id} is {order.status}; it cannot move to {to}")
    order.status = to
    if to == "reported":
        order.reported_at = utcnow()
    _event(db, order, to, actor, note)
    audit.record(db, actor, "update", "order", order.id, order.patient_id, detail=f"status {to}")
    return order


def mark_kit_sent(db: Session, actor: User, order: Order) -> Order:
    require_role(actor, "technologist", "director")
    return advance(db, actor, order, "kit_sent")


def end(db: Session, actor: User, order: Order, status: str, note: str) -> Order:
    """Cancel (physician, before the sample arrives) or reject (lab); frees a place for the waitlist."""
    if status == "cancelled" and order.status not in ("waitlisted", "ordered", "kit_sent"):
        raise InvalidState(f"order {order.id} is {order.status}: too late to cancel")
    if status == "rejected" and order.status not in ("kit_sent", "ordered", "received"):
        raise InvalidState(f"order {order.id} is {order.status}: no sample to reject")
    order.status = status
    _event(db, order, status, actor, note)
    audit.record(db, actor, "update", "order", order.id, order.patient_id, detail=f"{status}: {note}")
    promote_waitlist(db)
    return order


def promote_waitlist(db: Session) -> list[Order]:
    """Enrol waitlisted orders, oldest first, while places are free."""
    free = config.capacity(db, lock=True) - enrolled_count(db)
    if free <= 0:
        return []
    waiting = list(
        db.scalars(select(Order).where(Order.status == "waitlisted").order_by(Order.id).limit(free))
    )
    for order in waiting:
        order.status, order.enrolled_at = "ordered", utcnow()
        _event(db, order, "ordered", None, "enrolled from the waitlist")
        audit.record(db, None, "update", "order", order.id, order.patient_id, detail="enrolled from waitlist")
    return waiting


def set_capacity(db: Session, actor: User, value: int) -> list[Order]:
    config.set_capacity_value(db, actor, value)
    return promote_waitlist(db)


def for_physician(db: Session, actor: User) -> list[Order]:
    require_role(actor, "physician")
    orders = list(db.scalars(select(Order).where(Order.physician_id == actor.id).order_by(Order.id.desc())))
    audit.record(db, actor, "list", "order", detail=f"{len(orders)} orders")
    return orders


def worklist(db: Session, actor: User, statuses: tuple[str, ...] = OPEN) -> list[Order]:
    require_role(actor, "technologist", "director")
    orders = list(db.scalars(select(Order).where(Order.status.in_(statuses)).order_by(Order.id)))
    audit.record(db, actor, "list", "order", detail=f"lab worklist, {len(orders)} orders")
    return orders


def waitlist_position(db: Session, order: Order) -> int | None:
    if order.status != "waitlisted":
        return None
    ahead = select(func.count()).where(Order.status == "waitlisted", Order.id < order.id)
    return db.scalar(ahead) + 1
