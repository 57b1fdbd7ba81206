"""Sequencing file uploads: size-limited streaming to disk, kind checked by content (never by name).

Before sign-out the lab may delete (or replace) a wrong file: the row is kept, marked deleted with who,
when and why (the file stays on disk for the audit trail), and no longer counts as the sample's file.
Adding or deleting a file once an analysis ran sends the order back to ``sequencing`` (needs analysis):
sign-out requires an analysis of exactly the current files (``jobs.covers``).

Accepted: ABIF chromatograms (.ab1), FASTQ (plain, gzip or BGZF), BAM, CRAM, VCF/BCF (plain or BGZF).
The kind is decided by ``whimscreen.calling.pipeline.detect_kind`` — the same check the analysis applies.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from whimscreen.calling.pipeline import detect_kind
from whimscreen.errors import InputFileError
from whimscreen.program import audit, orders, upload_check
from whimscreen.program.errors import InvalidInput, InvalidState
from whimscreen.program.storage.models import Sample, Upload, User, utcnow
from whimscreen.program.users import LAB, require_role

DEFAULT_MAX_BYTES = 2 * 1024**3
MAX_FILES = 16  # files per upload request
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(filename: str) -> str:
    name = _SAFE.sub("_", Path(filename or "upload").name).lstrip(".") or "upload"
    return name[:120]


def _spool(stream: BinaryIO, directory: Path, max_bytes: int, label: str) -> tuple[Path, int, str]:
    directory.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".upload-")
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            for block in iter(lambda: stream.read(1 << 20), b""):
                size += len(block)
                if size > max_bytes:
                    raise InputFileError(f"{label}: larger than the upload limit of {max_bytes} bytes")
                digest.update(block)
                out.write(block)
        return Path(tmp), size, digest.hexdigest()
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store(
    db: Session,
    actor: User,
    sample: Sample,
    filename: str,
    stream: BinaryIO,
    root: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: upload_check.Limits = upload_check.Limits(),
) -> Upload:
    """Validate and keep one file under ``root/ACCESSION/``; the order moves to ``sequencing``."""
    require_role(actor, *LAB)
    _changeable(sample)
    name = safe_name(filename)
    directory = Path(root) / sample.accession
    tmp, size, sha = _spool(stream, directory, max_bytes, name)
    try:
        _changeable(sample, lock=True)  # again, holding the order row: a sign-out may have run meanwhile
        if size == 0:
            raise InputFileError(f"{name}: empty file")
        try:
            kind = detect_kind(tmp)
        except InputFileError as exc:
            raise InputFileError(str(exc).replace(str(tmp), name)) from None
        upload_check.check(tmp, kind, name, size, limits)
        upload = Upload(
            sample_id=sample.id,
            filename=name,
            kind=kind,
            size=size,
            sha256=sha,
            path="",
            uploaded_by=actor.id,
        )
        db.add(upload)
        db.flush()
        final = directory / f"{upload.id}_{name}"
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    upload.path = str(final)
    _files_changed(db, actor, sample, f"file uploaded ({kind})")
    # file names may hold patient names: the audit keeps the content's SHA-256 and the sample instead
    audit.record(
        db, actor, "create", "upload", upload.id, sample.order.patient_id,
        detail=f"sample {sample.accession}, {kind}, sha256 {sha}",
    )  # fmt: skip
    return upload


def _changeable(sample: Sample, lock: bool = False) -> None:
    """Refuse a file change once the order left the lab loop; ``lock`` takes the order's row lock first
    (PostgreSQL), so a concurrent sign-out and a file change are serialised."""
    if lock:
        orders.lock(object_session(sample), sample.order)
    if sample.rejected_reason or sample.order.status not in ("received", *orders.LAB_LOOP):
        raise InvalidState(f"sample {sample.accession} ({sample.order.status}) does not accept file changes")


def _files_changed(db: Session, actor: User, sample: Sample, note: str) -> None:
    """The sample's files changed: the order needs (another) analysis."""
    order = sample.order
    if order.status == "received":
        orders.advance(db, actor, order, "sequencing", note)
    elif order.status != "sequencing":
        orders.move(db, actor, order, "sequencing", f"{note}: needs analysis")


def delete(db: Session, actor: User, upload: Upload, reason: str) -> Upload:
    """Remove a wrong file before sign-out (refused while an analysis is queued or running)."""
    from whimscreen.program import jobs  # jobs imports uploads

    require_role(actor, *LAB)
    if not (reason or "").strip():
        raise InvalidInput("deleting a file needs a reason")
    sample = db.get(Sample, upload.sample_id)
    _changeable(sample, lock=True)
    if upload.deleted_at is not None:
        raise InvalidState(f"upload {upload.id} is already deleted")
    if jobs.active(db, sample) is not None:
        raise InvalidState(
            f"an analysis of sample {sample.accession} is queued or running: wait for it to end"
        )
    upload.deleted_at, upload.deleted_by, upload.delete_reason = utcnow(), actor.id, reason.strip()
    db.flush()
    _files_changed(db, actor, sample, f"file {upload.id} deleted")
    audit.record(db, actor, "delete", "upload", upload.id, sample.order.patient_id, detail=reason.strip())
    return upload


def replace(
    db: Session,
    actor: User,
    upload: Upload,
    filename: str,
    stream: BinaryIO,
    root: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Upload:
    """Delete ``upload`` and store the new file in its place, in one transaction."""
    delete(db, actor, upload, "replaced by a new file")
    return store(db, actor, db.get(Sample, upload.sample_id), filename, stream, root, max_bytes)


def store_many(
    db: Session,
    actor: User,
    sample: Sample,
    files: list[tuple[str, BinaryIO]],
    root: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: upload_check.Limits = upload_check.Limits(),
) -> list[Upload]:
    """Several files, all or none: if one is refused, the files already kept are removed again (and the
    caller's transaction, which holds their rows, rolls back)."""
    if not files:
        raise InputFileError("no file was sent")
    if len(files) > MAX_FILES:
        raise InputFileError(f"{len(files)} files in one upload; at most {MAX_FILES}")
    kept: list[Upload] = []
    try:
        for filename, stream in files:
            kept.append(store(db, actor, sample, filename, stream, root, max_bytes, limits))
    except BaseException:
        for upload in kept:
            Path(upload.path).unlink(missing_ok=True)
        raise
    return kept


def for_sample(db: Session, sample: Sample) -> list[Upload]:
    """The sample's current (not deleted) files."""
    q = select(Upload).where(Upload.sample_id == sample.id, Upload.deleted_at.is_(None)).order_by(Upload.id)
    return list(db.scalars(q))
