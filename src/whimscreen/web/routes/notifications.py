"""Notices to the logged-in user (waitlist enrolment, a cancelled order, a rejected sample)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from whimscreen.program import notifications
from whimscreen.program.storage.models import User
from whimscreen.web.deps import DB, anyone
from whimscreen.web.schemas import ERRORS, Marked, NotificationOut
from whimscreen.web.templating import render

api = APIRouter(prefix="/api/notifications", tags=["notifications"], responses=ERRORS)
pages = APIRouter(prefix="/notifications", include_in_schema=False)


def _public(n) -> dict:
    return {
        "id": n.id,
        "order_id": n.order_id,
        "message": n.message,
        "created_at": n.created_at.isoformat(),
        "read": n.read_at is not None,
    }


@api.get("", response_model=list[NotificationOut])
def list_notifications(db: Session = DB, user: User = Depends(anyone)):
    return [_public(n) for n in notifications.for_user(db, user)]


@api.post("/read", response_model=Marked)
def mark_read(db: Session = DB, user: User = Depends(anyone)):
    return {"marked": notifications.mark_read(db, user)}


@pages.get("")
def notifications_page(request: Request, db: Session = DB, user: User = Depends(anyone)):
    return render(
        request, "notifications.html", {"notes": [_public(n) for n in notifications.for_user(db, user)]}
    )


@pages.post("/read")
def mark_read_form(db: Session = DB, user: User = Depends(anyone)):
    notifications.mark_read(db, user)
    return RedirectResponse("/notifications", status_code=303)
