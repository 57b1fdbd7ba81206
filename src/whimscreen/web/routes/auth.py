"""Registration, login, logout, password change (public except logout and password); the session cookie is
set here."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from whimscreen.program import users
from whimscreen.program.errors import NotAuthenticated
from whimscreen.program.storage.models import User
from whimscreen.web.deps import DB, PASSWORD_SLOT, anyone
from whimscreen.web.schemas import ERRORS, Done, LoginOut, Received, UserOut, user_public
from whimscreen.web.security import (
    client_address,
    end_session,
    pre_csrf,
    pre_token,
    session_of,
    start_session,
)
from whimscreen.web.templating import render

api = APIRouter(prefix="/api/auth", tags=["auth"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)
HOME = {
    "physician": "/patients",
    "technologist": "/lab",
    "director": "/lab",
    "coordinator": "/coordinator",
    "admin": "/admin",
}


REGISTERED = (
    "Thank you. If this email can be registered, the account now waits for an administrator's approval; "
    "you can log in once it is approved."
)


class Registration(BaseModel):
    email: str = Field(max_length=254)
    name: str = Field(max_length=200)
    password: str = Field(max_length=256)
    license_id: str = Field(max_length=100)
    institution: str = Field(max_length=200)


class Credentials(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


def _login(db: Session, request: Request, response: Response, email: str, password: str) -> User:
    request.state.audited = True  # the login audits its own outcome (users.login)
    user = users.login(request.app.state.sessions, db, email, password, client_address(request))
    if user is None:
        raise NotAuthenticated("wrong email or password")
    request.state.csrf = start_session(db, request, response, user).csrf_token
    return user


@api.post("/register", status_code=202, response_model=Received)
def register(body: Registration, _hash: None = PASSWORD_SLOT, db: Session = DB):
    """The same answer whether or not the email was already registered (nothing is revealed)."""
    users.register_physician(db, body.email, body.name, body.password, body.license_id, body.institution)
    return {"status": "received", "detail": REGISTERED}


@api.post("/login", response_model=LoginOut)
def login(
    body: Credentials, request: Request, response: Response, _hash: None = PASSWORD_SLOT, db: Session = DB
):
    user = _login(db, request, response, body.email, body.password)
    return {"user": user_public(user), "csrf_token": request.state.csrf}


@api.post("/logout", response_model=Done)
def logout(request: Request, response: Response, db: Session = DB, user: User = Depends(anyone)):
    end_session(db, request, response)
    return {"ok": True}


@api.get("/me", response_model=UserOut)
def me(user: User = Depends(anyone)):
    return user_public(user)


@api.post("/password", response_model=Done)
def change_password(body: PasswordChange, request: Request, db: Session = DB, user: User = Depends(anyone)):
    """Change one's own password (the current one is required); the user's other sessions end."""
    record = session_of(db, request)
    users.change_password(db, user, body.current_password, body.new_password, record.id if record else None)
    return {"ok": True}


# -- pages ------------------------------------------------------------------------------------------------
def safe_next(target: str | None, role: str) -> str:
    """``target`` if it is a path on this site, else the role's home page (no open redirect).

    Browsers treat a backslash like a slash and drop tabs/newlines, so ``/\\evil.example`` and ``/\t/evil``
    would leave the site: only a single leading slash followed by a safe character is accepted.
    """
    if not target or any(c in target for c in "\\\t\r\n") or any(ord(c) < 32 for c in target):
        return HOME[role]
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return HOME[role]
    return target


@pages.get("/")
def index(request: Request, db: Session = DB):
    record = session_of(db, request)
    user = db.get(User, record.user_id) if record else None
    return RedirectResponse(HOME[user.role] if user else "/login", status_code=303)


@pages.get("/login")
def login_page(request: Request, next: str | None = None):
    response = Response()
    token = pre_token(request, response)
    page = render(request, "auth/login.html", {"pre_csrf": token, "next": next or ""})
    page.raw_headers.extend(h for h in response.raw_headers if h[0] == b"set-cookie")
    return page


@pages.post("/login")
def login_form(
    request: Request,
    email: str = Form(),
    password: str = Form(),
    next: str = Form(""),
    token: str = Depends(pre_csrf),
    _hash: None = PASSWORD_SLOT,
    db: Session = DB,
):
    response = RedirectResponse("/", status_code=303)
    try:
        user = _login(db, request, response, email, password)
    except NotAuthenticated as exc:
        return render(
            request,
            "auth/login.html",
            {"pre_csrf": token, "error": str(exc), "next": next},
            status_code=401,
        )
    response.headers["location"] = safe_next(next, user.role)
    return response


@pages.get("/register")
def register_page(request: Request):
    response = Response()
    token = pre_token(request, response)
    page = render(request, "auth/register.html", {"pre_csrf": token})
    page.raw_headers.extend(h for h in response.raw_headers if h[0] == b"set-cookie")
    return page


@pages.post("/register")
def register_form(
    request: Request,
    email: str = Form(),
    name: str = Form(),
    password: str = Form(),
    license_id: str = Form(),
    institution: str = Form(),
    _token: str = Depends(pre_csrf),
    _hash: None = PASSWORD_SLOT,
    db: Session = DB,
):
    users.register_physician(db, email, name, password, license_id, institution)
    return render(request, "auth/registered.html", {"message": REGISTERED}, status_code=202)


@pages.post("/logout")
def logout_form(request: Request, db: Session = DB, user: User = Depends(anyone)):
    response = RedirectResponse("/login", status_code=303)
    end_session(db, request, response)
    return response


@pages.get("/account")
def account_page(request: Request, user: User = Depends(anyone)):
    return render(request, "auth/account.html", {})


@pages.post("/account/password")
def password_form(
    request: Request,
    current_password: str = Form(),
    new_password: str = Form(),
    db: Session = DB,
    user: User = Depends(anyone),
):
    record = session_of(db, request)
    users.change_password(db, user, current_password, new_password, record.id if record else None)
    return render(request, "auth/account.html", {"changed": True})
