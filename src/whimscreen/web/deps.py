"""Dependencies: the request's unit of work, the current user, role checks and object-level scope.

Every dependency and endpoint that touches the database is a plain ``def`` (FastAPI runs it in the thread
pool); ``db_slot``, ``get_db``, the CSRF body read and the role check are ``async`` and do no database work
on the loop: ``get_db`` makes the session (which connects at its first query, in the pool) and ends the
transaction in the pool; the role check reads the user the thread-pool dependency loaded.  Each saves a
thread hop per request.

Deny by default: every route that is not public declares ``role(...)`` or an object scope, and the
authorization matrix test (tests/web/test_authorization.py) fails for any route without an expectation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from whimscreen.program import access
from whimscreen.program.errors import Forbidden, NotAuthenticated
from whimscreen.program.storage.db import end
from whimscreen.program.storage.models import Job, Order, Patient, Sample, Upload, User
from whimscreen.program.users import LAB
from whimscreen.web.schemas import Id
from whimscreen.web.security import check_csrf, session_and_user, submitted_csrf


async def db_slot(request: Request) -> AsyncIterator[None]:
    """Wait (on the event loop) for one of the process's database slots; released after the commit."""
    sem = await request.app.state.db_slots.acquire()
    try:
        yield
    finally:
        sem.release()


async def password_slot(request: Request) -> AsyncIterator[None]:
    """Routes that hash a password wait here first, before taking a database slot: the hashes run at most
    one per CPU, so a burst of logins neither holds every database slot nor every thread."""
    sem = await request.app.state.password_slots.acquire()
    try:
        yield
    finally:
        sem.release()


PASSWORD_SLOT = Depends(password_slot, scope="function")
SLOT = Depends(db_slot, scope="function")


async def get_db(request: Request, _slot: None = SLOT) -> AsyncIterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on any error.

    The session is made here on the loop (no I/O: it connects at its first query, which runs in the thread
    pool); the commit or rollback and the close run in the thread pool, shielded so that a cancelled request
    still ends its transaction and gives its connection back."""
    db = request.app.state.sessions()
    try:
        yield db
    except BaseException:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(end, db, False)
        raise
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(end, db, True)


DB = Depends(get_db, scope="function")  # commit before the response is sent


def current_user(request: Request, db: Session = DB, csrf: str | None = Depends(submitted_csrf)) -> User:
    found = session_and_user(db, request)
    if found is None:
        raise NotAuthenticated("log in first")
    record, user = found
    if user.status != "active":
        raise NotAuthenticated("this account is not active")
    check_csrf(request, csrf, record.csrf_token)
    request.state.user, request.state.csrf = user, record.csrf_token
    # a detached snapshot for templates: error pages render after the transaction rolled back
    request.state.viewer = SimpleNamespace(id=user.id, name=user.name, role=user.role)
    return user


def role(*roles: str):
    """A dependency allowing only active users of these roles (403 otherwise)."""

    async def check(user: User = Depends(current_user)) -> User:  # no I/O: on the loop, no thread hop
        if user.role not in roles:
            raise Forbidden(f"a {user.role} may not do this")
        return user

    check.roles = roles  # read by the authorization test
    return check


physician = role("physician")
lab = role(*LAB)
director = role("director")
coordinator = role("coordinator")
admin = role("admin")
physician_or_lab = role("physician", *LAB)
anyone = role("physician", *LAB, "coordinator", "admin")
physician_or_coordinator = role("physician", "coordinator")


def patient_scope(patient_id: Id, db: Session = DB, user: User = Depends(physician)) -> Patient:
    return access.patient_for(db, user, patient_id)


def order_scope(order_id: Id, db: Session = DB, user: User = Depends(physician_or_lab)) -> Order:
    return access.order_for(db, user, order_id)


def lab_order_scope(order_id: Id, db: Session = DB, user: User = Depends(lab)) -> Order:
    return access.order_for(db, user, order_id)


def sample_scope(sample_id: Id, db: Session = DB, user: User = Depends(lab)) -> Sample:
    return access.sample_for(db, user, sample_id)


def job_scope(job_id: Id, db: Session = DB, user: User = Depends(lab)) -> Job:
    return access.job_for(db, user, job_id)


def cancel_scope(order_id: Id, db: Session = DB, user: User = Depends(physician_or_coordinator)) -> Order:
    return access.order_to_cancel(db, user, order_id)


def upload_scope(upload_id: Id, db: Session = DB, user: User = Depends(lab)) -> Upload:
    return access.upload_for(db, user, upload_id)
