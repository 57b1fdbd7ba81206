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
    counts = _counts(db)
    by_status, by_result = counts["proband"]
    reported = db.execute(
        select(Order.created_at, Sample.received_at, Order.reported_at)
        .join(Sample, Sample.order_id == Order.id)
        .where(Order.status == "reported", Order.kind == "proband")
    ).all()
    relatives_count = config.relatives_count(db)
    enrolled = sum(
        n
        for kind, (statuses, _) in counts.items()
        if kind == "proband" or relatives_count
        for s, n in statuses.items()
        if s not in orders.NOT_ENROLLED
    )
    return {
        "capacity": config.capacity(db),
        "enrolled": enrolled,  # as orders.enrolled_count counts, from the same two queries
        "waitlisted": by_status.get("waitlisted", 0),
        "by_status": {s: by_status.get(s, 0) for s in orders.STATUSES},
        "results": {c: by_result.get(c, 0) for c in CATEGORIES},
        "turnaround_order_to_report": _days((o, r) for o, _, r in reported),
        "turnaround_receipt_to_report": _days((s, r) for _, s, r in reported),
        "relatives": _relatives(counts["familial"], relatives_count),
    }


def _counts(db: Session) -> dict[str, tuple[dict, dict]]:
    """Per kind of order (proband, familial): orders by status, and reported orders by result category."""
    out: dict[str, tuple[dict, dict]] = {"proband": ({}, {}), "familial": ({}, {})}
    grouped = select(Order.kind, Order.status, Order.result_category, func.count())
    for kind, status, category, n in db.execute(
        grouped.group_by(Order.kind, Order.status, Order.result_category)
    ):  # one query: by status, and the reported ones by result category
        by_status, by_result = out.setdefault(kind, ({}, {}))
        by_status[status] = by_status.get(status, 0) + n
        if status == "reported":
            by_result[category] = by_result.get(category, 0) + n
    return out


def _relatives(counts: tuple[dict, dict], count_against_capacity: bool) -> dict:
    """Relatives' familial variant tests, counted apart from the probands (issue 15)."""
    by_status, by_result = counts
    return {
        "count_against_capacity": count_against_capacity,
        "open": sum(by_status.get(s, 0) for s in orders.OPEN),
        "by_status": {s: by_status.get(s, 0) for s in orders.STATUSES},
        "results": {c: by_result.get(c, 0) for c in FAMILIAL_CATEGORIES},
    }
