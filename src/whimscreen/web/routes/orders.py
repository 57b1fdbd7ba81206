"""Orders: status for the physician, kit/accession for the lab, sign-out by a director, the signed report."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from whimscreen.program import accession, families, jobs, orders, signout
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
    AccessionCreate,
    Rejection,
    SignOutCreate,
    order_public,
    sample_public,
)
from whimscreen.web.templating import render

api = APIRouter(prefix="/api/orders", tags=["orders"], responses=ERRORS)
pages = APIRouter(prefix="/orders", include_in_schema=False)


def _sample(db: Session, order: Order) -> Sample | None:
    return orders.current_sample(db, order)


def _detail(db: Session, o: Order, user: User) -> dict:
    s = _sample(db, o)
    out = order_public(o, orders.waitlist_position(db, o)) | {"sample": sample_public(s) if s else None}
    if user.role != "physician" or o.physician_id == user.id:
        out["patient"] = {"name": o.patient.name, "birth_date": o.patient.birth_date.isoformat()}
    return out


def _pdf(record) -> Response:
    name = f"whimscreen-report-order-{record.order_id}.pdf"
    return Response(
        record.report_pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Report-SHA256": record.report_sha256,
            "Cache-Control": "no-store",
        },
    )


@api.get("")
def list_orders(db: Session = DB, user: User = Depends(physician_or_lab)):
    found = orders.for_physician(db, user) if user.role == "physician" else orders.worklist(db, user)
    return [order_public(o, orders.waitlist_position(db, o)) for o in found]


@api.get("/{order_id}")
def get_order(request: Request, db: Session = DB, o: Order = Depends(order_scope)):
    return _detail(db, o, request.state.user)


@api.post("/{order_id}/cancel")
def cancel(
    body: Rejection,
    db: Session = DB,
    user: User = Depends(physician_or_coordinator),
    o: Order = Depends(cancel_scope),
):
    """Cancel an open order at any stage before sign-out (its physician or the coordinator)."""
    return order_public(orders.cancel(db, user, o, body.reason))


@api.post("/{order_id}/reopen")
def reopen(
    body: Rejection, db: Session = DB, user: User = Depends(director), o: Order = Depends(lab_order_scope)
):
    """Send an order in review back to the lab (needs analysis), with the reason."""
    return order_public(signout.reopen(db, user, o, body.reason))


@api.post("/{order_id}/kit-sent")
def kit_sent(db: Session = DB, user: User = Depends(lab), o: Order = Depends(lab_order_scope)):
    return order_public(orders.mark_kit_sent(db, user, o))


@api.post("/{order_id}/accession", status_code=201)
def receive(
    body: AccessionCreate, db: Session = DB, user: User = Depends(lab), o: Order = Depends(lab_order_scope)
):
    return sample_public(accession.receive(db, user, o, body.specimen_type))


@api.post("/{order_id}/signout", status_code=201)
def sign(
    body: SignOutCreate,
    request: Request,
    db: Session = DB,
    user: User = Depends(director),
    o: Order = Depends(lab_order_scope),
):
    record = signout.sign(db, user, o, body.comment, request.app.state.home / "analyses")
    return {
        "order_id": o.id,
        "status": o.status,
        "result": record.result_category,
        "signed_at": record.signed_at.isoformat(),
        "report_sha256": record.report_sha256,
    }


@api.get("/{order_id}/report")
def report(request: Request, db: Session = DB, o: Order = Depends(order_scope)):
    return _pdf(signout.report_for(db, request.state.user, o))


# -- pages ------------------------------------------------------------------------------------------------
@pages.get("/{order_id}")
def order_page(request: Request, db: Session = DB, o: Order = Depends(order_scope)):
    s = _sample(db, o)
    job = jobs.latest(db, s) if s else None
    return render(
        request,
        "orders/detail.html",
        {
            "o": _detail(db, o, request.state.user),
            "track": orders.TRACK,
            "specimens": accession.SPECIMENS,
            "job": job,
            "family_id": (f := families.of_proband(db, o.patient_id)) and f.id,
        },
    )


@pages.get("/{order_id}/report.pdf")
def report_download(request: Request, db: Session = DB, o: Order = Depends(order_scope)):
    return _pdf(signout.report_for(db, request.state.user, o))


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
    db: Session = DB,
    user: User = Depends(lab),
    o: Order = Depends(lab_order_scope),
):
    s = accession.receive(db, user, o, specimen_type)
    return RedirectResponse(f"/lab/samples/{s.id}", status_code=303)


@pages.post("/{order_id}/signout")
def signout_form(
    request: Request,
    comment: str = Form(""),
    db: Session = DB,
    user: User = Depends(director),
    o: Order = Depends(lab_order_scope),
):
    signout.sign(db, user, o, comment or None, request.app.state.home / "analyses")
    return RedirectResponse(f"/orders/{o.id}", status_code=303)
