"""Classification review: the director's queue and decisions, and the case evidence an order carries."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from whimscreen.program import access
from whimscreen.program import classification_review as review
from whimscreen.program.storage.models import ClassificationDecision, Order, User
from whimscreen.web.deps import DB, director, order_scope
from whimscreen.web.schemas import ERRORS, CaseEvidenceOut, DecisionOut, Id, QueueItem
from whimscreen.web.templating import render

api = APIRouter(prefix="/api", tags=["review"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)

Class = Literal["Pathogenic", "Likely pathogenic", "Uncertain significance", "Likely benign", "Benign"]


class DecisionCreate(BaseModel):
    variant_key: str = Field(
        max_length=200, description="chr2:POS:REF:ALT on GRCh38, as the analysis lists it"
    )
    classification: Class
    reason: str = Field(min_length=review.MIN_REASON, max_length=2000)


class CaseEvidence(BaseModel):
    de_novo: Literal["confirmed", "assumed"] | None = None
    segregation_meioses: int = Field(0, ge=0, le=100)


def decision_public(d: ClassificationDecision) -> dict:
    return {
        "id": d.id,
        "job_id": d.job_id,
        "variant_key": d.variant_key,
        "classification": d.classification,
        "reason": d.reason,
        "decided_by": d.decided_by,
        "decided_at": d.decided_at.isoformat(),
    }


def case_public(o: Order) -> dict:
    return {"order_id": o.id, "de_novo": o.de_novo, "segregation_meioses": o.segregation_meioses}


@api.get("/review-queue", response_model=list[QueueItem], response_model_exclude_unset=True)
def queue(request: Request, db: Session = DB, user: User = Depends(director)):
    return review.review_queue(db, request.app.state.home)


@api.post("/jobs/{job_id}/decisions", status_code=201, response_model=DecisionOut)
def decide(
    job_id: Id, body: DecisionCreate, request: Request, db: Session = DB, user: User = Depends(director)
):
    job = access.job_for(db, user, job_id)
    home = request.app.state.home
    return decision_public(
        review.decide(db, user, job, body.variant_key, body.classification, body.reason, home)
    )


@api.put("/orders/{order_id}/case-evidence", response_model=CaseEvidenceOut)
def case_evidence(body: CaseEvidence, request: Request, db: Session = DB, o: Order = Depends(order_scope)):
    review.set_case_evidence(db, request.state.user, o, body.de_novo, body.segregation_meioses)
    return case_public(o)


# -- pages ------------------------------------------------------------------------------------------------
@pages.get("/lab/review")
def queue_page(request: Request, db: Session = DB, user: User = Depends(director)):
    return render(
        request, "lab/review_queue.html", {"queue": review.review_queue(db, request.app.state.home)}
    )


@pages.post("/lab/jobs/{job_id}/decisions")
def decide_form(
    job_id: Id,
    request: Request,
    variant_key: str = Form(),
    classification: str = Form(),
    reason: str = Form(""),
    for_amendment: bool = Form(False),
    db: Session = DB,
    user: User = Depends(director),
):
    job = access.job_for(db, user, job_id)
    review.decide(db, user, job, variant_key, classification, reason, request.app.state.home)
    if for_amendment:  # a class chosen for the next version of a signed report: back to its form
        return RedirectResponse(f"/orders/{job.sample.order_id}/amend", status_code=303)
    return RedirectResponse(f"/lab/samples/{job.sample_id}#review", status_code=303)


@pages.post("/orders/{order_id}/case-evidence")
def case_evidence_form(
    request: Request,
    de_novo: str = Form(""),
    segregation_meioses: int = Form(0),
    db: Session = DB,
    o: Order = Depends(order_scope),
):
    review.set_case_evidence(db, request.state.user, o, de_novo or None, segregation_meioses)
    return RedirectResponse(f"/orders/{o.id}", status_code=303)
