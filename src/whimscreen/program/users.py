"""Accounts: physician registration and approval, staff accounts, login (throttled, audited), password
change and reset, deactivation."""

from __future__ import annotations

import re
from functools import cache

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from whimscreen.program import audit, password_policy, throttle
from whimscreen.program.errors import Forbidden, InvalidInput, InvalidState, NotFound
from whimscreen.program.passwords import hash_password, needs_rehash, verify_password
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import User, WebSession

ROLES = ("physician", "technologist", "director", "coordinator", "admin")
LAB = ("technologist", "director")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def require_role(actor: User, *roles: str) -> None:
    if actor.status != "active":
        raise Forbidden("this account is not active")
    if actor.role not in roles:
        raise Forbidden(f"a {actor.role} may not do this (needs: {', '.join(roles)})")


def _check_new(db: Session, email: str, password: str, name: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise InvalidInput(f"{email!r} is not an email address")
    if not name.strip() or len(name) > 200:
        raise InvalidInput("a name (at most 200 characters) is required")
    password_policy.check(password, (email, name))
    return email


def _taken(db: Session, email: str) -> bool:
    return db.scalar(select(User.id).where(User.email == email)) is not None


def register_physician(
    db: Session, email: str, name: str, password: str, license_id: str, institution: str
) -> User | None:
    """A pending physician account; an administrator approves it before it can be used.

    An email that is already registered gets no account and no different answer (None here; the caller
    answers as for a new registration), so registration does not reveal which emails exist.  The
    uniqueness itself is the database's (unique index on users.email), checked inside a savepoint.
    """
    email = _check_new(db, email, password, name)
    if not license_id.strip() or not institution.strip():
        raise InvalidInput("the license identifier and the institution are required")
    if len(license_id) > 100 or len(institution) > 200:
        raise InvalidInput("the license identifier or the institution is too long")
    password_hash = hash_password(password)  # hashed either way: same time for taken emails
    if _taken(db, email):
        audit.record(db, None, "register_dup", "user", detail="registration for an existing email")
        return None
    user = User(
        email=email,
        name=name.strip(),
        password_hash=password_hash,
        role="physician",
        status="pending",
        license_id=license_id.strip(),
        institution=institution.strip(),
    )
    try:
        with db.begin_nested():
            db.add(user)
            db.flush()
    except IntegrityError:  # registered in parallel
        audit.record(db, None, "register_dup", "user", detail="registration for an existing email")
        return None
    audit.record(db, user, "register", "user", user.id)
    return user


def create_user(
    db: Session, actor: User | None, email: str, name: str, password: str, role: str, **extra
) -> User:
    """An active account made by an administrator (``actor`` None only for seeding from the CLI)."""
    if actor is not None:
        require_role(actor, "admin")
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    email = _check_new(db, email, password, name)
    if _taken(db, email):
        raise InvalidInput(f"{email} already has an account")
    user = User(
        email=email, name=name.strip(), password_hash=hash_password(password), role=role, status="active"
    )
    for key in ("license_id", "institution"):
        setattr(user, key, extra.get(key))
    db.add(user)
    db.flush()
    audit.record(db, actor, "create", "user", user.id, detail=f"role={role}")
    return user


def decide(db: Session, actor: User, user_id: int, approve: bool) -> User:
    require_role(actor, "admin")
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    if user.status != "pending":
        raise InvalidInput(f"user {user_id} is {user.status}, not pending")
    user.status = "active" if approve else "rejected"
    user.approved_by = actor.id
    audit.record(db, actor, "approve" if approve else "reject", "user", user.id)
    return user


def pending(db: Session, actor: User) -> list[User]:
    require_role(actor, "admin")
    return list(db.scalars(select(User).where(User.status == "pending").order_by(User.id)))


def all_users(db: Session, actor: User) -> list[User]:
    require_role(actor, "admin")
    return list(db.scalars(select(User).order_by(User.id)))


@cache
def _dummy_hash() -> str:
    return hash_password("not-a-real-password")


def login(
    factory: sessionmaker[Session], db: Session, email: str, password: str, address: str
) -> User | None:
    """The user for these credentials, or None; throttled (program/throttle.py) and audited either way.

    The attempt is counted before the password is checked; failures are audited in their own committed
    transaction (the request's is rolled back when it answers 401).
    """
    email = email.strip().lower()[:254]
    throttle.reserve(factory, email, address)
    user = db.scalar(select(User).where(User.email == email))
    # end the read transaction before the deliberately slow hash: on SQLite it holds the database's lock
    db.commit()
    if user is None:
        verify_password(_dummy_hash(), password)  # same time whether or not the account exists
    if user is None or not verify_password(user.password_hash, password):
        with unit_of_work(factory) as side:
            audit.record(
                side, None, "login_failed", "user", user.id if user else None, detail=f"from {address}"
            )
        return None
    if user.status != "active":  # the request's transaction is rolled back: record in a side one
        with unit_of_work(factory) as side:
            throttle.succeeded(side, email, address)
            audit.record(side, None, "login_denied", "user", user.id, detail=f"{user.status}, from {address}")
        if user.status == "pending":
            raise Forbidden("this account is waiting for an administrator's approval")
        raise Forbidden("this account is not active")
    throttle.succeeded(db, email, address)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(db, user, "login", "user", user.id, detail=f"from {address}")
    return user


def end_sessions(db: Session, user: User, keep: str | None = None) -> None:
    """Log this user out everywhere (but the session ``keep``)."""
    q = delete(WebSession).where(WebSession.user_id == user.id)
    if keep is not None:
        q = q.where(WebSession.id != keep)
    db.execute(q)


def change_password(db: Session, user: User, current: str, new: str, keep_session: str | None) -> None:
    """The user's own change: the current password is required; other sessions end."""
    if not verify_password(user.password_hash, current):
        raise Forbidden("the current password is wrong")
    password_policy.check(new, (user.email, user.name))
    if verify_password(user.password_hash, new):
        raise InvalidInput("the new password is the current one")
    user.password_hash = hash_password(new)
    end_sessions(db, user, keep=keep_session)
    audit.record(db, user, "password", "user", user.id, detail="changed by the user")


def _target(db: Session, actor: User, user_id: int) -> User:
    require_role(actor, "admin")
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def reset_password(db: Session, actor: User, user_id: int, new: str) -> User:
    """An administrator sets a new password (given to the user out of band); the user's sessions end."""
    user = _target(db, actor, user_id)
    password_policy.check(new, (user.email, user.name))
    user.password_hash = hash_password(new)
    end_sessions(db, user)
    audit.record(db, actor, "password", "user", user.id, detail="reset by an administrator")
    return user


def set_active(db: Session, actor: User, user_id: int, active: bool) -> User:
    """Deactivate (the user cannot log in; their sessions end) or reactivate an account."""
    user = _target(db, actor, user_id)
    if user.id == actor.id:
        raise InvalidInput("administrators cannot deactivate their own account")
    if active:
        if user.status != "disabled":
            raise InvalidState(f"user {user_id} is {user.status}, not deactivated")
        user.status = "active"
    else:
        if user.status != "active":
            raise InvalidState(f"user {user_id} is {user.status}, not active")
        user.status = "disabled"
        end_sessions(db, user)
    audit.record(db, actor, "reactivate" if active else "deactivate", "user", user.id)
    return user


def active_admins(db: Session) -> int:
    return db.scalar(select(func.count()).where(User.role == "admin", User.status == "active"))
