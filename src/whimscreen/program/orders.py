"""Orders: placement against the study capacity (past it: the waitlist, visibly), and the status track.

Status track: ordered -> kit_sent -> received -> sequencing -> analysis -> review -> reported; an order
past capacity is ``waitlisted`` until the coordinator raises the capacity or an enrolled order is cancelled.
Between sequencing, analysis and review the order moves both ways (files changed: needs analysis again; a
re-run; a review re-opened).  A patient has at most one open order (a partial unique index).

Ways back before sign-out: cancel (the physician or the coordinator, at any open stage; the place goes to
the oldest waitlisted order) and reject the sample (the order ends ``rejected`` and a replacement order,
keeping its place, asks for a new sample).  The physician is notified of each.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from whimscreen.program import audit, config, consent, suggestions
from whimscreen.program.eligibility import ELIGIBLE
from whimscreen.program.errors import Forbidden, InvalidInput, InvalidState
from whimscreen.program.notifications import notify
from whimscreen.program.patients import eligibility
from whimscreen.program.storage.models import Order, OrderEvent, Patient, Sample, User, utcnow
from whimscreen.program.storage.paging import page_of
from whimscreen.program.users import require_role

TRACK = ("ordered", "kit_sent", "received", "sequencing", "analysis", "review", "reported")
STATUSES = ("waitlisted", *TRACK, "rejected", "cancelled")
OPEN = ("waitlisted", *TRACK[:-1])  # also in storage.models.OPEN_ORDER (the partial unique index)
LAB_LOOP = ("sequencing", "analysis", "review")  # moves both ways between these
NOT_ENROLLED = ("waitlisted", "cancelled", "rejected")  # a rejected sample's place goes to its replacement
ALREADY_OPEN = "this patient already has an open order"
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


KINDS = ("proband", "familial")  # a relative's known familial variant test: program/families.py


def enrolled_count(db: Session) -> int:
    """Orders holding a study place: the probands', and the relatives' when the coordinator's setting says
    they count (``config.relatives_count``; read it under the capacity lock for a decision)."""
    query = select(func.count()).select_from(Order).where(Order.status.not_in(NOT_ENROLLED))
    if not config.relatives_count(db):
        query = query.where(Order.kind == "proband")
    return db.scalar(query)


def _event(db: Session, order: Order, status: str, actor: User | None, note: str | None = None) -> None:
    db.add(OrderEvent(order_id=order.id, status=status, user_id=actor.id if actor else None, note=note))


def place(
    db: Session,
    actor: User,
    patient: Patient,
    justification: str | None = None,
    suggestion_id: int | None = None,
) -> Order:
    """Place an order for one of the physician's patients (reached through ``access.patient_for``);
    ``suggestion_id``: the physician's suggestion it answers (program/suggestions.py), then ``ordered``."""
    require_role(actor, "physician")
    agreed = consent.latest(db, patient)
    if agreed is None or agreed.consent_version != consent.CURRENT_VERSION:
        raise InvalidState(
            f"record the patient's consent (version {consent.CURRENT_VERSION}) before ordering"
        )
    if db.scalar(select(Order.id).where(Order.patient_id == patient.id, Order.status.in_(OPEN))):
        raise InvalidState(ALREADY_OPEN)
    check = eligibility(db, patient)
    if check.decision != ELIGIBLE and not (justification or "").strip():
        raise InvalidInput(f"the patient is {check.decision} ({check.reason}): give a clinical justification")
    note = f"justification: {justification.strip()}" if justification else None
    if suggestion_id is not None:
        suggestions.mine(db, actor, suggestion_id)  # before the order: 404 for anyone else's
        note = f"{note + '; ' if note else ''}from suggestion {suggestion_id}"
    order = enter(db, actor, patient, agreed.id, check.decision, note)
    if suggestion_id is not None:
        suggestions.link_order(db, actor, suggestion_id, order)
    return order


def enter(
    db: Session,
    actor: User,
    patient: Patient,
    consent_id: int,
    decision: str,
    note: str | None = None,
    kind: str = "proband",
    family_id: int | None = None,
    familial_variant: str | None = None,
) -> Order:
    """Insert the order once its rules were checked: a proband's takes a study place (else waitlisted); a
    relative's takes one only when the coordinator counts relatives against the capacity.  The decision is
    taken under the capacity row lock, so concurrent placements never exceed the capacity."""
    capacity = config.capacity(db, lock=True)  # serialises concurrent placements on PostgreSQL
    needs_place = kind == "proband" or config.relatives_count(db)
    full = needs_place and enrolled_count(db) >= capacity
    order = Order(
        patient_id=patient.id,
        physician_id=actor.id,
        consent_id=consent_id,
        status="waitlisted" if full else "ordered",
        eligibility=decision,
        enrolled_at=utcnow() if needs_place and not full else None,
        kind=kind,
        family_id=family_id,
        familial_variant=familial_variant,
    )
    _insert(db, order)
    if full:
        note = f"study full ({capacity}){'; ' + note if note else ''}"
    _event(db, order, order.status, actor, note)
    detail = order.status if kind == "proband" else f"{order.status}; familial variant {familial_variant}"
    audit.record(db, actor, "create", "order", order.id, patient.id, detail=detail)
    return order


def _insert(db: Session, order: Order) -> None:
    """Insert a new open order; the partial unique index refuses a second one (a concurrent request)."""
    try:
        with db.begin_nested():
            db.add(order)
            db.flush()
    except IntegrityError:
        raise InvalidState(ALREADY_OPEN) from None


def lock(db: Session, order: Order) -> Order:
    """Take the order's row lock (PostgreSQL; SQLite's transaction already holds the database) and reload
    it, after flushing pending changes so that none is lost."""
    db.flush()
    db.refresh(order, with_for_update=True)
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


def move(db: Session, actor: User | None, order: Order, to: str, note: str | None = None) -> Order:
    """Move within the lab loop (sequencing <-> analysis <-> review) in either direction, or one step on."""
    if order.status == to:
        return order
    if order.status in LAB_LOOP and to in LAB_LOOP:
        order.status = to
        _event(db, order, to, actor, note)
        audit.record(db, actor, "update", "order", order.id, order.patient_id, detail=f"status {to}")
        return order
    return advance(db, actor, order, to, note)


def cancel(db: Session, actor: User, order: Order, reason: str) -> Order:
    """Cancel an open order (its physician or the coordinator), at any stage before sign-out."""
    if actor.role == "physician":
        if order.physician_id != actor.id:
            raise Forbidden("only the ordering physician or the coordinator can cancel an order")
    elif actor.role != "coordinator":
        raise Forbidden(f"a {actor.role} may not cancel an order")
    _close(db, actor, order, "cancelled", reason, f"order cancelled by {actor.name}")
    if actor.id != order.physician_id:
        notify(
            db,
            order.physician_id,
            f"Order {order.id} was cancelled by the coordinator: {reason.strip()}",
            order,
        )
    return order


def _close(
    db: Session, actor: User, order: Order, status: str, reason: str, job_reason: str, promote: bool = True
) -> None:
    from whimscreen.program import jobs  # jobs imports orders

    if not (reason or "").strip():
        raise InvalidInput(f"give a reason ({status})")
    # locks in the one order every enrolment change takes them: the capacity row, then the order row
    config.capacity(db, lock=True)
    lock(db, order)
    if order.status not in OPEN:
        raise InvalidState(f"order {order.id} is {order.status}: it can no longer be {status}")
    sample = current_sample(db, order)
    if sample is not None:
        jobs.close_active(db, actor, sample, job_reason)
    order.status = status
    _event(db, order, status, actor, reason.strip())
    audit.record(
        db, actor, "update", "order", order.id, order.patient_id, detail=f"{status}: {reason.strip()}"
    )
    db.flush()
    if promote:
        promote_waitlist(db)


def reject_sample(db: Session, actor: User, order: Order, reason: str) -> Order:
    """The order of a rejected sample ends ``rejected``; a replacement order for the same patient, keeping
    the consent and the place in the study, asks for a new sample.  Returns the replacement."""
    accession = current_sample(db, order).accession
    note = f"sample {accession} rejected: {reason.strip()}"
    _close(db, actor, order, "rejected", note, "sample rejected", promote=False)  # the place stays taken
    new = Order(
        patient_id=order.patient_id,
        physician_id=order.physician_id,
        consent_id=order.consent_id,
        status="ordered",
        eligibility=order.eligibility,
        enrolled_at=order.enrolled_at or (utcnow() if order.kind == "proband" else None),
        replaces_id=order.id,
        kind=order.kind,
        family_id=order.family_id,
        familial_variant=order.familial_variant,
    )
    _insert(db, new)
    _event(
        db, new, "ordered", actor, f"new sample requested: sample {accession} of order {order.id} rejected"
    )
    audit.record(db, actor, "create", "order", new.id, new.patient_id, detail=f"replaces order {order.id}")
    notify(
        db,
        order.physician_id,
        f"Sample {accession} (order {order.id}) was rejected: {reason.strip()}. Please send a new sample "
        f"for order {new.id}.",
        new,
    )
    return new


def current_sample(db: Session, order: Order) -> Sample | None:
    return db.scalar(select(Sample).where(Sample.order_id == order.id))


def promote_waitlist(db: Session) -> list[Order]:
    """Enrol waitlisted orders, oldest first, while places are free; each physician is notified.  When
    relatives do not count against the capacity, their waitlisted orders need no place."""
    capacity = config.capacity(db, lock=True)
    waiting = []
    if not config.relatives_count(db):
        waiting += list(
            db.scalars(
                select(Order).where(Order.status == "waitlisted", Order.kind == "familial").order_by(Order.id)
            )
        )
    free = capacity - enrolled_count(db)
    if free > 0:
        query = select(Order).where(Order.status == "waitlisted")
        if waiting:
            query = query.where(Order.kind == "proband")
        waiting += list(db.scalars(query.order_by(Order.id).limit(free)))
    for order in waiting:
        counted = order.kind == "proband" or config.relatives_count(db)
        order.status, order.enrolled_at = "ordered", utcnow() if counted else None
        note = "enrolled from the waitlist" if counted else "ordered: relatives need no study place"
        _event(db, order, "ordered", None, note)
        audit.record(db, None, "update", "order", order.id, order.patient_id, detail=note)
        notify(
            db,
            order.physician_id,
            f"Order {order.id} was enrolled from the waitlist: a place is free."
            if counted
            else f"Order {order.id} is placed: relatives' tests no longer need a study place.",
            order,
        )
    return waiting


def set_relatives_count(db: Session, actor: User, value: bool) -> list[Order]:
    config.set_relatives_count_value(db, actor, value)
    return promote_waitlist(db)


def set_capacity(db: Session, actor: User, value: int) -> list[Order]:
    config.set_capacity_value(db, actor, value)
    return promote_waitlist(db)


def page(
    db: Session,
    actor: User,
    statuses: tuple[str, ...] | None = None,
    limit: int = 100,
    offset: int = 0,
    load: tuple[str, ...] = ("events",),
) -> tuple[list[Order], int, dict[int, int]]:
    """One page of the orders the actor sees: a physician's own (newest first), the lab's worklist (open
    orders unless ``statuses`` says which, oldest first).  Returns (orders with the relationships named in
    ``load`` loaded, the total, waitlist positions by order id) in a fixed number of queries."""
    if actor.role == "physician":
        where, order_by = [Order.physician_id == actor.id], Order.id.desc()
        if statuses:
            where.append(Order.status.in_(statuses))
    else:
        require_role(actor, "technologist", "director")
        where, order_by = [Order.status.in_(statuses or OPEN)], Order.id
    query = select(Order).where(*where).options(*(selectinload(getattr(Order, name)) for name in load))
    found, total = page_of(db, query.order_by(order_by), limit, offset)
    audit.record(db, actor, "list", "order", detail=f"{len(found)} of {total} orders from {offset}")
    return found, total, waitlist_positions(db, found)


def waitlist_positions(db: Session, found: list[Order]) -> dict[int, int]:
    """Position on the waitlist of each waitlisted order among ``found`` (one query)."""
    waiting = {o.id for o in found if o.status == "waitlisted"}
    if not waiting:
        return {}
    ranked = select(Order.id, func.row_number().over(order_by=Order.id).label("n")).where(
        Order.status == "waitlisted"
    )
    return {i: n for i, n in db.execute(ranked) if i in waiting}


def open_for_coordinator(
    db: Session, actor: User, limit: int = 100, offset: int = 0
) -> tuple[list[dict], int]:
    """A page of the open orders (oldest first) as the coordinator may see them (to cancel one): number,
    status, dates; no patient.  Returns (the page, how many are open)."""
    require_role(actor, "coordinator")
    is_open = Order.status.in_(OPEN)
    found, total = page_of(db, select(Order).where(is_open).order_by(Order.id), limit, offset)
    return [
        {
            "id": o.id,
            "status": o.status,
            "created_at": o.created_at.isoformat(),
            "enrolled": o.enrolled_at is not None,
        }
        for o in found
    ], total


def waitlist_position(db: Session, order: Order) -> int | None:
    if order.status != "waitlisted":
        return None
    ahead = select(func.count()).where(Order.status == "waitlisted", Order.id < order.id)
    return db.scalar(ahead) + 1
