"""Program settings kept in the database: the study capacity and the eligibility thresholds."""

from __future__ import annotations

import json
from dataclasses import asdict, fields

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from whimscreen.program import audit
from whimscreen.program.eligibility import Criteria
from whimscreen.program.errors import InvalidInput
from whimscreen.program.storage.models import Setting, User
from whimscreen.program.users import require_role

DEFAULT_CAPACITY = 300


def _get(db: Session, key: str, lock: bool = False) -> str | None:
    if lock:
        from sqlalchemy import select

        row = db.scalar(select(Setting).where(Setting.key == key).with_for_update())
    else:
        row = db.get(Setting, key)
    return row.value if row else None


def _set(db: Session, key: str, value: str) -> None:
    row = db.get(Setting, key)
    if row is None:
        db.add(Setting(key=key, value=value))
    else:
        row.value = value
    db.flush()


def _ensure(db: Session, key: str, value: str) -> None:
    """Create the setting if missing; a concurrent creation (primary key) is no error."""
    if db.get(Setting, key) is None:
        try:
            with db.begin_nested():
                db.add(Setting(key=key, value=value))
                db.flush()
        except IntegrityError:
            pass


def capacity(db: Session, lock: bool = False) -> int:
    """The study capacity; ``lock`` takes a row lock (PostgreSQL) to serialise enrolment decisions."""
    if lock:
        _ensure(db, "capacity", str(DEFAULT_CAPACITY))
    value = _get(db, "capacity", lock=lock)
    return int(value) if value is not None else DEFAULT_CAPACITY


def set_capacity_value(db: Session, actor: User, value: int) -> None:
    require_role(actor, "coordinator")
    if not 0 <= value <= 100_000:
        raise InvalidInput(f"capacity {value} is out of range 0..100000")
    _set(db, "capacity", str(value))
    audit.record(db, actor, "update", "setting", "capacity", detail=str(value))


def criteria(db: Session) -> Criteria:
    raw = _get(db, "eligibility_criteria")
    if raw is None:
        return Criteria()
    data = json.loads(raw)
    if "duffy_anc_band" in data:
        data["duffy_anc_band"] = tuple(data["duffy_anc_band"])
    return Criteria(**data)


def set_criteria(db: Session, actor: User, **values) -> Criteria:
    require_role(actor, "coordinator")
    names = {f.name for f in fields(Criteria)}
    if set(values) - names:
        raise InvalidInput(f"unknown criteria: {', '.join(sorted(set(values) - names))}")
    new = Criteria(**(asdict(criteria(db)) | values))
    _set(db, "eligibility_criteria", json.dumps(asdict(new)))
    audit.record(db, actor, "update", "setting", "eligibility_criteria", detail=json.dumps(values))
    return new
