"""Laboratory: worklist, sample rejection, file uploads, analysis jobs, the review screen."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from whimscreen.program import accession, chromatograms, classification_review, jobs, orders, uploads
from whimscreen.program.errors import InvalidState
from whimscreen.program.storage.models import Job, Sample, Upload, User
from whimscreen.web.deps import DB, job_scope, lab, sample_scope, upload_scope
from whimscreen.web.schemas import (
    ERRORS,
    PAGE_SIZE,
    JobOut,
    Offset,
    Rejected,
    Rejection,
    SampleReview,
    UploadOut,
    job_public,
    order_public,
    sample_public,
    upload_public,
)
from whimscreen.web.templating import render

api = APIRouter(prefix="/api", tags=["lab"], responses=ERRORS)
pages = APIRouter(prefix="/lab", include_in_schema=False)


def _review(db: Session, s: Sample, home) -> dict:
    """The review screen's data; the analysis as it stands with the order's case evidence and the director's
    decisions (``classification_review.reviewed_analysis``)."""
    all_jobs = list(db.scalars(select(Job).where(Job.sample_id == s.id).order_by(Job.id.desc())))
    done = next((j for j in all_jobs if j.status == "done"), None)
    current = uploads.for_sample(db, s)
    return {
        "sample": sample_public(s),
        "order": order_public(s.order),
        "uploads": [upload_public(u) for u in current],
        "jobs": [job_public(j) for j in all_jobs],
        "analysis": classification_review.reviewed_analysis(db, done, home) if done else None,
        "analysis_job_id": done.id if done else None,
        # the shown analysis used exactly the current files (sign-out requires it of the latest job)
        "analysis_current": done is not None and jobs.covers(db, done, current),
        "active_job": any(j.status in jobs.ACTIVE for j in all_jobs),
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


@api.post("/samples/{sample_id}/reject", response_model=Rejected)
def reject(body: Rejection, db: Session = DB, user: User = Depends(lab), s: Sample = Depends(sample_scope)):
    """Reject the sample (reason) at any stage before sign-out; answers the replacement order that asks
    for a new sample."""
    new = accession.reject(db, user, s, body.reason)
    return {"sample": sample_public(s), "replacement_order": order_public(new)}


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


@api.post(
    "/samples/{sample_id}/jobs",
    status_code=202,
    response_model=JobOut,
    response_model_exclude_unset=True,
    responses={200: {"model": JobOut, "description": "the job already queued or running"}},
)
def run(response: Response, db: Session = DB, user: User = Depends(lab), s: Sample = Depends(sample_scope)):
    """Start the analysis (202); while one is queued or running, that job is answered (200)."""
    return _started(response, db, user, s)


def _started(response: Response, db: Session, user: User, s: Sample) -> dict:
    """Start the sample's analysis: 202 for a new job, 200 with the job already queued or running."""
    job, created = jobs.enqueue(db, user, s)
    if not created:
        response.status_code = 200
    return job_public(job)


@api.post(
    "/jobs/{job_id}/retry",
    status_code=202,
    response_model=JobOut,
    response_model_exclude_unset=True,
    responses={200: {"model": JobOut, "description": "the job already queued or running"}},
)
def retry(response: Response, db: Session = DB, user: User = Depends(lab), j: Job = Depends(job_scope)):
    """Run a failed job's sample again (a new job)."""
    if j.status != "failed":
        raise InvalidState(f"job {j.id} is {j.status}: only a failed job is retried")
    return _started(response, db, user, j.sample)


@api.post("/uploads/{upload_id}/delete", response_model=UploadOut)
def delete_upload(
    body: Rejection, db: Session = DB, user: User = Depends(lab), u: Upload = Depends(upload_scope)
):
    """Delete a wrong file before sign-out (kept for the audit trail, no longer the sample's)."""
    return upload_public(uploads.delete(db, user, u, body.reason))


@api.post("/uploads/{upload_id}/replace", status_code=201, response_model=UploadOut)
def replace_upload(
    file: UploadFile,
    request: Request,
    db: Session = DB,
    user: User = Depends(lab),
    u: Upload = Depends(upload_scope),
):
    """Replace a wrong file by another (one transaction)."""
    root, limit = request.app.state.home / "uploads", request.app.state.config.max_upload_bytes
    return upload_public(uploads.replace(db, user, u, file.filename or "upload", file.file, root, limit))


@api.get("/samples/{sample_id}/review", response_model=SampleReview, response_model_exclude_unset=True)
def review(request: Request, db: Session = DB, s: Sample = Depends(sample_scope)):
    return _review(db, s, request.app.state.home)


@pages.get("/samples/{sample_id}/images/{name}")
def chromatogram(name: str, request: Request, db: Session = DB, s: Sample = Depends(sample_scope)):
    """A variant's chromatogram excerpt from the sample's latest analysis (only names it lists)."""
    path, media = chromatograms.image_file(db, s, name, request.app.state.home / "analyses")
    return FileResponse(path, media_type=media, headers={"Cache-Control": "private, no-store"})


@api.get("/jobs/{job_id}", response_model=JobOut, response_model_exclude_unset=True)
def get_job(j: Job = Depends(job_scope)):
    return job_public(j, with_result=True)


# -- pages ------------------------------------------------------------------------------------------------
@pages.get("")
def worklist(request: Request, offset: Offset = 0, db: Session = DB, user: User = Depends(lab)):
    statuses = orders.OPEN + ("reported", "rejected")
    found, total, _ = orders.page(db, user, statuses, PAGE_SIZE, offset, load=())
    samples = {
        s.order_id: s for s in db.scalars(select(Sample).where(Sample.order_id.in_([o.id for o in found])))
    }
    page = {"offset": offset, "size": PAGE_SIZE, "total": total}
    return render(request, "lab/worklist.html", {"orders": found, "samples": samples, "page": page})


@pages.get("/samples/{sample_id}")
def sample_page(request: Request, db: Session = DB, s: Sample = Depends(sample_scope)):
    return render(request, "lab/sample.html", {"r": _review(db, s, request.app.state.home), "s": s})


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
    jobs.enqueue(db, user, s)  # idempotent: a double click answers the same job
    return RedirectResponse(f"/lab/samples/{s.id}", status_code=303)


@pages.post("/samples/{sample_id}/reject")
def reject_form(
    reason: str = Form(), db: Session = DB, user: User = Depends(lab), s: Sample = Depends(sample_scope)
):
    new = accession.reject(db, user, s, reason)
    return RedirectResponse(f"/orders/{new.id}", status_code=303)


@pages.post("/uploads/{upload_id}/delete")
def delete_upload_form(
    reason: str = Form(), db: Session = DB, user: User = Depends(lab), u: Upload = Depends(upload_scope)
):
    uploads.delete(db, user, u, reason)
    return RedirectResponse(f"/lab/samples/{u.sample_id}", status_code=303)
