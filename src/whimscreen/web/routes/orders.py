"""Orders: status for the physician, kit/accession for the lab, sign-out by a director, the signed report."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from whimscreen.interpretation.knowledge_base import CLASSES
from whimscreen.interpretation.result import variant_key
from whimscreen.program import accession, families, jobs, orders, reclassification, signout
from whimscreen.program.errors import InvalidInput
from whimscreen.program.storage.models import Order, Sample, User
from whimscreen.web.deps import (
    DB,
    cancel_scope,
    director,
    lab,
    lab_order_scope,
    order_scope,
    physician_or_coordinator,
    physician_or_lab,
)
from whimscreen.web.schemas import (
    ERRORS,
    PAGE_SIZE,
    TOTAL,
    AccessionCreate,
    AmendCreate,
    Limit,
    Offset,
    OptionalId,
    OrderDetail,
    OrderOut,
    Rejection,
    ReportVersionOut,
    SampleOut,
    SignedOut,
    SignOutCreate,
    order_public,
    paged,
    report_version_public,
    sample_public,
)
from whimscreen.web.templating import render

#: a signed version of an order's report (the newest when absent)
ReportVersion = Annotated[int | None, Query(ge=1, le=10_000, description="report version (default: newest)")]

api = APIRouter(prefix="/api/orders", tags=["orders"], responses=ERRORS)
pages = APIRouter(prefix="/orders", include_in_schema=False)
PDF = {200: {"description": "the signed report (PDF)", "content": {"application/pdf": {}}}}


def download(what: str) -> dict:
    """A JSON document sent as a file (Content-Disposition): its media type and that it is an object."""
    content = {"application/json": {"schema": {"type": "object", "description": what}}}
    return {200: {"description": f"{what} (a download)", "content": content}}


def _sample(db: Session, order: Order) -> Sample | None:
    return orders.current_sample(db, order)


def _detail(db: Session, o: Order, user: User, s: Sample | None | bool = False) -> dict:
    """The order as the API and its page show it; ``s``: its current sample when the caller has read it."""
    s = _sample(db, o) if s is False else s
    out = order_public(o, orders.waitlist_position(db, o)) | {"sample": sample_public(s) if s else None}
    if user.role != "physician" or o.physician_id == user.id:
        out["patient"] = {"name": o.patient.name, "birth_date": o.patient.birth_date.isoformat()}
    out["reports"] = [report_version_public(r) for r in signout.versions(db, o)]
    return out


def _renderer(request: Request):
    """The app's report renderer (child processes), or None: rendered in this thread."""
    return request.app.state.renderer


def _pdf(record) -> Response:
    name = f"whimscreen-report-order-{record.order_id}-v{record.version}.pdf"
    return Response(
        record.report_pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Report-SHA256": record.report_sha256,
            "Cache-Control": "no-store",
        },
    )


OrderStatus = Literal[orders.STATUSES]


@api.get("", response_model=list[OrderOut], responses=paged("orders"))
def list_orders(
    response: Response,
    status: Annotated[list[OrderStatus] | None, Query(description="only orders in these statuses")] = None,
    limit: Limit = PAGE_SIZE,
    offset: Offset = 0,
    db: Session = DB,
    user: User = Depends(physician_or_lab),
):
    """A physician's orders (newest first) or the lab's worklist (open orders unless ``status`` names
    others; oldest first), one page at a time; the X-Total-Count header gives the total."""
    found, total, positions = orders.page(db, user, tuple(status) if status else None, limit, offset)
    response.headers[TOTAL] = str(total)
    return [order_public(o, positions.get(o.id)) for o in found]


@api.get("/{order_id}", response_model=OrderDetail, response_model_exclude_unset=True)
def get_order(request: Request, db: Session = DB, o: Order = Depends(order_scope)):
    return _detail(db, o, request.state.user)


@api.post("/{order_id}/cancel", response_model=OrderOut)
def cancel(
    body: Rejection,
    db: Session = DB,
    user: User = Depends(physician_or_coordinator),
    o: Order = Depends(cancel_scope),
):
    """Cancel an open order at any stage before sign-out (its physician or the coordinator)."""
    return order_public(orders.cancel(db, user, o, body.reason))


@api.post("/{order_id}/reopen", response_model=OrderOut)
def reopen(
    body: Rejection, db: Session = DB, user: User = Depends(director), o: Order = Depends(lab_order_scope)
):
    """Send an order in review back to the lab (needs analysis), with the reason."""
    return order_public(signout.reopen(db, user, o, body.reason))


@api.post("/{order_id}/kit-sent", response_model=OrderOut)
def kit_sent(db: Session = DB, user: User = Depends(lab), o: Order = Depends(lab_order_scope)):
    return order_public(orders.mark_kit_sent(db, user, o))


@api.post("/{order_id}/accession", status_code=201, response_model=SampleOut)
def receive(
    body: AccessionCreate, db: Session = DB, user: User = Depends(lab), o: Order = Depends(lab_order_scope)
):
    return sample_public(accession.receive(db, user, o, body.specimen_type, collected_on=body.collected_on))


@api.post("/{order_id}/signout", status_code=201, response_model=SignedOut)
def sign(
    body: SignOutCreate,
    request: Request,
    db: Session = DB,
    user: User = Depends(director),
    o: Order = Depends(lab_order_scope),
):
    record = signout.sign(db, user, o, body.comment, request.app.state.home / "analyses", _renderer(request))
    return {
        "order_id": o.id,
        "status": o.status,
        "result": record.result_category,
        "signed_at": record.signed_at.isoformat(),
        "report_sha256": record.report_sha256,
    }


@api.get("/{order_id}/report", response_class=Response, responses=PDF)
def report(
    request: Request,
    version: ReportVersion = None,
    db: Session = DB,
    o: Order = Depends(order_scope),
):
    """The signed report (PDF): the newest version, or ``version``."""
    return _pdf(signout.report_for(db, request.state.user, o, version))


@api.get("/{order_id}/reports", response_model=list[ReportVersionOut])
def report_versions(db: Session = DB, o: Order = Depends(order_scope)):
    """Every signed version of the order's report, oldest first."""
    return [report_version_public(r) for r in signout.versions(db, o)]


@api.post("/{order_id}/amend", status_code=201, response_model=ReportVersionOut)
def amend(
    body: AmendCreate,
    request: Request,
    db: Session = DB,
    user: User = Depends(director),
    o: Order = Depends(lab_order_scope),
):
    """Issue an amended or corrected version of the signed report, with its reason."""
    record = signout.amend(
        db, user, o, body.kind, body.reason, body.comment, request.app.state.home / "analyses", body.task_id,
        _renderer(request),
    )  # fmt: skip
    return report_version_public(record)


@api.get("/{order_id}/report.fhir.json", response_class=Response, responses=download("an HL7 FHIR R4 bundle"))
def report_fhir(
    request: Request,
    version: ReportVersion = None,
    db: Session = DB,
    o: Order = Depends(order_scope),
):
    """The signed report as an HL7 FHIR R4 bundle (Genomics Reporting)."""
    return _export(db, request.state.user, o, version, "fhir")


@api.get(
    "/{order_id}/report.phenopacket.json",
    response_class=Response,
    responses=download("a GA4GH Phenopacket v2"),
)
def report_phenopacket(
    request: Request,
    version: ReportVersion = None,
    db: Session = DB,
    o: Order = Depends(order_scope),
):
    """The signed report as a GA4GH Phenopacket v2 (no direct identifiers)."""
    return _export(db, request.state.user, o, version, "phenopacket")


def _export(db: Session, user: User, o: Order, version: int | None, kind: str) -> Response:
    record = signout.report_for(db, user, o, version)
    document = signout.document_of(record)
    if kind == "fhir":
        from whimscreen.reporting.fhir import fhir_bundle

        body, suffix = fhir_bundle(document), "fhir.json"
    else:
        from whimscreen.reporting.phenopacket import phenopacket

        body, suffix = phenopacket(document), "phenopacket.json"
    name = f"whimscreen-report-order-{o.id}-v{record.version}.{suffix}"
    return Response(
        json.dumps(body, indent=1),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


# -- pages ------------------------------------------------------------------------------------------------
@pages.get("/{order_id}")
def order_page(request: Request, db: Session = DB, o: Order = Depends(order_scope)):
    s = _sample(db, o)
    job = jobs.latest(db, s) if s else None
    return render(
        request,
        "orders/detail.html",
        {
            "o": _detail(db, o, request.state.user, s),
            "track": orders.TRACK,
            "specimens": accession.SPECIMENS,
            "job": job,
            "family_id": (f := families.of_proband(db, o.patient_id)) and f.id,
        },
    )


@pages.get("/{order_id}/report.pdf")
def report_download(
    request: Request,
    version: ReportVersion = None,
    db: Session = DB,
    o: Order = Depends(order_scope),
):
    return _pdf(signout.report_for(db, request.state.user, o, version))


@pages.get("/{order_id}/amend")
def amend_page(
    request: Request,
    task: OptionalId = None,
    db: Session = DB,
    user: User = Depends(director),
    o: Order = Depends(lab_order_scope),
):
    """The form of a new version; from a reclassification task, its summary is the proposed reason."""
    found = reclassification.task_for_order(db, task, o) if task is not None else None
    current = signout.newest(db, o)
    variants = []
    if current is not None and current.document_json:
        for v in signout.document_of(current)["variants"]:
            variants.append(v | {"key": variant_key(v)})
    return render(
        request,
        "orders/amend.html",
        {
            "o": _detail(db, o, user),
            "kinds": signout.KINDS,
            "reason": reclassification.task_summary(found) if found else "",
            "task_id": found.id if found else None,
            "min_reason": signout.MIN_REASON,
            "job_id": current.job_id if current else None,
            "variants": variants,
            "classes": CLASSES,
        },
    )


@pages.post("/{order_id}/amend")
def amend_form(
    request: Request,
    kind: str = Form(),
    reason: str = Form(),
    comment: str = Form(""),
    task_id: int | None = Form(None, ge=1, le=2**31 - 1),
    db: Session = DB,
    user: User = Depends(director),
    o: Order = Depends(lab_order_scope),
):
    home = request.app.state.home
    signout.amend(db, user, o, kind, reason, comment or None, home / "analyses", task_id, _renderer(request))
    return RedirectResponse(f"/orders/{o.id}", status_code=303)


@pages.post("/{order_id}/cancel")
def cancel_form(
    reason: str = Form(),
    db: Session = DB,
    user: User = Depends(physician_or_coordinator),
    o: Order = Depends(cancel_scope),
):
    orders.cancel(db, user, o, reason)
    return RedirectResponse(
        "/coordinator" if user.role == "coordinator" else f"/orders/{o.id}", status_code=303
    )


@pages.post("/{order_id}/reopen")
def reopen_form(
    reason: str = Form(),
    db: Session = DB,
    user: User = Depends(director),
    o: Order = Depends(lab_order_scope),
):
    signout.reopen(db, user, o, reason)
    return RedirectResponse(f"/orders/{o.id}", status_code=303)


@pages.post("/{order_id}/kit-sent")
def kit_form(db: Session = DB, user: User = Depends(lab), o: Order = Depends(lab_order_scope)):
    orders.mark_kit_sent(db, user, o)
    return RedirectResponse(f"/orders/{o.id}", status_code=303)


@pages.post("/{order_id}/accession")
def accession_form(
    specimen_type: str = Form(),
    collected_on: str = Form(""),
    db: Session = DB,
    user: User = Depends(lab),
    o: Order = Depends(lab_order_scope),
):
    try:
        when = date.fromisoformat(collected_on) if collected_on.strip() else None
    except ValueError as exc:
        raise InvalidInput(f"collection date {collected_on!r}: use YYYY-MM-DD") from exc
    s = accession.receive(db, user, o, specimen_type, collected_on=when)
    return RedirectResponse(f"/lab/samples/{s.id}", status_code=303)


@pages.post("/{order_id}/signout")
def signout_form(
    request: Request,
    comment: str = Form(""),
    db: Session = DB,
    user: User = Depends(director),
    o: Order = Depends(lab_order_scope),
):
    signout.sign(db, user, o, comment or None, request.app.state.home / "analyses", _renderer(request))
    return RedirectResponse(f"/orders/{o.id}", status_code=303)
