"""Knowledge-base releases (admin or director): the releases with their diffs, activation, the lab's curated
additions; the director's reclassification tasks (open tasks, closing one as "no change needed")."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from whimscreen.errors import InputFileError, InterpretationError
from whimscreen.interpretation.kb_release import add_curated
from whimscreen.program import kb_releases, reclassification
from whimscreen.program.errors import NotFound
from whimscreen.program.storage.models import KbRelease, ReclassificationTask, User
from whimscreen.reference import get_locus
from whimscreen.web.deps import DB, director, role
from whimscreen.web.schemas import ERRORS, Activated, Id, ReleaseOut, TaskOut
from whimscreen.web.templating import render

api = APIRouter(prefix="/api", tags=["knowledge base"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)
admin_or_director = role("admin", "director")
MAX_CURATED_BYTES = 1_000_000


class TaskClose(BaseModel):
    note: str = Field(min_length=reclassification.MIN_NOTE, max_length=2000)


def release_public(r: KbRelease) -> dict:
    return {
        "version": r.version,
        "sha256": r.sha256,
        "created_by": r.created_by,
        "created_at": r.created_at.isoformat(),
        "active": r.active,
        "activated_at": r.activated_at.isoformat() if r.activated_at else None,
        "diff": kb_releases.diff_of(r),
    }


def task_public(t: ReclassificationTask) -> dict:
    return {
        "id": t.id,
        "order_id": t.order_id,
        "release": t.release,
        "changes": reclassification.changes_of(t),
        "summary": reclassification.task_summary(t),
        "status": t.status,
        "created_at": t.created_at.isoformat(),
        "closed_at": t.closed_at.isoformat() if t.closed_at else None,
        "note": t.note,
        "amend": reclassification.amend_link(t),
    }


def _task(db: Session, task_id: int) -> ReclassificationTask:
    task = db.get(ReclassificationTask, task_id)
    if task is None:
        raise NotFound(f"no reclassification task {task_id}")
    return task


def _activate(db: Session, request: Request, user: User, version: str) -> tuple[KbRelease | None, list]:
    """``package`` makes the package's knowledge base active again (the way back)."""
    home = request.app.state.home
    if version == kb_releases.PACKAGE:
        return None, kb_releases.activate_package(db, user, home, get_locus(home))
    return kb_releases.activate(db, user, version, home, get_locus(home))


# -- API ----------------------------------------------------------------------------------------------------
@api.get("/kb/releases", response_model=list[ReleaseOut])
def releases(request: Request, db: Session = DB, user: User = Depends(admin_or_director)):
    return [release_public(r) for r in kb_releases.sync(db, request.app.state.home)]


@api.post("/kb/releases/{version}/activate", response_model=Activated)
def activate(version: str, request: Request, db: Session = DB, user: User = Depends(admin_or_director)):
    """Make the release active (``package``: the package's knowledge base) and re-evaluate every signed
    order; answers the tasks created."""
    release, tasks = _activate(db, request, user, version)
    public = release_public(release) if release is not None else None
    return {"release": public, "tasks_created": [task_public(t) for t in tasks]}


@api.get("/reclassification/tasks", response_model=list[TaskOut])
def tasks(db: Session = DB, user: User = Depends(director)):
    return [task_public(t) for t in reclassification.open_tasks(db)]


@api.post("/reclassification/tasks/{task_id}/close", response_model=TaskOut)
def close(task_id: Id, body: TaskClose, db: Session = DB, user: User = Depends(director)):
    return task_public(reclassification.close_task(db, user, _task(db, task_id), body.note))


# -- pages --------------------------------------------------------------------------------------------------
def _kb_page(request: Request, db: Session, error: str | None = None, status_code: int = 200):
    found = kb_releases.sync(db, request.app.state.home)
    return render(
        request,
        "kb/releases.html",
        {
            "releases": [release_public(r) for r in reversed(found)],
            "any_active": any(r.active for r in found),
            "error": error,
        },
        status_code,
    )


@pages.get("/admin/kb")
def kb_page(request: Request, db: Session = DB, user: User = Depends(admin_or_director)):
    return _kb_page(request, db)


@pages.post("/admin/kb/{version}/activate")
def activate_form(version: str, request: Request, db: Session = DB, user: User = Depends(admin_or_director)):
    _activate(db, request, user, version)
    return RedirectResponse("/admin/kb", status_code=303)


@pages.post("/admin/kb/curated")
def curated_form(
    file: UploadFile, request: Request, db: Session = DB, user: User = Depends(admin_or_director)
):
    """A curated-additions TSV becomes a new (inactive) release; its problems are shown on the page."""
    home = request.app.state.home
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(file.filename or "curated.tsv").name) or "curated.tsv"
    data = file.file.read(MAX_CURATED_BYTES + 1)
    if len(data) > MAX_CURATED_BYTES:
        return _kb_page(request, db, f"{name}: larger than {MAX_CURATED_BYTES} bytes", 413)
    with tempfile.TemporaryDirectory(dir=home) as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            add_curated(get_locus(home), home, path, user.name)
        except (InputFileError, InterpretationError) as exc:
            return _kb_page(request, db, str(exc).replace(str(path), name), 422)
    return RedirectResponse("/admin/kb", status_code=303)


@pages.get("/lab/reclassification")
def tasks_page(request: Request, db: Session = DB, user: User = Depends(director)):
    found = [task_public(t) for t in reclassification.open_tasks(db)]
    return render(request, "kb/reclassification.html", {"tasks": found})


@pages.post("/lab/reclassification/{task_id}/close")
def close_form(task_id: Id, note: str = Form(""), db: Session = DB, user: User = Depends(director)):
    reclassification.close_task(db, user, _task(db, task_id), note)
    return RedirectResponse("/lab/reclassification", status_code=303)
