"""Laboratory: worklist, sample rejection, file uploads, analysis jobs, the review screen."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from whimscreen.program import accession, chromatograms, jobs, orders, uploads
from whimscreen.program.storage.models import Job, Sample, User
from whimscreen.web.deps import DB, job_scope, lab, sample_scope
from whimscreen.web.schemas import (
    ERRORS,
    Rejection,
    UploadOut,
    job_public,
    order_public,
    sample_public,
    upload_public,
)
from whimscreen.web.templating import render

api = APIRouter(prefix="/api", tags=["lab"], responses=ERRORS)
pages = APIRouter(prefix="/lab", include_in_schema=False)


def _review(db: Session, s: Sample) -> dict:
    all_jobs = list(db.scalars(select(Job).where(Job.sample_id == s.id).order_by(Job.id.desc())))
    done = next((j for j in all_jobs if j.status == "done"), None)
    return {
        "sample": sample_public(s),
        "order": order_public(s.order),
        "uploads": [upload_public(u) for u in uploads.for_sample(db, s)],
        "jobs": [job_public(j) for j in all_jobs],
        "analysis": json.loads(done.result_json) if done else None,
    }


def _store(db: Session, request: Request, user: User, s: Sample, files: list[UploadFile]):
    root = request.app.state.home / "uploads"
    return uploads.store_many(
        db,
        user,
        s,
        [(f.filename or "upload", f.file) for f in files],
        root,
        request.app.state.config.max_upload_bytes,
        request.app.state.config.upload_limits,
    )


@api.post("/samples/{sample_id}/reject")
def reject(body: Rejection, db: Session = DB, user: User = Depends(lab), s: Sample = Depends(sample_scope)):
    return sample_public(accession.reject(db, user, s, body.reason))


@api.post("/samples/{sample_id}/uploads", status_code=201, response_model=UploadOut)
def upload(
    file: UploadFile,
    request: Request,
    db: Session = DB,
    user: User = Depends(lab),
    s: Sample = Depends(sample_scope),
):
    return upload_public(_store(db, request, user, s, [file])[0])


@api.post("/samples/{sample_id}/uploads/batch", status_code=201, response_model=list[UploadOut])
def upload_batch(
    files: list[UploadFile],
    request: Request,
    db: Session = DB,
    user: User = Depends(lab),
    s: Sample = Depends(sample_scope),
):
    """Several files in one request (form field ``files``, repeated); all are kept or none."""
    return [upload_public(u) for u in _store(db, request, user, s, files)]


@api.post("/samples/{sample_id}/jobs", status_code=202)
def run(db: Session = DB, user: User = Depends(lab), s: Sample = Depends(sample_scope)):
    return job_public(jobs.enqueue(db, user, s))


@api.get("/samples/{sample_id}/review")
def review(db: Session = DB, s: Sample = Depends(sample_scope)):
    return _review(db, s)


@pages.get("/samples/{sample_id}/images/{name}")
def chromatogram(name: str, request: Request, db: Session = DB, s: Sample = Depends(sample_scope)):
    """A variant's chromatogram excerpt from the sample's latest analysis (only names it lists)."""
    path, media = chromatograms.image_file(db, s, name, request.app.state.home / "analyses")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "private, no-store"})


@api.get("/jobs/{job_id}")
def get_job(j: Job = Depends(job_scope)):
    return job_public(j, with_result=True)


# -- pages ------------------------------------------------------------------------------------------------
@pages.get("")
def worklist(request: Request, db: Session = DB, user: User = Depends(lab)):
    found = orders.worklist(db, user, orders.OPEN + ("reported", "rejected"))
    samples = {
        s.order_id: s for s in db.scalars(select(Sample).where(Sample.order_id.in_([o.id for o in found])))
    }
    return render(request, "lab/worklist.html", {"orders": found, "samples": samples})


@pages.get("/samples/{sample_id}")
def sample_page(request: Request, db: Session = DB, s: Sample = Depends(sample_scope)):
    return render(request, "lab/sample.html", {"r": _review(db, s), "s": s})


@pages.post("/samples/{sample_id}/uploads")
def upload_form(
    file: list[UploadFile],
    request: Request,
    db: Session = DB,
    user: User = Depends(lab),
    s: Sample = Depends(sample_scope),
):
    _store(db, request, user, s, file)
    return RedirectResponse(f"/lab/samples/{s.id}", status_code=303)


@pages.post("/samples/{sample_id}/jobs")
def run_form(db: Session = DB, user: User = Depends(lab), s: Sample = Depends(sample_scope)):
    jobs.enqueue(db, user, s)
    return RedirectResponse(f"/lab/samples/{s.id}", status_code=303)


@pages.post("/samples/{sample_id}/reject")
def reject_form(
    reason: str = Form(), db: Session = DB, user: User = Depends(lab), s: Sample = Depends(sample_scope)
):
    accession.reject(db, user, s, reason)
    return RedirectResponse(f"/lab/samples/{s.id}", status_code=303)
