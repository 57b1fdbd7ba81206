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


def entries(db: Session, patient_id: int | None = None, limit: int = 200) -> list[AuditEntry]:
    q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if patient_id is not None:
        q = q.where(AuditEntry.patient_id == patient_id)
    return list(db.scalars(q))


@event.listens_for(Session, "before_flush")
def _append_only(session: Session, _ctx, _instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise ProgramError("the audit log is append-only: audit entries cannot be changed or deleted")
