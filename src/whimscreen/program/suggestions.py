"""Candidates of ``screen`` and ``case-find`` as suggestions to physicians: "consider CXCR4 testing".

The coordinator imports a ``candidates.tsv`` (program/suggestion_file.py) whose ``physician_email`` column
addresses each candidate to a registered, active physician; the import can be withdrawn (suggestions not yet
acted on, with a reason).  The physician declines (with a reason; reopening is the way back) or acts: they
create or pick their own patient and place an order as usual (consent and eligibility as for any order) that
names the suggestion, which moves it to ``ordered``.  A suggestion never orders by itself, and it holds the
file's pseudonymous reference only: no patient name is ever written to it.
"""

from __future__ import annotations

import json
from typing import BinaryIO

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from whimscreen.program import audit, suggestion_file
from whimscreen.program.errors import InvalidInput, InvalidState, NotFound
from whimscreen.program.notifications import notify
from whimscreen.program.storage.models import Order, Suggestion, SuggestionImport, User, utcnow
from whimscreen.program.users import require_role

SOURCES = ("screen", "case-find")
STATUSES = ("suggested", "declined", "ordered", "withdrawn")


def _reason(reason: str | None, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(f"give a reason to {what}")
    return reason[:2000]


def import_file(db: Session, actor: User, fh: BinaryIO, filename: str) -> SuggestionImport:
    """Import one candidates file; all its suggestions or none.  The same file (same SHA-256) twice, or a
    candidate already suggested from it, is refused by the database's unique constraints."""
    require_role(actor, "coordinator")
    name = (filename or "candidates.tsv")[:255]
    parsed = suggestion_file.read(fh, name)
    emails = {c.physician_email for c in parsed.to_suggest}
    physicians = {
        u.email.lower(): u
        for u in db.scalars(select(User).where(func.lower(User.email).in_(emails)))
        if u.role == "physician" and u.status == "active"
    }
    for c in parsed.to_suggest:
        if c.physician_email not in physicians:
            raise InvalidInput(
                f"{name} line {c.row}: {c.physician_email} is not a registered, active physician"
            )
    batch = SuggestionImport(
        source=parsed.source,
        file_sha256=parsed.sha256,
        filename=name,
        candidates=suggestion_file.counted(parsed),
        imported_by=actor.id,
    )
    try:
        with db.begin_nested():
            db.add(batch)
            db.flush()
            for c in parsed.to_suggest:
                db.add(
                    Suggestion(
                        import_id=batch.id,
                        source=parsed.source,
                        candidate_ref=c.reference,
                        file_sha256=parsed.sha256,
                        file_row=c.row,
                        evidence=json.dumps(c.evidence, ensure_ascii=False),
                        physician_id=physicians[c.physician_email].id,
                        created_by=actor.id,
                    )
                )
            db.flush()
    except IntegrityError:
        raise InvalidState(f"{name} (SHA-256 {parsed.sha256[:12]}…) was already imported") from None
    per_physician: dict[int, int] = {}
    for c in parsed.to_suggest:
        uid = physicians[c.physician_email].id
        per_physician[uid] = per_physician.get(uid, 0) + 1
    for uid, n in per_physician.items():
        notify(db, uid, f"{n} new suggestion(s) to consider CXCR4 testing (from {parsed.source})")
    audit.record(
        db, actor, "import", "suggestion_import", batch.id,
        detail=f"{parsed.source} {name} sha256={parsed.sha256}; {batch.candidates} candidates, "
        f"{len(parsed.to_suggest)} suggested",
    )  # fmt: skip
    return batch


def imports(db: Session, actor: User) -> list[dict]:
    require_role(actor, "coordinator")
    counts = dict(db.execute(select(Suggestion.import_id, func.count()).group_by(Suggestion.import_id)).all())
    open_counts = dict(
        db.execute(
            select(Suggestion.import_id, func.count())
            .where(Suggestion.status == "suggested")
            .group_by(Suggestion.import_id)
        ).all()
    )
    return [
        {
            "id": b.id,
            "source": b.source,
            "filename": b.filename,
            "file_sha256": b.file_sha256,
            "candidates": b.candidates,
            "suggested": counts.get(b.id, 0),
            "not_acted_on": open_counts.get(b.id, 0),
            "imported_at": b.imported_at.isoformat(),
            "withdrawn_at": b.withdrawn_at.isoformat() if b.withdrawn_at else None,
            "withdraw_reason": b.withdraw_reason,
        }
        for b in db.scalars(select(SuggestionImport).order_by(SuggestionImport.id.desc()))
    ]


def withdraw_import(db: Session, actor: User, import_id: int, reason: str | None) -> int:
    """Undo an import: its suggestions not yet acted on are withdrawn; declined and ordered ones stay."""
    require_role(actor, "coordinator")
    reason = _reason(reason, "withdraw an import")
    batch = db.get(SuggestionImport, import_id, with_for_update=True)
    if batch is None:
        raise NotFound(f"no import {import_id}")
    if batch.withdrawn_at is not None:
        raise InvalidState(f"import {import_id} was already withdrawn")
    now = utcnow()
    batch.withdrawn_at, batch.withdrawn_by, batch.withdraw_reason = now, actor.id, reason
    n = db.execute(
        update(Suggestion)
        .where(Suggestion.import_id == import_id, Suggestion.status == "suggested")
        .values(status="withdrawn", acted_by=actor.id, acted_at=now, reason=reason)
    ).rowcount
    audit.record(db, actor, "withdraw", "suggestion_import", import_id, detail=f"{n} withdrawn: {reason}")
    return n


def _summary(s: Suggestion, evidence: dict) -> str:
    if s.source == "case-find":
        return f"WHIM-likeness score {evidence['score']} ({evidence['level']}): " + "; ".join(
            evidence["reasons"]
        )
    parts = []
    for v in evidence["variants"]:
        name = v["hgvs_c"] or v["hgvs_g"]
        if v["hgvs_p"]:
            name += f" {v['hgvs_p']}"
        vaf = f", VAF {v['vaf']}" if v["vaf"] else ""
        review = ", needs review" if v["review_required"] == "yes" else ""
        parts.append(f"{name}: {v['classification']} ({v['zygosity']}{vaf}{review})")
    return "; ".join(parts)


def public(s: Suggestion) -> dict:
    evidence = json.loads(s.evidence)
    return {
        "id": s.id,
        "source": s.source,
        "candidate": s.candidate_ref,
        "suggestion": "consider CXCR4 testing (WHIM syndrome)",
        "summary": _summary(s, evidence),
        "evidence": evidence,
        "file_sha256": s.file_sha256,
        "file_row": s.file_row,
        "status": s.status,
        "order_id": s.order_id,
        "created_at": s.created_at.isoformat(),
        "acted_at": s.acted_at.isoformat() if s.acted_at else None,
        "reason": s.reason,
    }


def for_physician(db: Session, actor: User, status: str | None = None) -> list[Suggestion]:
    require_role(actor, "physician")
    q = select(Suggestion).where(Suggestion.physician_id == actor.id)
    if status:
        q = q.where(Suggestion.status == status)
    return list(db.scalars(q.order_by(Suggestion.status != "suggested", Suggestion.id.desc())))


def mine(db: Session, actor: User, suggestion_id: int) -> Suggestion:
    """One of the physician's suggestions (404 for anyone else's: existence is not revealed)."""
    require_role(actor, "physician")
    s = db.get(Suggestion, suggestion_id)
    if s is None or s.physician_id != actor.id:
        raise NotFound(f"no suggestion {suggestion_id}")
    return s


def _move(db: Session, actor: User, s: Suggestion, frm: str, to: str, **values) -> None:
    """A conditional update: two concurrent steps on one suggestion cannot both succeed."""
    done = db.execute(
        update(Suggestion)
        .where(Suggestion.id == s.id, Suggestion.status == frm)
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not done:
        db.refresh(s)
        raise InvalidState(f"suggestion {s.id} is {s.status}; it cannot become {to}")
    db.refresh(s)


def decline(db: Session, actor: User, s: Suggestion, reason: str | None) -> Suggestion:
    reason = _reason(reason, "decline a suggestion")
    _move(db, actor, s, "suggested", "declined", acted_by=actor.id, acted_at=utcnow(), reason=reason)
    audit.record(db, actor, "decline", "suggestion", s.id, detail=reason)
    return s


def reopen(db: Session, actor: User, s: Suggestion) -> Suggestion:
    """The way back from a decline made by mistake."""
    _move(db, actor, s, "declined", "suggested", acted_by=actor.id, acted_at=utcnow(), reason=None)
    audit.record(db, actor, "reopen", "suggestion", s.id)
    return s


def link_order(db: Session, actor: User, suggestion_id: int, order: Order) -> Suggestion:
    """Called by ``orders.place`` in the order's transaction: the order names the suggestion it came
    from, which moves to ``ordered`` (an error rolls the order back too)."""
    s = mine(db, actor, suggestion_id)
    _move(db, actor, s, "suggested", "ordered", order_id=order.id, acted_by=actor.id, acted_at=utcnow())
    audit.record(db, actor, "order", "suggestion", s.id, order.patient_id, detail=f"order {order.id}")
    return s
