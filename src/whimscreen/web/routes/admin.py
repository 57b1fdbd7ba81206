"""Administrator: approve or reject physician registrations, create staff accounts, read the audit log."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from whimscreen.program import audit, users
from whimscreen.program.storage.models import User
from whimscreen.web.deps import DB, admin
from whimscreen.web.schemas import StaffCreate, user_public
from whimscreen.web.templating import render

api = APIRouter(prefix="/api/admin", tags=["admin"])
pages = APIRouter(prefix="/admin", include_in_schema=False)


@api.get("/users")
def list_users(db: Session = DB, user: User = Depends(admin)):
    return [user_public(u) for u in users.all_users(db, user)]


@api.post("/users", status_code=201)
def create_staff(body: StaffCreate, db: Session = DB, user: User = Depends(admin)):
    return user_public(users.create_user(db, user, body.email, body.name, body.password, body.role))


@api.post("/users/{user_id}/approve")
def approve(user_id: int, db: Session = DB, user: User = Depends(admin)):
    return user_public(users.decide(db, user, user_id, True))


@api.post("/users/{user_id}/reject")
def reject(user_id: int, db: Session = DB, user: User = Depends(admin)):
    return user_public(users.decide(db, user, user_id, False))


@api.get("/audit")
def audit_log(patient_id: int | None = None, db: Session = DB, user: User = Depends(admin)):
    return [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "user_id": e.user_id,
            "action": e.action,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "patient_id": e.patient_id,
            "detail": e.detail,
        }
        for e in audit.entries(db, patient_id)
    ]


@pages.get("")
def admin_page(request: Request, db: Session = DB, user: User = Depends(admin)):
    return render(
        request,
        "admin/users.html",
        {"users": users.all_users(db, user), "roles": users.ROLES, "audit": audit.entries(db, limit=30)},
    )


@pages.post("/users/{user_id}/{decision}")
def decide_form(
    user_id: int, decision: Literal["approve", "reject"], db: Session = DB, user: User = Depends(admin)
):
    users.decide(db, user, user_id, decision == "approve")
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
