"""Classification review: the case evidence an order carries (de novo status, segregation), the director's
decisions where a computed class disagrees with an asserted one, and the analysis as it stands after both.

The analysis stored by a job is what the run produced.  ``reviewed_analysis`` interprets it again with the
order's current case evidence and the director's decisions, so the review screen, the queue and sign-out
all read one document; sign-out refuses while a call in the reportable range still needs a decision.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from whimscreen.interpretation.evidence import DE_NOVO, Evidence
from whimscreen.interpretation.familial import interpret_familial
from whimscreen.interpretation.knowledge_base import CLASSES, KnowledgeBase
from whimscreen.interpretation.population_table import load_table
from whimscreen.interpretation.result import interpret_analysis, variant_key
from whimscreen.program import audit
from whimscreen.program.errors import InvalidInput, InvalidState
from whimscreen.program.kb_releases import active_kb
from whimscreen.program.storage.models import ClassificationDecision, Job, Order, User
from whimscreen.program.users import require_role
from whimscreen.reference import get_locus
from whimscreen.reference.annotate import annotate
from whimscreen.reference.parse import parse_variant

EDITABLE = ("ordered", "kit_sent", "received", "sequencing", "analysis", "review", "waitlisted")
MIN_REASON = 10


def case_evidence(order: Order, phenotype: list[str] | tuple[str, ...]) -> Evidence:
    return Evidence(
        de_novo=order.de_novo, phenotype=tuple(phenotype), segregation_meioses=order.segregation_meioses or 0
    )


def set_case_evidence(
    db: Session, actor: User, order: Order, de_novo: str | None, meioses: int, from_family: int | None = None
) -> Order:
    """The ordering physician (scope checked by the caller) or a director records the family evidence;
    ``from_family``: computed from that family's signed results (family_evidence.py), also once reported."""
    require_role(actor, "physician", "director")
    if order.status not in EDITABLE and not (from_family and order.status == "reported"):
        raise InvalidState(f"order {order.id} is {order.status}: case evidence can no longer change")
    if de_novo not in DE_NOVO:
        raise InvalidInput("de novo must be 'confirmed', 'assumed' or empty")
    if not 0 <= meioses <= 100:
        raise InvalidInput("informative meioses must be between 0 and 100")
    before = (order.de_novo, order.segregation_meioses)
    order.de_novo, order.segregation_meioses = de_novo, meioses
    audit.record(
        db, actor, "update", "order", order.id, order.patient_id,
        detail=f"case evidence{f' from family {from_family}' if from_family else ''}: de novo {before[0]} -> "
        f"{de_novo}, meioses {before[1]} -> {meioses}",
    )  # fmt: skip
    return order


def decisions(db: Session, job: Job) -> dict[str, dict]:
    """The newest decision per variant of this job's analysis."""
    out: dict[str, dict] = {}
    rows = db.scalars(
        select(ClassificationDecision)
        .where(ClassificationDecision.job_id == job.id)
        .order_by(ClassificationDecision.id)
    )
    for d in rows:
        who = db.get(User, d.decided_by)
        out[d.variant_key] = {
            "classification": d.classification,
            "reason": d.reason,
            "by": who.name if who else str(d.decided_by),
            "at": d.decided_at.strftime("%Y-%m-%d %H:%M UTC"),
        }
    return out


def reviewed_analysis(db: Session, job: Job, home: Path | None, kb: KnowledgeBase | None = None) -> dict:
    """The job's analysis interpreted with the order's current case evidence and the director's decisions,
    with ``kb`` (re-evaluation under a release) or else the active knowledge-base release."""
    doc = json.loads(job.result_json)
    order = job.sample.order
    phenotype = (doc.get("result") or {}).get("phenotype") or []
    locus = get_locus(home)
    kb = kb if kb is not None else active_kb(db, locus)
    if order.kind == "familial":  # a relative's known familial variant test
        familial = annotate(locus, parse_variant(locus, order.familial_variant)).to_dict()
        population = load_table(home) if home is not None else None
        evidence = case_evidence(order, phenotype)
        return interpret_familial(doc, familial, kb, evidence, population)
    return interpret_analysis(
        doc,
        kb,
        case_evidence(order, phenotype),
        load_table(home) if home is not None else None,
        decisions(db, job),
    )


def decide(
    db: Session, actor: User, job: Job, key: str, classification: str, reason: str, home: Path | None
) -> ClassificationDecision:
    """A director chooses the class of a variant of a finished analysis under review, with a reason."""
    require_role(actor, "director")
    order = job.sample.order
    if job.status != "done" or order.status not in ("review", "reported"):
        raise InvalidState(
            f"order {order.id} is {order.status}: decisions are taken during review or for an amended report"
        )
    if classification not in CLASSES:
        raise InvalidInput(f"classification must be one of: {', '.join(CLASSES)}")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise InvalidInput(f"give the reason for the decision (at least {MIN_REASON} characters)")
    doc = json.loads(job.result_json)
    if key not in {variant_key(v) for v in doc.get("variants", [])}:
        raise InvalidInput(f"{key} is not a variant of analysis {job.id}")
    row = ClassificationDecision(
        job_id=job.id, variant_key=key, classification=classification, reason=reason, decided_by=actor.id
    )
    db.add(row)
    db.flush()
    audit.record(
        db, actor, "decide", "classification", row.id, order.patient_id,
        detail=f"job {job.id} {key}: {classification} — {reason}",
    )  # fmt: skip
    return row


def pending_review(analysis: dict) -> list[str]:
    """The reasons a signed result cannot be issued yet (empty when none)."""
    return list((analysis.get("result") or {}).get("review_reasons") or [])


def review_queue(db: Session, home: Path | None) -> list[dict]:
    """Orders in review whose latest finished analysis has a classification waiting for a decision."""
    from whimscreen.program.storage.models import Sample

    out = []
    rows = db.execute(
        select(Order, Sample).join(Sample, Sample.order_id == Order.id).where(Order.status == "review")
    )
    for order, sample in rows:
        done = select(Job).where(Job.sample_id == sample.id, Job.status == "done")
        job = db.scalar(done.order_by(Job.id.desc()).limit(1))
        if job is None:
            continue
        reasons = pending_review(reviewed_analysis(db, job, home))
        if reasons:
            item = {"order_id": order.id, "sample_id": sample.id, "accession": sample.accession}
            out.append(item | {"job_id": job.id, "reasons": reasons})
    from whimscreen.program.family_evidence import reclassified  # family_evidence imports this module

    return out + reclassified(db, home)
