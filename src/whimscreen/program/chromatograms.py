"""The chromatogram excerpts a Sanger analysis drew for its variants (``ID.<n>.png`` / ``.svg`` beside the
analysis JSON, listed under each variant as ``images``): which file a screen or report may show."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from whimscreen.program.errors import NotFound
from whimscreen.program.storage.models import Job, Sample

MEDIA = {".png": "image/png", ".svg": "image/svg+xml"}


def latest_done(db: Session, sample: Sample) -> Job | None:
    return db.scalar(
        select(Job).where(Job.sample_id == sample.id, Job.status == "done").order_by(Job.id.desc()).limit(1)
    )


def job_dir(workdir: Path, sample: Sample, job: Job) -> Path:
    """Where ``jobs.execute`` had the analysis write its outputs."""
    return Path(workdir) / sample.accession / f"job-{job.id}"


def image_file(db: Session, sample: Sample, name: str, workdir: Path) -> tuple[Path, str]:
    """(path, media type) of image ``name`` of the sample's latest finished analysis.  Only a name that
    analysis lists under one of its variants is served: anything else (another file of the job, a path)
    is ``NotFound``."""
    job = latest_done(db, sample)
    listed = set()
    if job is not None and job.result_json:
        doc = json.loads(job.result_json)
        listed = {img for v in doc.get("variants", []) for img in v.get("images") or []}
    if name not in listed or not _servable(name):
        raise NotFound(f"no chromatogram {name!r} in this sample's analysis")
    path = job_dir(workdir, sample, job) / name
    if not path.is_file():
        raise NotFound(f"chromatogram {name!r} is listed but its file is missing")
    return path, MEDIA[path.suffix]


def variant_images(job: Job, workdir: Path) -> dict[int, list[Path]]:
    """PNG excerpts of analysis ``job`` (the one being signed), by variant index, for the signed report.
    A listed PNG whose file is gone is left out (the report still carries the calls)."""
    if not job.result_json:
        return {}
    doc, folder = json.loads(job.result_json), job_dir(workdir, job.sample, job)
    out = {}
    for i, v in enumerate(doc.get("variants", [])):
        pngs = [folder / n for n in v.get("images") or [] if _servable(n, ".png") and (folder / n).is_file()]
        if pngs:
            out[i] = pngs
    return out


def _servable(name: str, *suffixes: str) -> bool:
    """A bare file name (no folder part) with an image suffix."""
    return Path(name).name == name and name not in (".", "..") and Path(name).suffix in (suffixes or MEDIA)
