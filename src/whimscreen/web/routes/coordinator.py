"""Study coordinator: aggregates only (no identifiers), capacity and eligibility thresholds."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from whimscreen.program import aggregates, config, orders
from whimscreen.program.storage.models import User
from whimscreen.web.deps import DB, coordinator
from whimscreen.web.schemas import (
    ERRORS,
    PAGE_SIZE,
    TOTAL,
    CapacityOut,
    CapacityUpdate,
    CoordinatorOrder,
    Limit,
    Offset,
    RelativesOut,
    Summary,
    paged,
)
from whimscreen.web.templating import render

api = APIRouter(prefix="/api/coordinator", tags=["coordinator"], responses=ERRORS)
pages = APIRouter(prefix="/coordinator", include_in_schema=False)


@api.get("/summary", response_model=Summary)
def summary(db: Session = DB, user: User = Depends(coordinator)):
    return aggregates.summary(db, user)


@api.put("/capacity", response_model=CapacityOut)
def set_capacity(body: CapacityUpdate, db: Session = DB, user: User = Depends(coordinator)):
    promoted = orders.set_capacity(db, user, body.capacity)
    return {"capacity": body.capacity, "enrolled_from_waitlist": len(promoted)}


class RelativesSetting(BaseModel):
    count_against_capacity: bool


@api.put("/relatives", response_model=RelativesOut)
def set_relatives(body: RelativesSetting, db: Session = DB, user: User = Depends(coordinator)):
    """Whether relatives' familial variant tests take study places (default: no, counted apart)."""
    promoted = orders.set_relatives_count(db, user, body.count_against_capacity)
    return {"count_against_capacity": body.count_against_capacity, "enrolled_from_waitlist": len(promoted)}


@api.get("/orders", response_model=list[CoordinatorOrder], responses=paged("open orders"))
def open_orders(
    response: Response,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
    db: Session = DB,
    user: User = Depends(coordinator),
):
    """Open orders without patient data (number, status, dates), oldest first, for cancelling one; one
    page at a time (X-Total-Count: how many are open)."""
    found, total = orders.open_for_coordinator(db, user, limit, offset)
    response.headers[TOTAL] = str(total)
    return found


@api.get("/criteria", response_model=config.CriteriaSettings)
def get_criteria(db: Session = DB, user: User = Depends(coordinator)):
    return asdict(config.criteria(db))


@api.put("/criteria", response_model=config.CriteriaSettings)
def put_criteria(body: config.CriteriaUpdate, db: Session = DB, user: User = Depends(coordinator)):
    """Change some thresholds; each is typed and bounded (422 with the reason otherwise)."""
    return asdict(config.set_criteria(db, user, **body.model_dump(exclude_none=True)))


@pages.get("")
def coordinator_page(
    request: Request, offset: Offset = 0, db: Session = DB, user: User = Depends(coordinator)
):
    open_orders, open_total = orders.open_for_coordinator(db, user, PAGE_SIZE, offset)
    return render(
        request,
        "coordinator/summary.html",
        {
            "s": aggregates.summary(db, user),
            "criteria": asdict(config.criteria(db)),
            "open_orders": open_orders,
            "open_total": open_total,
            "open_offset": offset,
            "page_size": PAGE_SIZE,
        },
    )


@pages.post("/capacity")
def capacity_form(capacity: int = Form(), db: Session = DB, user: User = Depends(coordinator)):
    orders.set_capacity(db, user, capacity)
    return RedirectResponse("/coordinator", status_code=303)


@pages.post("/relatives")
def relatives_form(count: str = Form(""), db: Session = DB, user: User = Depends(coordinator)):
    orders.set_relatives_count(db, user, count == "yes")
    return RedirectResponse("/coordinator", status_code=303)
