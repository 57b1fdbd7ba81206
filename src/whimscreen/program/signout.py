"""Sign-out and the report's versions: a lab director signs the reviewed result; later versions amend or
correct it.  The person who ran the analysis cannot sign.

Signing builds the report document (``report_context``), renders the PDF and stores both with the PDF's
SHA-256 as version 1 (FINAL); the order becomes ``reported`` and its physician is notified (portal and
e-mail).  Only a result of the sample's current files is signed: the latest job must be done and must have
analysed exactly those files (by SHA-256, ``jobs.covers``).  Outside the demo reference the laboratory's
identity (name, address, CLIA, CAP, directors with credentials) must be set and the signer must be one of
its directors.

After sign-out a director issues an AMENDED (new interpretation or information) or CORRECTED (an error)
version with a mandatory reason: the same analysis is interpreted again with today's knowledge base, case
evidence and decisions, and the new version says on page 1 which version it replaces and why.  Versions are
never changed; the database refuses two versions with one number (concurrent amendments).  A director may
also re-open a review (before sign-out) with a reason.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from whimscreen.program import (
    audit,
    chromatograms,
    jobs,
    lab_identity,
    notifications,
    orders,
    reclassification,
)
from whimscreen.program.classification_review import pending_review, reviewed_analysis
from whimscreen.program.errors import Forbidden, InvalidInput, InvalidState, NotFound
from whimscreen.program.report_context import report_document
from whimscreen.program.storage.models import Job, Order, OrderEvent, Sample, SignOut, User, utcnow
from whimscreen.program.users import require_role
from whimscreen.reference import get_locus
from whimscreen.reporting.pdf import render_pdf

Render = Callable[[dict], bytes]  # report document -> PDF (in this thread, or report_render.ReportRenderer)
KINDS = {"amended": "AMENDED", "corrected": "CORRECTED"}
MIN_REASON = 10


def _check_lab(db: Session, actor: User, analysis: dict) -> None:
    if (analysis.get("reference") or {}).get("demo"):
        return  # the demo reference's reports carry the demo banner; a lab identity is optional there
    lab = lab_identity.current(db)
    gaps = lab_identity.missing(lab)
    if gaps:
        raise InvalidState(
            f"the laboratory identity is incomplete ({', '.join(gaps)} missing): set it with "
            "'whimscreen lab set' or Admin → Laboratory before signing reports"
        )
    if lab_identity.credentials_of(lab, actor.name) is None:
        raise InvalidState(
            f"{actor.name} is not listed among the laboratory's directors with credentials "
            "(Admin → Laboratory): the report must name its director"
        )


def _signable(db: Session, actor: User, order: Order, job: Job | None, workdir: Path | None) -> dict:
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
    _check_lab(db, actor, analysis)
    return analysis


def _store(
    db: Session,
    actor: User,
    order: Order,
    sample: Sample,
    job: Job,
    analysis: dict,
    workdir: Path | None,
    *,
    version: int,
    status: str,
    comment: str | None,
    replaces: SignOut | None = None,
    reason: str | None = None,
    relatives: list[dict] | None = None,
    render: Render | None = None,
) -> SignOut:
    from whimscreen.program import families  # families imports the sign-out's neighbours

    signed_at = utcnow()
    images = chromatograms.variant_images(job, workdir) if workdir is not None else {}
    relatives = relatives if relatives is not None else families.relatives_for_report(db, order)
    pedigree = _pedigree_svg(db, order) if relatives else None
    previous = None
    if replaces is not None:
        previous = {
            "version": replaces.version,
            "issued": replaces.signed_at.isoformat(),
            "issued_text": replaces.signed_at.strftime("%Y-%m-%d %H:%M UTC"),
            "reason": reason,
        }
    document = report_document(
        db, order, sample, job, analysis, actor, signed_at,
        status=status, version=version, replaces=previous, comment=comment, images=images,
        relatives=relatives, locus=get_locus(workdir.parent if workdir is not None else None),
        pedigree_svg=pedigree,
    )  # fmt: skip
    pdf = (render or render_pdf)(document)  # raises before anything is stored: complete or absent
    for v in document["variants"]:  # the embedded images stay in the PDF, not twice in the database
        v["chromatograms"] = [f"{len(uri)} bytes" for uri in v["chromatograms"]]
    record = SignOut(
        order_id=order.id,
        job_id=job.id,
        signer_id=actor.id,
        signed_at=signed_at,
        result_category=analysis["result"]["result"],
        comment=comment,
        report_pdf=pdf,
        report_sha256=hashlib.sha256(pdf).hexdigest(),
        version=version,
        status=status,
        reason=reason,
        replaces_id=replaces.id if replaces is not None else None,
        document_json=json.dumps(document, sort_keys=True),
    )
    db.add(record)
    order.result_category = record.result_category
    return record


def _pedigree_svg(db: Session, order: Order) -> str | None:
    """The proband's family drawn (NSGC symbols) for the report, when the family has relatives tested."""
    from whimscreen.program import families, family_evidence
    from whimscreen.reporting.pedigree_svg import to_svg

    family = families.of_proband(db, order.patient_id)
    if family is None:
        return None
    ped, _notes = family_evidence.pedigree(db, family)
    return to_svg(ped, f"Pedigree of family {family.id}")


def sign(
    db: Session,
    actor: User,
    order: Order,
    comment: str | None = None,
    workdir: Path | None = None,
    render: Render | None = None,
) -> SignOut:
    """Sign the order's reviewed result as report version 1 (FINAL); ``workdir`` (the jobs' output folder,
    ``HOME/analyses``) lets the report carry the chromatogram excerpts of a Sanger analysis, and its parent
    (the data home) gives the installed reference and population table the review re-interprets with.
    ``render`` makes the PDF (default: WeasyPrint in this thread; the portal passes its
    ``report_render.ReportRenderer``)."""
    require_role(actor, "director")
    orders.lock(db, order)  # a concurrent file change waits, then finds it reported
    if order.status != "review":
        raise InvalidState(f"order {order.id} is {order.status}, not in review")
    sample = db.scalar(select(Sample).where(Sample.order_id == order.id))
    job = jobs.latest(db, sample)
    analysis = _signable(db, actor, order, job, workdir)
    record = _store(
        db, actor, order, sample, job, analysis, workdir,
        version=1, status="FINAL", comment=comment, render=render,
    )  # fmt: skip
    orders.advance(db, actor, order, "reported", f"signed out by {actor.name}")
    db.flush()
    audit.record(db, actor, "sign", "report", record.id, order.patient_id, detail=record.report_sha256)
    if order.kind == "familial":  # a relative's result feeds the proband's case evidence (issue 15)
        from whimscreen.program import family_evidence

        family_evidence.after_signout(db, actor, order, workdir.parent if workdir is not None else None)
    notifications.notify(
        db,
        order.physician_id,
        f"The CXCR4 report of {order.patient.name} (accession {sample.accession}) is ready: "
        f"{record.result_category}.",
        order,
        email=True,
    )
    return record


def amend(
    db: Session,
    actor: User,
    order: Order,
    kind: str,
    reason: str,
    comment: str | None = None,
    workdir: Path | None = None,
    task_id: int | None = None,
    render: Render | None = None,
) -> SignOut:
    """Issue an amended or corrected version of a signed report (``kind``: amended | corrected);
    ``task_id``: the open reclassification task this version resolves; ``render`` as for ``sign``."""
    require_role(actor, "director")
    if kind not in KINDS:
        raise InvalidInput("the kind of a new report version is 'amended' or 'corrected'")
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise InvalidInput(f"give the reason for the {kind} report (at least {MIN_REASON} characters)")
    orders.lock(db, order)
    if order.status != "reported":
        raise InvalidState(f"order {order.id} is {order.status}: only a signed report can be {kind}")
    previous = newest(db, order)
    if previous is None:
        raise InvalidState(f"order {order.id} has no signed report to {kind[:-1]}")
    task = reclassification.task_for_order(db, task_id, order) if task_id is not None else None
    sample = db.scalar(select(Sample).where(Sample.order_id == order.id))
    job = db.get(Job, previous.job_id)
    analysis = _signable(db, actor, order, job, workdir)
    record = _store(
        db, actor, order, sample, job, analysis, workdir,
        version=previous.version + 1, status=KINDS[kind], comment=comment, replaces=previous, reason=reason,
        render=render,
    )  # fmt: skip
    db.flush()  # the unique (order, version) refuses a concurrent amendment of the same version here
    db.add(
        OrderEvent(
            order_id=order.id,
            status="reported",
            user_id=actor.id,
            note=f"report version {record.version} ({record.status}) by {actor.name}: {reason}",
        )
    )
    if task is not None:
        reclassification.resolve_by_amendment(db, actor, task, record.version)
    audit.record(
        db, actor, "amend", "report", record.id, order.patient_id,
        detail=f"v{record.version} {record.status} replaces v{previous.version}: {reason} "
        f"[{record.report_sha256}]",
    )  # fmt: skip
    notifications.notify(
        db,
        order.physician_id,
        f"The CXCR4 report of {order.patient.name} (accession {sample.accession}) was {kind}: version "
        f"{record.version} replaces version {previous.version} ({record.result_category}). Reason: {reason}",
        order,
        email=True,
    )
    return record


def newest(db: Session, order: Order) -> SignOut | None:
    q = select(SignOut).where(SignOut.order_id == order.id).order_by(SignOut.version.desc()).limit(1)
    return db.scalar(q)


def versions(db: Session, order: Order) -> list[SignOut]:
    """Every signed version of the order's report, oldest first (their PDFs and documents left unread)."""
    query = select(SignOut).where(SignOut.order_id == order.id).order_by(SignOut.version)
    return list(db.scalars(query.options(defer(SignOut.report_pdf), defer(SignOut.document_json))))


def report_for(db: Session, actor: User, order: Order, version: int | None = None) -> SignOut:
    """A signed version (the newest when ``version`` is None) of an order reached through
    ``access.order_for``; the download is audited with its version."""
    if version is None:
        record = newest(db, order)
    else:
        q = select(SignOut).where(SignOut.order_id == order.id, SignOut.version == version)
        record = db.scalar(q)
    if record is None:
        raise NotFound(
            f"order {order.id} has no signed report"
            + (f" version {version}" if version is not None else " yet")
        )
    audit.record(
        db, actor, "download", "report", record.id, order.patient_id, detail=f"version {record.version}"
    )
    return record


def document_of(record: SignOut) -> dict:
    """The report document a signed version was rendered from."""
    if not record.document_json:
        raise NotFound(f"report version {record.version} was signed before report documents were stored")
    return json.loads(record.document_json)


def reopen(db: Session, actor: User, order: Order, reason: str) -> Order:
    """Send an order in review back to the lab (needs analysis), with the reason."""
    require_role(actor, "director")
    if not (reason or "").strip():
        raise InvalidInput("re-opening a review needs a reason")
    if order.status != "review":
        raise InvalidState(f"order {order.id} is {order.status}, not in review")
    orders.move(db, actor, order, "sequencing", f"review re-opened by {actor.name}: {reason.strip()}")
    return order
