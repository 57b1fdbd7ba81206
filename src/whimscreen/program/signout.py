"""Sign-out: a lab director signs the reviewed result; the person who ran the analysis cannot sign it.

Signing renders the PDF report (``whimscreen.reporting.pdf``) and stores it with its SHA-256; the order
becomes ``reported``.  Only a result of the sample's current files is signed: the latest job must be done
and must have analysed exactly those files (by SHA-256, ``jobs.covers``).  A director may re-open a review
(the order goes back to the lab, needing analysis) with a reason.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from whimscreen.program import audit, chromatograms, jobs, orders
from whimscreen.program.classification_review import pending_review, reviewed_analysis
from whimscreen.program.errors import Forbidden, InvalidInput, InvalidState, NotFound
from whimscreen.program.report_context import report_context
from whimscreen.program.storage.models import Order, Sample, SignOut, User, utcnow
from whimscreen.program.users import require_role
from whimscreen.reporting.pdf import render_pdf


def sign(
    db: Session, actor: User, order: Order, comment: str | None = None, workdir: Path | None = None
) -> SignOut:
    """Sign the order's reviewed result; ``workdir`` (the jobs' output folder, ``HOME/analyses``) lets the
    report carry the chromatogram excerpts of a Sanger analysis, and its parent (the data home) gives the
    installed reference and population table the review re-interprets with."""
    require_role(actor, "director")
    orders.lock(db, order)  # a concurrent file change waits, then finds it reported
    if order.status != "review":
        raise InvalidState(f"order {order.id} is {order.status}, not in review")
    sample = db.scalar(select(Sample).where(Sample.order_id == order.id))
    job = jobs.latest(db, sample)
    if job is None or job.status != "done":
        raise InvalidState(f"order {order.id} has no finished analysis")
    if not jobs.covers(db, job):
        raise InvalidState(
            f"order {order.id}: the latest analysis (job {job.id}) did not use the sample's current files; "
            "run the analysis again before signing out"
        )
    if job.requested_by == actor.id:
        raise Forbidden("the person who ran the analysis cannot sign it out: another director must sign")
    analysis = reviewed_analysis(db, job, workdir.parent if workdir is not None else None)
    pending = pending_review(analysis)
    if pending:
        raise InvalidState(
            "a classification needs the director's decision before sign-out: " + "; ".join(pending)
        )
    signed_at = utcnow()
    images = chromatograms.variant_images(job, workdir) if workdir is not None else {}
    context = report_context(db, order, sample, analysis, actor, signed_at, comment, images)
    pdf = render_pdf(context)
    record = SignOut(
        order_id=order.id,
        job_id=job.id,
        signer_id=actor.id,
        signed_at=signed_at,
        result_category=analysis["result"]["result"],
        comment=comment,
        report_pdf=pdf,
        report_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    db.add(record)
    order.result_category = record.result_category
    orders.advance(db, actor, order, "reported", f"signed out by {actor.name}")
    db.flush()
    audit.record(db, actor, "sign", "report", record.id, order.patient_id, detail=record.report_sha256)
    if order.kind == "familial":  # a relative's result feeds the proband's case evidence (issue 15)
        from whimscreen.program import family_evidence

        family_evidence.after_signout(db, actor, order, workdir.parent if workdir is not None else None)
    return record


def report_for(db: Session, actor: User, order: Order) -> SignOut:
    """The signed report of an order reached through ``access.order_for``; the download is audited."""
    record = db.scalar(select(SignOut).where(SignOut.order_id == order.id))
    if record is None:
        raise NotFound(f"order {order.id} has no signed report yet")
    audit.record(db, actor, "download", "report", record.id, order.patient_id)
    return record


def reopen(db: Session, actor: User, order: Order, reason: str) -> Order:
    """Send an order in review back to the lab (needs analysis), with the reason."""
    require_role(actor, "director")
    if not (reason or "").strip():
        raise InvalidInput("re-opening a review needs a reason")
    if order.status != "review":
        raise InvalidState(f"order {order.id} is {order.status}, not in review")
    orders.move(db, actor, order, "sequencing", f"review re-opened by {actor.name}: {reason.strip()}")
    return order
