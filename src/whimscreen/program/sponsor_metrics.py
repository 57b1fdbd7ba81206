"""The sponsor's view of the study: enrollment against capacity over time, diagnostic yield overall and by
eligibility criterion and referral source, turnaround percentiles, and the funnels — aggregates only.

Small cells are suppressed: a count from 1 to 4 is shown as "<5", and a yield or a percentile resting on
such a cell is withheld, so no individual can be singled out from a stratum.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from whimscreen.program import config, orders
from whimscreen.program.eligibility import MET
from whimscreen.program.patients import eligibility
from whimscreen.program.storage.models import Order, Sample, Suggestion, SuggestionImport, User
from whimscreen.program.users import require_role

SMALL_CELL = 5
SUPPRESSED = "<5"


#: the program's own tests: relatives' known familial variant tests (issue 15) are counted apart, never in
#: the yield, enrollment or turnaround of the screening program
PROBAND = Order.kind == "proband"


def cell(n: int) -> int | str:
    """A count as shown to the sponsor: 0 and 5+ as they are, 1-4 as "<5"."""
    return n if n == 0 or n >= SMALL_CELL else SUPPRESSED


def yield_row(group: str, positive: int, tested: int) -> dict:
    shown = tested >= SMALL_CELL and (positive == 0 or positive >= SMALL_CELL)
    return {
        "group": group,
        "tested": cell(tested),
        "positive": cell(positive),
        "yield": round(positive / tested, 3) if shown else None,
    }


def percentiles(days: list[float]) -> dict:
    """n, median and 90th percentile (nearest rank) in days; withheld below ``SMALL_CELL`` values."""
    days = sorted(days)
    if len(days) < SMALL_CELL:
        return {"n": cell(len(days)), "median_days": None, "p90_days": None}

    def rank(p: float) -> float:
        return round(days[max(0, math.ceil(p * len(days)) - 1)], 1)

    return {"n": len(days), "median_days": rank(0.5), "p90_days": rank(0.9)}


def _month(d: datetime | date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def enrollment_series(db: Session, today: date | None = None) -> list[dict]:
    """Per month from the first enrolment: orders enrolled by the month's end (cumulative), less those
    cancelled by then."""
    rows = db.execute(select(Order.enrolled_at, Order.status, Order.id).where(PROBAND)).all()
    enrolled = sorted(e for e, _, _ in rows if e is not None)
    if not enrolled:
        return []
    cancelled = {}
    for o in db.scalars(
        select(Order).where(PROBAND, Order.status == "cancelled", Order.enrolled_at.is_not(None))
    ):
        at = next((e.at for e in o.events if e.status == "cancelled"), None)
        if at is not None:
            cancelled[o.id] = at
    today = today or datetime.now(UTC).date()
    months, (y, m) = [], (enrolled[0].year, enrolled[0].month)
    while (y, m) <= (today.year, today.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    counts = Counter(_month(e) for e in enrolled)
    ended = Counter(_month(at) for at in cancelled.values())
    out, total = [], 0
    for month in months:
        total += counts[month] - ended[month]
        out.append({"month": month, "enrolled": total})
    return out


def _criteria(db: Session, order: Order) -> list[str]:
    check = eligibility(db, order.patient)
    return [c.key for c in check.criteria if c.status == MET]


FUNNEL_STEPS = ("candidates", "suggested", "ordered", "positive")
ACTED_ON = ("declined", "ordered")


def _ends_positive(db: Session, order_id: int) -> bool:
    """The order, or the replacement of its rejected sample (and so on), reported Positive."""
    seen = set()
    while order_id is not None and order_id not in seen:
        seen.add(order_id)
        status, result = db.execute(
            select(Order.status, Order.result_category).where(Order.id == order_id)
        ).one()
        if status == "reported":
            return result == "Positive"
        order_id = db.scalar(select(Order.id).where(Order.replaces_id == order_id))
    return False


def funnel_counts(db: Session, source: str) -> dict[str, int]:
    """One source's funnel (``screen`` | ``case-find``), small cells suppressed: candidates in the imported
    files -> suggested to a physician -> ordered by them -> reported Positive; declined, and orders
    cancelled after the suggestion (not counted as ordered), alongside.  A withdrawn import counts only
    if a suggestion of it had been acted on before (then it stays whole)."""
    acted = set(
        db.scalars(
            select(Suggestion.import_id).where(Suggestion.source == source, Suggestion.status.in_(ACTED_ON))
        )
    )
    candidates = sum(
        b.candidates
        for b in db.scalars(select(SuggestionImport).where(SuggestionImport.source == source))
        if b.withdrawn_at is None or b.id in acted
    )
    statuses = Counter(
        db.scalars(
            select(Suggestion.status).where(Suggestion.source == source, Suggestion.status != "withdrawn")
        )
    )
    order_status = db.execute(
        select(Order.id, Order.status)
        .join(Suggestion, Suggestion.order_id == Order.id)
        .where(Suggestion.source == source)
    ).all()
    cancelled = sum(1 for _, status in order_status if status == "cancelled")
    positive = sum(_ends_positive(db, order_id) for order_id, status in order_status if status != "cancelled")
    return {
        "candidates": candidates,
        "suggested": sum(statuses.values()),
        "declined": statuses["declined"],
        "ordered": statuses["ordered"] - cancelled,
        "cancelled": cancelled,
        "positive": positive,
    }


def funnel(db: Session, source: str) -> dict:
    """The funnel as shown to the sponsor: counts 1-4 as "<5"."""
    return {k: cell(v) for k, v in funnel_counts(db, source).items()}


def metrics(db: Session, actor: User) -> dict:
    require_role(actor, "coordinator")
    reported = db.scalars(select(Order).where(PROBAND, Order.status == "reported")).all()
    by_criterion: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    sources = dict(db.execute(select(User.id, User.institution)).all())
    for o in reported:
        hit = int(o.result_category == "Positive")
        for key in _criteria(db, o) or ["(none met)"]:
            by_criterion[key][0] += hit
            by_criterion[key][1] += 1
        source = sources.get(o.physician_id) or "(not given)"
        by_source[source][0] += hit
        by_source[source][1] += 1
    positives = sum(1 for o in reported if o.result_category == "Positive")
    times = db.execute(
        select(Order.created_at, Sample.received_at, Order.reported_at)
        .join(Sample, Sample.order_id == Order.id, isouter=True)
        .where(PROBAND)
    ).all()

    def span(pairs) -> list[float]:
        return [(b - a).total_seconds() / 86400 for a, b in pairs if a and b]

    return {
        "capacity": config.capacity(db),
        "enrolled": orders.enrolled_count(db),
        "enrollment": enrollment_series(db),
        "yield_overall": yield_row("all reported orders", positives, len(reported)),
        "yield_by_criterion": [yield_row(k, *v) for k, v in sorted(by_criterion.items())],
        "yield_by_referral_source": [yield_row(k, *v) for k, v in sorted(by_source.items())],
        "turnaround": {
            "order_to_sample": percentiles(span((o, s) for o, s, _ in times)),
            "sample_to_report": percentiles(span((s, r) for _, s, r in times)),
            "order_to_report": percentiles(span((o, r) for o, _, r in times)),
        },
        "funnels": {
            "screening": funnel(db, "screen"),
            "case_finding": funnel(db, "case-find"),
            "note": "candidates in the imported `screen` / `case-find` files → suggested to a physician → "
            "ordered by them → reported Positive (declined: suggested, not ordered; cancelled: ordered, then "
            "cancelled, not counted as ordered)",
        },
        "small_cell": f"counts 1-4 are shown as {SUPPRESSED}; yields and percentiles resting on them are "
        "withheld",
    }
