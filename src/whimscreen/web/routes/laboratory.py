"""Laboratory identity and report settings (administrator): name, address, CLIA/CAP, directors with
credentials, sponsor disclosure, footer; every change audited (program/lab_identity.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from whimscreen.program import lab_identity
from whimscreen.program.storage.models import User
from whimscreen.web.deps import DB, admin
from whimscreen.web.schemas import ERRORS, LabIdentityOut, LabIdentityUpdate
from whimscreen.web.templating import render

api = APIRouter(prefix="/api/admin/lab", tags=["admin"], responses=ERRORS)
pages = APIRouter(prefix="/admin/lab", include_in_schema=False)


def _public(identity: dict) -> dict:
    keys = (*lab_identity.REQUIRED, *lab_identity.OPTIONAL)
    return {k: identity.get(k) for k in keys} | {"missing": lab_identity.missing(identity)}


@api.get("", response_model=LabIdentityOut)
def get_identity(db: Session = DB, user: User = Depends(admin)):
    return _public(lab_identity.current(db))


@api.put("", response_model=LabIdentityOut)
def put_identity(body: LabIdentityUpdate, db: Session = DB, user: User = Depends(admin)):
    """Change the given fields (absent ones are kept)."""
    return _public(lab_identity.set_identity(db, user, **body.model_dump()))


@pages.get("")
def lab_page(request: Request, db: Session = DB, user: User = Depends(admin)):
    return render(request, "admin/lab.html", {"lab": _public(lab_identity.current(db))})


@pages.post("")
def lab_form(
    name: str = Form(""),
    address: str = Form(""),
    clia: str = Form(""),
    cap: str = Form(""),
    directors: str = Form(""),
    sponsor_disclosure: str = Form(""),
    footer: str = Form(""),
    confirmation_policy: str = Form(""),
    method_ngs: str = Form(""),
    method_sanger: str = Form(""),
    db: Session = DB,
    user: User = Depends(admin),
):
    lab_identity.set_identity(
        db, user, name=name, address=address, clia=clia, cap=cap,
        directors=[line for line in directors.splitlines() if line.strip()],
        sponsor_disclosure=sponsor_disclosure, footer=footer, confirmation_policy=confirmation_policy,
        method_ngs=method_ngs, method_sanger=method_sanger,
    )  # fmt: skip
    return RedirectResponse("/admin/lab", status_code=303)
