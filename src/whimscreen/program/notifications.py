"""Notices to one user (an order enrolled from the waitlist, cancelled, a sample rejected, a report ready or
amended): shown in the portal; those marked ``email`` are also sent by e-mail (``mailer.py``) when an SMTP
sender is configured — the row keeps whether and when it was sent."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from whimscreen.program.storage.models import Notification, Order, User, utcnow


def notify(
    db: Session, user_id: int, message: str, order: Order | None = None, email: bool = False
) -> Notification:
    note = Notification(
        user_id=user_id,
        order_id=order.id if order else None,
        message=message,
        email_status="pending" if email else None,
    )
    db.add(note)
    return note


def for_user(db: Session, user: User, limit: int = 100) -> list[Notification]:
    q = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    return list(db.scalars(q.limit(limit)))


def unread_count(db: Session, user: User) -> int:
    q = select(Notification.id).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    return len(db.scalars(q).all())


def mark_read(db: Session, user: User) -> int:
    q = (
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return db.execute(q).rowcount
