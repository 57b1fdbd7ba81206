"""``GET /healthz``: the database answers and the active reference (public)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from whimscreen.web.schemas import Health, Unhealthy
from whimscreen.web.templating import reference_stamp

api = APIRouter(tags=["health"])
pages = APIRouter()


@api.get(
    "/healthz",
    response_model=Health,
    response_model_exclude_unset=True,
    responses={503: {"model": Unhealthy, "description": "the database does not answer"}},
)
def healthz(request: Request):
    engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database = {"ok": True, "dialect": engine.dialect.name}
    except Exception as exc:  # reported, not raised: health must answer
        return JSONResponse(
            {"status": "error", "database": {"ok": False, "error": str(exc)}}, status_code=503
        )
    return {"status": "ok", "database": database, "reference": reference_stamp(request.app.state.home)}
