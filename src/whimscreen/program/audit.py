"""Append-only audit log of every view and change of patient data.

``record`` adds a row in the caller's transaction, so the change and its audit row land together.  Updates
and deletes of audit rows are refused here (ORM guard) and in the database (triggers, migration 0001).
"""

from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from whimscreen.errors import ProgramError
from whimscreen.program.storage.models import AuditEntry, User


def record(
    db: Session,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: object = None,
    patient_id: int | None = None,
    detail: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        user_id=actor.id if actor else None,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        patient_id=patient_id,
        detail=detail,
    )
    db.add(entry)
    return entry


MAX_PAGE = 500


def entries(
    db: Session,
    patient_id: int | None = None,
    limit: int = 200,
    before: int | None = None,
    user_id: int | None = None,
    action: str | None = None,
) -> list[tuple[AuditEntry, str | None]]:
    """A page of entries, newest first, each with its user's name (None: the system or anonymous).

    Paging is by cursor: pass the smallest id of a page as ``before`` to get the next (older) one."""
    q = (
        select(AuditEntry, User.name)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .order_by(AuditEntry.id.desc())
        .limit(max(1, min(limit, MAX_PAGE)))
    )
    if patient_id is not None:
        q = q.where(AuditEntry.patient_id == patient_id)
    if before is not None:
        q = q.where(AuditEntry.id < before)
    if user_id is not None:
        q = q.where(AuditEntry.user_id == user_id)
    if action:
        q = q.where(AuditEntry.action == action)
    return [(e, name) for e, name in db.execute(q)]


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _ctx, _instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise ProgramError("the audit log is append-only: audit entries cannot be changed or deleted")
