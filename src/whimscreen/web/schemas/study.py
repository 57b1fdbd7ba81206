"""Answers of the coordinator's and the sponsor's views (aggregates, no identifiers)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from whimscreen.web.schemas.common import Out

Cell = int | str  # a count; 1-4 shown as "<5" to the sponsor (small cells suppressed)


class CapacityOut(Out):
    capacity: int
    enrolled_from_waitlist: int


class RelativesOut(Out):
    count_against_capacity: bool
    enrolled_from_waitlist: int


class Turnaround(Out):
    n: Cell
    median_days: float | None
    p90_days: float | None


class RelativesSummary(Out):
    count_against_capacity: bool
    open: int
    by_status: dict[str, int]
    results: dict[str, int]


class Summary(Out):
    capacity: int
    enrolled: int
    waitlisted: int
    by_status: dict[str, int]
    results: dict[str, int]
    turnaround_order_to_report: Turnaround
    turnaround_receipt_to_report: Turnaround
    relatives: RelativesSummary


class CoordinatorOrder(Out):
    id: int
    status: str
    created_at: str
    enrolled: bool


class EnrollmentMonth(Out):
    month: str
    enrolled: int


class YieldRow(Out):
    group: str
    tested: Cell
    positive: Cell
    yield_: float | None = Field(alias="yield")


class SponsorTurnaround(Out):
    order_to_sample: Turnaround
    sample_to_report: Turnaround
    order_to_report: Turnaround


class Funnels(Out):
    screening: dict[str, Any] | None
    case_finding: dict[str, Any] | None
    note: str


class SponsorMetrics(Out):
    capacity: int
    enrolled: int
    enrollment: list[EnrollmentMonth]
    yield_overall: YieldRow
    yield_by_criterion: list[YieldRow]
    yield_by_referral_source: list[YieldRow]
    turnaround: SponsorTurnaround
    funnels: Funnels
    small_cell: str
