"""Accounts: physician registration and approval, staff accounts, login with throttling."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from whimscreen.program import audit
from whimscreen.program.errors import Forbidden, InvalidInput, NotFound, Throttled
from whimscreen.program.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password
from whimscreen.program.storage.models import LoginFailure, User, utcnow

ROLES = ("physician", "technologist", "director", "coordinator", "admin")
LAB = ("technologist", "director")
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def require_role(actor: User, *roles: str) -> None:
    if actor.status != "active":
        raise Forbidden("this account is not active")
    if actor.role not in roles:
        raise Forbidden(f"a {actor.role} may not do this (needs: {', '.join(roles)})")


def _check_new(db: Session, email: str, password: str, name: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise InvalidInput(f"{email!r} is not an email address")
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"the password must have at least {MIN_LENGTH} characters")
    if not name.strip():
        raise InvalidInput("a name is required")
    if db.scalar(select(User.id).where(User.email == email)) is not None:
        raise InvalidInput(f"{email} is already registered")
    return email


def register_physician(
    db: Session, email: str, name: str, password: str, license_id: str, institution: str
) -> User:
    """A pending physician account; an administrator approves it before it can be used."""
    email = _check_new(db, email, password, name)
    if not license_id.strip() or not institution.strip():
        raise InvalidInput("the license identifier and the institution are required")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role="physician",
        status="pending",
        license_id=license_id.strip(),
        institution=institution.strip(),
    )
    db.add(user)
    db.flush()
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


def check_throttle(db: Session, email: str, address: str) -> None:
    since = utcnow() - THROTTLE_WINDOW
    by_email = db.scalar(
        select(func.count()).where(LoginFailure.email == email.strip().lower(), LoginFailure.at >= since)
    )
    by_address = db.scalar(
        select(func.count()).where(LoginFailure.address == address, LoginFailure.at >= since)
    )
    if by_email >= MAX_FAILURES_PER_EMAIL or by_address >= MAX_FAILURES_PER_ADDRESS:
        raise Throttled("too many failed logins; try again in 15 minutes")


def authenticate(db: Session, email: str, password: str, address: str) -> User | None:
    """The user for these credentials, or None (the failure is recorded; the caller commits it)."""
    email = email.strip().lower()
    check_throttle(db, email, address)
    user = db.scalar(select(User).where(User.email == email))
    # end the read transaction before the deliberately slow hash: on SQLite it holds the database's lock
    db.commit()
    if user is None:
        verify_password(_dummy_hash(), password)  # same time whether or not the account exists
    if user is None or not verify_password(user.password_hash, password):
        db.add(LoginFailure(email=email, address=address))
        return None
    if user.status == "pending":
        raise Forbidden("this account is waiting for an administrator's approval")
    if user.status != "active":
        raise Forbidden("this account is not active")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
