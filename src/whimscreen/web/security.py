"""Sessions and CSRF.

- The session cookie holds a random token signed with the secret key (itsdangerous); the database keeps only
  its SHA-256, the user and the session's CSRF token, so logout and expiry are enforced server side.
  Cookie flags: HttpOnly, SameSite=Lax, Secure whenever the request came over HTTPS.  A session ends at its
  absolute lifetime (``AppConfig.session_lifetime``, default 8 h) or after ``AppConfig.idle_timeout``
  (default 30 min) without a request, whichever comes first.
- CSRF: every unsafe request of a session must echo the session's token in the ``X-CSRF-Token`` header (API,
  HTMX) or the ``csrf_token`` form field (pages).  Before login, the login and registration forms use a
  signed double-submit cookie (``whim_pre``).
- Password hashing (argon2id) and login throttling live in ``whimscreen.program.passwords`` / ``users``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from pathlib import Path

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from whimscreen.program.errors import Forbidden
from whimscreen.program.storage.models import User, WebSession, utcnow

SESSION_COOKIE = "whim_session"
PRE_COOKIE = "whim_pre"
CSRF_HEADER = "X-CSRF-Token"
SESSION_LIFETIME = timedelta(hours=8)
IDLE_TIMEOUT = timedelta(minutes=30)
_TOUCH_EVERY = timedelta(seconds=30)  # last_seen_at is written at most this often
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def load_secret(configured: str | None, home: Path) -> str:
    """The configured secret, or one generated once and kept (mode 600) in the application home."""
    if configured:
        if len(configured) < 32:
            raise ValueError("WHIMSCREEN_SECRET_KEY must have at least 32 characters")
        return configured
    path = Path(home) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text().strip()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _limits(request: Request) -> tuple[timedelta, timedelta]:
    cfg = request.app.state.config
    return cfg.session_lifetime, cfg.idle_timeout


def client_address(request: Request) -> str:
    """The client's address; X-Forwarded-For is applied (by uvicorn's ProxyHeadersMiddleware, app.py) only
    for connections from the configured trusted proxies."""
    return (request.client.host if request.client else "unknown")[:64]


def start_session(db: Session, request: Request, response: Response, user: User) -> WebSession:
    token = secrets.token_urlsafe(32)
    lifetime, _ = _limits(request)
    now = utcnow()
    record = WebSession(
        id=_digest(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    db.add(record)
    signed = URLSafeSerializer(request.app.state.secret, salt="session").dumps(token)
    response.set_cookie(
        SESSION_COOKIE,
        signed,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    return record


def session_of(db: Session, request: Request) -> WebSession | None:
    found = session_and_user(db, request)
    return found[0] if found else None


def session_and_user(db: Session, request: Request) -> tuple[WebSession, User] | None:
    """The request's live session and its user, read in one query."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        token = URLSafeSerializer(request.app.state.secret, salt="session").loads(raw)
    except BadSignature:
        return None
    both = select(WebSession, User).join(User, User.id == WebSession.user_id)
    found = db.execute(both.where(WebSession.id == _digest(token))).first()
    if found is None:
        return None
    record, user = found
    now, (_, idle) = utcnow(), _limits(request)
    last = record.last_seen_at or record.created_at
    if record.expires_at < now or last + idle < now:
        return None
    if now - last > _TOUCH_EVERY:
        record.last_seen_at = now
    return record, user


def end_session(db: Session, request: Request, response: Response) -> None:
    record = session_of(db, request)
    if record is not None:
        db.execute(delete(WebSession).where(WebSession.id == record.id))
    response.delete_cookie(SESSION_COOKIE, path="/")


async def submitted_csrf(request: Request) -> str | None:
    """The CSRF token an unsafe request carries (header, else form field); async only to read the form."""
    if request.method not in UNSAFE:
        return None
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = (await request.form()).get("csrf_token")
    return None if given is None else str(given)


def check_csrf(request: Request, given: str | None, expected: str) -> None:
    if request.method not in UNSAFE:
        return
    if not given or not hmac.compare_digest(given, expected):
        raise Forbidden("missing or wrong CSRF token")


def pre_token(request: Request, response: Response) -> str:
    """The double-submit token of the login/registration forms (cookie set if missing)."""
    ser = URLSafeSerializer(request.app.state.secret, salt="pre")
    try:
        return ser.loads(request.cookies.get(PRE_COOKIE, ""))
    except BadSignature:
        token = secrets.token_urlsafe(24)
        response.set_cookie(
            PRE_COOKIE, ser.dumps(token), httponly=True, samesite="lax", secure=_secure(request), path="/"
        )
        return token


async def pre_csrf(request: Request) -> str:
    """Dependency of the login and registration forms: the double-submit token, checked (no database)."""
    ser = URLSafeSerializer(request.app.state.secret, salt="pre")
    try:
        expected = ser.loads(request.cookies.get(PRE_COOKIE, ""))
    except BadSignature:
        raise Forbidden("missing CSRF cookie: reload the form") from None
    check_csrf(request, await submitted_csrf(request), expected)
    return expected
