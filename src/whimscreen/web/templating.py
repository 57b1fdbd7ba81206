"""Jinja2 pages: every page gets the user, the CSRF token and the active reference (demo banner)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from whimscreen.program.orders import LABELS


@cache
def templates() -> Jinja2Templates:
    t = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
    t.env.globals["status_label"] = lambda s: LABELS.get(s, s)
    return t


def compile_all() -> None:
    """Compile every page template now (a server does it as it starts, not in the first request of each)."""
    env = templates().env
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)


def reference_stamp(home: Path) -> dict:
    from whimscreen.reference import get_locus

    return get_locus(home).info.stamp()


def render(request: Request, name: str, context: dict | None = None, status_code: int = 200):
    ctx = {
        "user": getattr(request.state, "viewer", None),
        "csrf": getattr(request.state, "csrf", None),
        "reference": reference_stamp(request.app.state.home),
    }
    ctx.update(context or {})
    return templates().TemplateResponse(request, name, ctx, status_code=status_code)
