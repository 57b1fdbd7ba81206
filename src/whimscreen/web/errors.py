"""One handler mapping WhimscreenError subclasses to HTTP codes: JSON under /api, an HTML page elsewhere
(a page request without a session is sent to the login page)."""

from __future__ import annotations

import logging
from urllib.parse import quote

import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from whimscreen.errors import InputFileError, ProgramError, WhimscreenError
from whimscreen.program.errors import (
    Busy,
    Forbidden,
    InvalidInput,
    InvalidState,
    NotAuthenticated,
    NotFound,
    Throttled,
)

log = logging.getLogger(__name__)
STATUS = (
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (InvalidState, 409),
    (Throttled, 429),
    (InvalidInput, 422),
    (Busy, 503),
    (InputFileError, 422),
    (ProgramError, 400),
    (WhimscreenError, 400),
)


def status_for(exc: WhimscreenError) -> int:
    return next(code for cls, code in STATUS if isinstance(exc, cls))


def _audit_denial(request: Request, code: int, message: str) -> None:
    """A 401/403 answer is audited (who, what, why) in its own transaction: the request's rolled back."""
    from whimscreen.program import audit
    from whimscreen.program.storage.db import unit_of_work

    viewer = getattr(request.state, "viewer", None)  # a detached snapshot: the session rolled back
    with unit_of_work(request.app.state.sessions) as db:
        audit.record(
            db,
            viewer,
            "deny",
            "request",
            detail=f"{code} {request.method} {request.url.path[:200]}: {message[:200]}",
        )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(sqlalchemy.exc.IntegrityError)
    async def _conflict(request: Request, exc: sqlalchemy.exc.IntegrityError):
        # a database constraint refused a concurrent duplicate the services did not name (they name theirs)
        return await _handle(
            request, InvalidState("this conflicts with a change made at the same time: reload")
        )

    @app.exception_handler(sqlalchemy.exc.TimeoutError)
    async def _pool_timeout(request: Request, exc: sqlalchemy.exc.TimeoutError):
        return await _handle(request, Busy("the server is busy (no database connection in time): retry"))

    @app.exception_handler(WhimscreenError)
    async def _handle(request: Request, exc: WhimscreenError):
        code = status_for(exc)
        if code in (401, 403) and not getattr(request.state, "audited", False):
            try:
                await run_in_threadpool(_audit_denial, request, code, str(exc))
            except Exception:  # the denial stands even if its audit row cannot be written
                log.exception("could not audit a %s answer to %s %s", code, request.method, request.url.path)
        if request.url.path.startswith("/api") or request.url.path == "/healthz":
            return JSONResponse({"detail": str(exc)}, status_code=code)
        if code == 401:
            target = quote(request.url.path)
            return RedirectResponse(f"/login?next={target}", status_code=303)
        from whimscreen.web.templating import render

        return render(request, "error.html", {"code": code, "message": str(exc)}, status_code=code)
