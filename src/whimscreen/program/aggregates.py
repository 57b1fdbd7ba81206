"""What the study coordinator sees: counts and durations only, never identifiers or per-patient rows."""

from __future__ import annotations

from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from whimscreen.program import config, orders
from whimscreen.program.storage.models import Order, Sample
from whimscreen.program.users import require_role

CATEGORIES = ("Positive", "Negative", "Uncertain", "Inconclusive")
FAMILIAL_CATEGORIES = ("Detected", "Not detected", "Inconclusive")


def _days(pairs) -> dict:
    days = sorted((b - a).total_seconds() / 86400 for a, b in pairs if a and b)
    if not days:
        return {"n": 0, "median_days": None, "p90_days": None}
    p90 = days[min(len(days) - 1, int(0.9 * len(days)))]
    return {"n": len(days), "median_days": round(median(days), 1), "p90_days": round(p90, 1)}


def summary(db: Session, actor) -> dict:
    require_role(actor, "coordinator")
    proband = Order.kind == "proband"
    by_status = dict(
        db.execute(select(Order.status, func.count()).where(proband).group_by(Order.status)).all()
    )
    by_result = dict(
        db.execute(
            select(Order.result_category, func.count())
            .where(Order.status == "reported", proband)
            .group_by(Order.result_category)
        ).all()
    )
    reported = db.execute(
        select(Order.created_at, Sample.received_at, Order.reported_at)
        .join(Sample, Sample.order_id == Order.id)
        .where(Order.status == "reported", proband)
    ).all()
    return {
        "capacity": config.capacity(db),
        "enrolled": orders.enrolled_count(db),
        "waitlisted": by_status.get("waitlisted", 0),
        "by_status": {s: by_status.get(s, 0) for s in orders.STATUSES},
        "results": {c: by_result.get(c, 0) for c in CATEGORIES},
        "turnaround_order_to_report": _days((o, r) for o, _, r in reported),
        "turnaround_receipt_to_report": _days((s, r) for _, s, r in reported),
        "relatives": _relatives(db),
    }


def _relatives(db: Session) -> dict:
    """Relatives' familial variant tests, counted apart from the probands (issue 15)."""
    familial = Order.kind == "familial"
    by_status = dict(
        db.execute(select(Order.status, func.count()).where(familial).group_by(Order.status)).all()
    )
    by_result = dict(
        db.execute(
            select(Order.result_category, func.count())
            .where(familial, Order.status == "reported")
            .group_by(Order.result_category)
        ).all()
    )
    return {
        "count_against_capacity": config.relatives_count(db),
        "open": sum(by_status.get(s, 0) for s in orders.OPEN),
        "by_status": {s: by_status.get(s, 0) for s in orders.STATUSES},
        "results": {c: by_result.get(c, 0) for c in FAMILIAL_CATEGORIES},
    }
