"""Administrator: registrations, staff accounts (create, reset password, deactivate), the audit log."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from whimscreen.program import audit, users
from whimscreen.program.storage.models import User
from whimscreen.web.deps import DB, admin
from whimscreen.web.schemas import ERRORS, AuditOut, Id, OptionalId, StaffCreate, UserOut, user_public
from whimscreen.web.templating import render

api = APIRouter(prefix="/api/admin", tags=["admin"], responses=ERRORS)
pages = APIRouter(prefix="/admin", include_in_schema=False)
AUDIT_PAGE = 100


class PasswordReset(BaseModel):
    password: str = Field(max_length=256, description="the new password, given to the user out of band")


def entry_public(e, user_name: str | None) -> dict:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "user_id": e.user_id,
        "user_name": user_name,
        "action": e.action,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "patient_id": e.patient_id,
        "detail": e.detail,
    }


@api.get("/users", response_model=list[UserOut])
def list_users(db: Session = DB, user: User = Depends(admin)):
    return [user_public(u) for u in users.all_users(db, user)]


@api.post("/users", status_code=201, response_model=UserOut)
def create_staff(body: StaffCreate, db: Session = DB, user: User = Depends(admin)):
    return user_public(users.create_user(db, user, body.email, body.name, body.password, body.role))


@api.post("/users/{user_id}/approve", response_model=UserOut)
def approve(user_id: Id, db: Session = DB, user: User = Depends(admin)):
    return user_public(users.decide(db, user, user_id, True))


@api.post("/users/{user_id}/reject", response_model=UserOut)
def reject(user_id: Id, db: Session = DB, user: User = Depends(admin)):
    return user_public(users.decide(db, user, user_id, False))


@api.post("/users/{user_id}/password", response_model=UserOut)
def reset_password(user_id: Id, body: PasswordReset, db: Session = DB, user: User = Depends(admin)):
    """Set a new password for a user (who is logged out everywhere)."""
    return user_public(users.reset_password(db, user, user_id, body.password))


@api.post("/users/{user_id}/deactivate", response_model=UserOut)
def deactivate(user_id: Id, db: Session = DB, user: User = Depends(admin)):
    """The user can no longer log in and is logged out everywhere (reversible: reactivate)."""
    return user_public(users.set_active(db, user, user_id, False))


@api.post("/users/{user_id}/reactivate", response_model=UserOut)
def reactivate(user_id: Id, db: Session = DB, user: User = Depends(admin)):
    return user_public(users.set_active(db, user, user_id, True))


@api.get("/audit", response_model=list[AuditOut])
def audit_log(
    patient_id: OptionalId = None,
    user_id: OptionalId = None,
    action: str | None = Query(None, max_length=20),
    before: OptionalId = None,
    limit: int = Query(AUDIT_PAGE, ge=1, le=audit.MAX_PAGE),
    db: Session = DB,
    user: User = Depends(admin),
):
    """Audit entries newest first, a page at a time (``before`` = the last id of the previous page)."""
    found = audit.entries(db, patient_id, limit, before, user_id, action)
    return [entry_public(e, name) for e, name in found]


@pages.get("")
def admin_page(request: Request, db: Session = DB, user: User = Depends(admin)):
    return render(
        request,
        "admin/users.html",
        {"users": users.all_users(db, user), "roles": users.ROLES, "audit": audit.entries(db, limit=15)},
    )


@pages.get("/audit")
def audit_page(
    request: Request,
    before: OptionalId = None,
    user_id: OptionalId = None,
    action: str | None = Query(None, max_length=20),
    db: Session = DB,
    user: User = Depends(admin),
):
    found = audit.entries(db, None, AUDIT_PAGE, before, user_id, action)
    older = found[-1][0].id if len(found) == AUDIT_PAGE else None
    return render(
        request,
        "admin/audit.html",
        {"entries": found, "older": older, "user_id": user_id or "", "action": action or ""},
    )


@pages.post("/users/{user_id}/{decision}")
def decide_form(
    user_id: Id,
    decision: Literal["approve", "reject", "deactivate", "reactivate"],
    db: Session = DB,
    user: User = Depends(admin),
):
    if decision in ("approve", "reject"):
        users.decide(db, user, user_id, decision == "approve")
    else:
        users.set_active(db, user, user_id, decision == "reactivate")
    return RedirectResponse("/admin", status_code=303)


@pages.post("/users/{user_id}/password")
def reset_form(user_id: Id, password: str = Form(), db: Session = DB, user: User = Depends(admin)):
    users.reset_password(db, user, user_id, password)
    return RedirectResponse("/admin", status_code=303)


@pages.post("/users")
def create_form(
    email: str = Form(),
    name: str = Form(),
    password: str = Form(),
    role: str = Form(),
    db: Session = DB,
    user: User = Depends(admin),
):
    users.create_user(db, user, email, name, password, role)
    return RedirectResponse("/admin", status_code=303)
