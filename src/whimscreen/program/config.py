"""Program settings kept in the database: the study capacity and the eligibility thresholds."""

from __future__ import annotations

import json
from dataclasses import asdict

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from whimscreen.errors import ProgramError
from whimscreen.program import audit
from whimscreen.program.eligibility import Criteria
from whimscreen.program.errors import InvalidInput
from whimscreen.program.storage.models import Setting, User
from whimscreen.program.users import require_role

DEFAULT_CAPACITY = 300


_LOADED = "whimscreen.settings"  # Session.info: (transaction, {key: value}) of the settings read in it


def _values(db: Session) -> dict[str, str]:
    """Every setting read once per unit of work (one query; the table holds a handful of rows), so that a
    page asking for several settings, or for one that was never set, makes one query, not one each."""
    cached = db.info.get(_LOADED)
    if cached is not None and cached[0] is db.get_transaction():
        return cached[1]
    values = dict(db.execute(select(Setting.key, Setting.value)).all())
    db.info[_LOADED] = (db.get_transaction(), values)  # a later transaction of this session reads again
    return values


def _get(db: Session, key: str, lock: bool = False) -> str | None:
    if lock:
        # the row as committed now (populate_existing: not a copy read earlier in this unit of work); later
        # reads of other settings are made again after the lock, so they see what was committed before it
        locked = select(Setting).where(Setting.key == key).with_for_update()
        row = db.scalar(locked.execution_options(populate_existing=True))
        db.info.pop(_LOADED, None)
        return row.value if row else None
    return _values(db).get(key)


def _set(db: Session, key: str, value: str) -> None:
    row = db.get(Setting, key)
    if row is None:
        db.add(Setting(key=key, value=value))
    else:
        row.value = value
    db.flush()
    if _LOADED in db.info:
        db.info[_LOADED][1][key] = value


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


def relatives_count(db: Session) -> bool:
    """Whether relatives' familial variant tests take study places (default: no, counted apart).  Read
    under the capacity lock whenever an enrolment decision depends on it (``orders.enrolled_count``)."""
    return _get(db, "relatives_count_against_capacity") == "true"


def set_relatives_count_value(db: Session, actor: User, value: bool) -> None:
    require_role(actor, "coordinator")
    capacity(db, lock=True)  # serialised with every enrolment decision
    _set(db, "relatives_count_against_capacity", "true" if value else "false")
    audit.record(
        db, actor, "update", "setting", "relatives_count_against_capacity", detail=str(value).lower()
    )


class CriteriaSettings(BaseModel):
    """The eligibility thresholds, typed and bounded (a change is validated whole before it is stored)."""

    model_config = ConfigDict(extra="forbid", strict=False)
    anc_below: float = Field(1500.0, gt=0, le=100_000, description="chronic neutropenia: ANC below, cells/uL")
    chronic_days: int = Field(90, ge=1, le=3650, description="low counts at least this many days apart")
    alc_below: float = Field(1000.0, gt=0, le=100_000, description="lymphopenia: ALC below, cells/uL")
    monocytes_below: float = Field(200.0, gt=0, le=100_000, description="monocytopenia below, cells/uL")
    min_supportive: int = Field(1, ge=0, le=10, description="supportive features needed")
    duffy_anc_band: list[float] = Field(
        [500.0, 1500.0],
        min_length=2,
        max_length=2,
        description="ANC range [low, high] where Duffy-null neutropenia is plausible",
    )

    @model_validator(mode="after")
    def _band(self):
        lo, hi = self.duffy_anc_band
        if not 0 <= lo < hi <= 100_000:
            raise ValueError(f"duffy_anc_band must be two counts low < high within 0..100000, not {lo}, {hi}")
        return self

    def to_criteria(self) -> Criteria:
        return Criteria(**(self.model_dump() | {"duffy_anc_band": tuple(self.duffy_anc_band)}))


class CriteriaUpdate(BaseModel):
    """A partial change: only the fields given are changed."""

    model_config = ConfigDict(extra="forbid")
    anc_below: float | None = Field(None, gt=0, le=100_000)
    chronic_days: int | None = Field(None, ge=1, le=3650)
    alc_below: float | None = Field(None, gt=0, le=100_000)
    monocytes_below: float | None = Field(None, gt=0, le=100_000)
    min_supportive: int | None = Field(None, ge=0, le=10)
    duffy_anc_band: list[float] | None = Field(None, min_length=2, max_length=2)


def _message(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        where = ".".join(str(x) for x in e["loc"]) or "criteria"
        parts.append(f"{where}: {e['msg']}")
    return "invalid eligibility criteria: " + "; ".join(parts)


def criteria(db: Session) -> Criteria:
    raw = _get(db, "eligibility_criteria")
    if raw is None:
        return Criteria()
    try:
        return CriteriaSettings.model_validate(json.loads(raw)).to_criteria()
    except (ValidationError, ValueError) as exc:
        detail = _message(exc) if isinstance(exc, ValidationError) else str(exc)
        raise ProgramError(f"the stored {detail}; the coordinator must set them again") from None


def set_criteria(db: Session, actor: User, **values) -> Criteria:
    require_role(actor, "coordinator")
    try:
        given = CriteriaUpdate.model_validate(values).model_dump(exclude_none=True)
        stored = json.loads(_get(db, "eligibility_criteria") or "{}")  # raw: a bad stored value can be fixed
        new = CriteriaSettings.model_validate(asdict(Criteria()) | stored | given)
    except ValidationError as exc:
        raise InvalidInput(_message(exc)) from None
    _set(db, "eligibility_criteria", new.model_dump_json())
    audit.record(db, actor, "update", "setting", "eligibility_criteria", detail=json.dumps(given))
    return new.to_criteria()
