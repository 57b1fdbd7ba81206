"""Registration, login, logout (public except logout); the session cookie is set here."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from whimscreen.program import users
from whimscreen.program.errors import NotAuthenticated
from whimscreen.program.storage.models import User
from whimscreen.web.deps import DB, PASSWORD_SLOT, anyone
from whimscreen.web.schemas import user_public
from whimscreen.web.security import end_session, pre_csrf, pre_token, start_session
from whimscreen.web.templating import render

api = APIRouter(prefix="/api/auth", tags=["auth"])
pages = APIRouter(include_in_schema=False)
HOME = {
    "physician": "/patients",
    "technologist": "/lab",
    "director": "/lab",
    "coordinator": "/coordinator",
    "admin": "/admin",
}


class Registration(BaseModel):
    email: str
    name: str
    password: str
    license_id: str
    institution: str


class Credentials(BaseModel):
    email: str
    password: str


def _login(db: Session, request: Request, response: Response, email: str, password: str) -> User:
    address = request.client.host if request.client else "unknown"
    user = users.authenticate(db, email, password, address)
    if user is None:
        db.commit()  # keep the recorded failure (throttling) although the request fails
        raise NotAuthenticated("wrong email or password")
    request.state.csrf = start_session(db, request, response, user).csrf_token
    return user


@api.post("/register", status_code=201)
def register(body: Registration, _hash: None = PASSWORD_SLOT, db: Session = DB):
    user = users.register_physician(
        db, body.email, body.name, body.password, body.license_id, body.institution
    )
    return user_public(user)


@api.post("/login")
def login(
    body: Credentials, request: Request, response: Response, _hash: None = PASSWORD_SLOT, db: Session = DB
):
    user = _login(db, request, response, body.email, body.password)
    return {"user": user_public(user), "csrf_token": request.state.csrf}


@api.post("/logout")
def logout(request: Request, response: Response, db: Session = DB, user: User = Depends(anyone)):
    end_session(db, request, response)
    return {"ok": True}


@api.get("/me")
def me(user: User = Depends(anyone)):
    return user_public(user)


# -- pages ------------------------------------------------------------------------------------------------
def _safe_next(target: str | None, user: User) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return HOME[user.role]


@pages.get("/")
def index(request: Request, db: Session = DB):
    from whimscreen.web.security import session_of

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
    response.headers["location"] = _safe_next(next, user)
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
    return render(request, "auth/registered.html", {"email": email}, status_code=201)


@pages.post("/logout")
def logout_form(request: Request, db: Session = DB, user: User = Depends(anyone)):
    response = RedirectResponse("/login", status_code=303)
    end_session(db, request, response)
    return response
