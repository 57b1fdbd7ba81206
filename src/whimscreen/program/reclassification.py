"""Reclassification: when a knowledge-base release is activated, every signed order is re-evaluated.

For each order's newest signed report (by ``signed_at``) its job's analysis is interpreted again, as
``classification_review.reviewed_analysis`` does (the order's case evidence, the director's decisions), once
with the release active when it was signed and once with the new release.  Any change of a variant's
reported class, of ClinVar's class shown beside it, or of the result category against the signed one
creates a ``reclassification_tasks`` row (one per order and release: a unique constraint) and a portal
notice to every director.  A task is resolved by an amended report (the lead's amendment page, linked
with the task) or closed by a director as "no change needed" with a reason (audited).
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from whimscreen.interpretation.knowledge_base import KnowledgeBase
from whimscreen.interpretation.result import variant_key
from whimscreen.program import audit, notifications
from whimscreen.program.classification_review import reviewed_analysis
from whimscreen.program.errors import InvalidInput, InvalidState
from whimscreen.program.storage.models import (
    Job,
    Order,
    ReclassificationTask,
    SignOut,
    User,
    utcnow,
)
from whimscreen.program.users import require_role
from whimscreen.reference.locus import Locus

MIN_NOTE = 10


def amend_link(task: ReclassificationTask) -> str:
    return f"/orders/{task.order_id}/amend?task={task.id}"


def newest_signouts(db: Session) -> list[SignOut]:
    """Each signed order's newest report."""
    newest: dict[int, SignOut] = {}
    for s in db.scalars(select(SignOut).order_by(SignOut.order_id, SignOut.signed_at, SignOut.id)):
        newest[s.order_id] = s
    return list(newest.values())


def _label(v: dict) -> str:
    return f"{v.get('hgvs_c') or variant_key(v)} {v.get('hgvs_p') or ''}".strip()


def _view(doc: dict) -> dict[str, dict]:
    out = {}
    for v in doc.get("variants", []):
        c = v.get("classification") or {}
        out[variant_key(v)] = {
            "name": _label(v),
            "classification": v.get("reported_classification"),
            "clinvar": c.get("clinvar_classification"),
        }
    return out


def compare(old_doc: dict, new_doc: dict, signed_result: str) -> dict | None:
    """The changes between the analysis as signed and as the new release reads it (None: none)."""
    old, new = _view(old_doc), _view(new_doc)
    variants = []
    for key, n in new.items():
        o = old.get(key) or {}
        if o.get("classification") != n["classification"] or o.get("clinvar") != n["clinvar"]:
            variants.append(
                {
                    "key": key,
                    "name": n["name"],
                    "old": o.get("classification"),
                    "new": n["classification"],
                    "old_clinvar": o.get("clinvar"),
                    "new_clinvar": n["clinvar"],
                }
            )
    result = {"old": signed_result, "new": (new_doc.get("result") or {}).get("result")}
    if not variants and result["old"] == result["new"]:
        return None
    return {"variants": variants, "result": result}


def reevaluate(
    db: Session, version: str, kb: KnowledgeBase, home: Path | None, locus: Locus, actor: User | None = None
) -> list[ReclassificationTask]:
    """Re-evaluate every signed order under ``kb`` (release ``version``); the tasks created (none for an
    order that already has one for this release)."""
    from whimscreen.program.kb_releases import kb_of, release_at

    created = []
    for signed in newest_signouts(db):
        job = db.get(Job, signed.job_id)
        if job is None or not job.result_json:
            continue
        then = kb_of(release_at(db, signed.signed_at), locus)
        changes = compare(
            reviewed_analysis(db, job, home, then),
            reviewed_analysis(db, job, home, kb),
            signed.result_category,
        )
        if changes is None:
            continue
        task = _create(db, signed.order_id, version, changes, actor)
        if task is not None:
            created.append(task)
    return created


def _create(
    db: Session, order_id: int, version: str, changes: dict, actor: User | None
) -> ReclassificationTask | None:
    task = ReclassificationTask(order_id=order_id, release=version, changes=json.dumps(changes))
    try:
        with db.begin_nested():
            db.add(task)
            db.flush()
    except (
        IntegrityError
    ):  # this order has its task for this release already (uq_reclassification_order_release)
        return None
    order = db.get(Order, order_id)
    message = f"Knowledge base {version}: order #{order_id} may need an amended report. {task_summary(task)}"
    for director in db.scalars(select(User).where(User.role == "director", User.status == "active")):
        notifications.notify(db, director.id, message, order)
    audit.record(db, actor, "create", "reclassification_task", task.id, order.patient_id if order else None,
                 detail=f"release {version}: {task_summary(task)}")  # fmt: skip
    return task


def changes_of(task: ReclassificationTask) -> dict:
    return json.loads(task.changes)


def task_summary(task: ReclassificationTask) -> str:
    """One paragraph: the release, old -> new per variant and for the result (the amendment's reason)."""
    ch = changes_of(task)
    parts = []
    for v in ch.get("variants", []):
        if v["old"] == v["new"]:
            text = f"{v['name']}: classification unchanged ({v['new'] or 'none'})"
        else:
            text = f"{v['name']}: classification {v['old'] or 'none'} -> {v['new'] or 'none'}"
        if v.get("old_clinvar") != v.get("new_clinvar"):
            text += (
                f" (ClinVar {v.get('old_clinvar') or 'not listed'} -> {v.get('new_clinvar') or 'not listed'})"
            )
        parts.append(text)
    r = ch.get("result") or {}
    parts.append(f"result {r.get('old')} -> {r.get('new')}" if r.get("old") != r.get("new") else
                 f"result unchanged ({r.get('old')})")  # fmt: skip
    return f"Re-evaluated with knowledge-base release {task.release}: " + "; ".join(parts) + "."


def open_tasks(db: Session) -> list[ReclassificationTask]:
    q = select(ReclassificationTask).where(ReclassificationTask.status == "open")
    return list(db.scalars(q.order_by(ReclassificationTask.id)))


def close_task(db: Session, actor: User, task: ReclassificationTask, note: str) -> ReclassificationTask:
    """A director closes a task as "no change needed", with the reason (audited)."""
    require_role(actor, "director")
    if task.status != "open":
        raise InvalidState(f"reclassification task {task.id} is {task.status}")
    note = (note or "").strip()
    if len(note) < MIN_NOTE:
        raise InvalidInput(f"give the reason no change is needed (at least {MIN_NOTE} characters)")
    task.status, task.closed_at, task.closed_by, task.note = "closed", utcnow(), actor.id, note
    order = db.get(Order, task.order_id)
    audit.record(db, actor, "close", "reclassification_task", task.id, order.patient_id if order else None,
                 detail=f"no change needed: {note}")  # fmt: skip
    return task


def task_for_order(db: Session, task_id: int, order: Order) -> ReclassificationTask:
    """An open task of ``order`` (the amendment that resolves it names it)."""
    task = db.get(ReclassificationTask, task_id)
    if task is None or task.order_id != order.id:
        raise InvalidInput(f"reclassification task {task_id} is not a task of order {order.id}")
    if task.status != "open":
        raise InvalidState(f"reclassification task {task_id} is {task.status}")
    return task


def resolve_by_amendment(db: Session, actor: User, task: ReclassificationTask, version: int) -> None:
    """The amended report version ``version`` resolves the task (audited)."""
    task.status, task.closed_at, task.closed_by = "amended", utcnow(), actor.id
    task.note = f"amended report version {version}"
    order = db.get(Order, task.order_id)
    audit.record(db, actor, "close", "reclassification_task", task.id, order.patient_id if order else None,
                 detail=f"resolved by amended report version {version}")  # fmt: skip
