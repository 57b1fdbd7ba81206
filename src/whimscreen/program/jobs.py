"""Analysis jobs stored in the database, run by a pool of worker threads of the server.

Each worker claims a job and runs the analysis in a child process with a wall-time limit
(``job_process.py``), so a runaway file fails its own job and never blocks the queue; with several
workers (default 2) other jobs go on meanwhile.

A job is ``queued`` -> ``running`` -> ``done`` | ``failed`` (the reason stored).  The analysis itself runs
outside any transaction; claiming and finishing are short transactions.  A sample has at most one active
(queued or running) job — a partial unique index says so — and starting an analysis while one is active
returns that job.  A job records the files it analysed (upload id and SHA-256, ``inputs``): sign-out
requires the latest finished job to cover exactly the sample's current files.

A running job's worker touches ``heartbeat_at`` every ``HEARTBEAT`` seconds; a job whose heartbeat is older
than ``STALE_AFTER`` (its process died or hangs) is re-queued by any worker (``requeue_stale``), and failed
with that reason after ``MAX_ATTEMPTS`` starts.  Safe with several server processes on one database.
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from whimscreen.errors import WhimscreenError
from whimscreen.interpretation.evidence import Evidence
from whimscreen.program import audit, job_process, orders, patients, uploads
from whimscreen.program.classification_review import case_evidence
from whimscreen.program.errors import InvalidState
from whimscreen.program.kb_releases import named_active
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import Job, Sample, Upload, User, utcnow
from whimscreen.program.users import LAB, require_role

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
ACTIVE = ("queued", "running")
HEARTBEAT = 15.0  # seconds between heartbeats of a running job
STALE_AFTER = timedelta(minutes=2)  # a running job silent this long is re-queued
Runner = Callable[[list[Path], str, Path, Evidence], dict]  # paths, sample id, out dir, case evidence


def latest(db: Session, sample: Sample) -> Job | None:
    return db.scalar(select(Job).where(Job.sample_id == sample.id).order_by(Job.id.desc()).limit(1))


def active(db: Session, sample: Sample) -> Job | None:
    return db.scalar(select(Job).where(Job.sample_id == sample.id, Job.status.in_(ACTIVE)))


def enqueue(db: Session, actor: User, sample: Sample) -> tuple[Job, bool]:
    """Start (or re-run, or retry) the sample's analysis: (the job, True if created now).

    Idempotent: while a job is queued or running, every request answers that job (the partial unique index
    settles a race between two requests).  From review, a re-run sends the order back to analysis.
    """
    require_role(actor, *LAB)
    order = sample.order
    if sample.rejected_reason:
        raise InvalidState(f"sample {sample.accession} was rejected: it cannot be analysed")
    if order.status not in orders.LAB_LOOP:
        raise InvalidState(f"sample {sample.accession} ({order.status}) cannot be analysed now")
    if not uploads.for_sample(db, sample):
        raise InvalidState(f"sample {sample.accession} has no sequencing files")
    existing = active(db, sample)
    if existing is not None:
        return existing, False
    job = Job(sample_id=sample.id, status="queued", requested_by=actor.id)
    try:
        with db.begin_nested():
            db.add(job)
            db.flush()
    except IntegrityError:  # another request created the active job meanwhile
        existing = active(db, sample)
        if existing is None:
            raise
        return existing, False
    if order.status != "analysis":
        orders.move(db, actor, order, "analysis", f"analysis job {job.id} queued")
    audit.record(db, actor, "create", "job", job.id, order.patient_id, detail="analysis queued")
    return job, True


def close_active(db: Session, actor: User | None, sample: Sample, reason: str) -> None:
    """Fail the sample's queued or running job (order cancelled, sample rejected); a running analysis's
    result is then discarded when it ends."""
    job = active(db, sample)
    if job is not None:
        job.status, job.error, job.finished_at = "failed", reason, utcnow()
        audit.record(db, actor, "update", "job", job.id, sample.order.patient_id, detail=f"failed: {reason}")


def inputs_of(job: Job) -> list[str]:
    """SHA-256 of each file the job analysed (empty before it started)."""
    return sorted(f["sha256"] for f in json.loads(job.inputs or "[]"))


def covers(db: Session, job: Job, current: list[Upload] | None = None) -> bool:
    """True if the job analysed exactly the sample's current files (compared by SHA-256); ``current``: those
    files when the caller has read them (``uploads.for_sample``)."""
    files = uploads.for_sample(db, job.sample) if current is None else current
    return job.inputs is not None and inputs_of(job) == sorted(u.sha256 for u in files)


def requeue_stale(db: Session, stale_after: timedelta = STALE_AFTER) -> list[int]:
    """Jobs ``running`` with no heartbeat for ``stale_after`` (their process died) go back to the queue, or
    fail after MAX_ATTEMPTS starts.  Each change is a conditional update, so two workers never both act."""
    cutoff = utcnow() - stale_after
    silent = or_(Job.heartbeat_at < cutoff, Job.heartbeat_at.is_(None) & (Job.started_at < cutoff))
    ids = []
    for job_id, attempts in db.execute(select(Job.id, Job.attempts).where(Job.status == "running", silent)):
        if attempts >= MAX_ATTEMPTS:
            values = {
                "status": "failed",
                "finished_at": utcnow(),
                "error": f"interrupted {attempts} times (the analysis stopped without finishing)",
            }
        else:
            values = {"status": "queued", "started_at": None, "heartbeat_at": None}
        changed = db.execute(
            update(Job).where(Job.id == job_id, Job.status == "running", silent).values(**values)
        )
        if changed.rowcount == 1:
            job = db.get(Job, job_id)
            db.refresh(job)
            audit.record(
                db, None, "update", "job", job_id, job.sample.order.patient_id, detail=f"stale: {job.status}"
            )
            ids.append(job_id)
    return ids


def claim_next(db: Session) -> int | None:
    job_id = db.scalar(select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(1))
    if job_id is None:
        return None
    claimed = db.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", started_at=utcnow(), heartbeat_at=utcnow(), attempts=Job.attempts + 1)
    )
    return job_id if claimed.rowcount == 1 else None


def _inputs(db: Session, job_id: int) -> tuple[list[Path], str, Evidence, int, str | None, dict | None]:
    """The files to analyse, recorded on the job (upload id and SHA-256) in the same transaction; the
    job's attempt number identifies this run; a relative's order gives its familial variant; the active
    knowledge-base release as the database has it (not the data home's marker, which a failed write could
    leave behind)."""
    job = db.get(Job, job_id)
    sample = job.sample
    files = uploads.for_sample(db, sample)
    job.inputs = json.dumps([{"upload_id": u.id, "sha256": u.sha256} for u in files])
    evidence = case_evidence(sample.order, patients.eligibility(db, sample.order.patient).phenotype())
    familial = sample.order.familial_variant if sample.order.kind == "familial" else None
    return [Path(u.path) for u in files], sample.accession, evidence, job.attempts, familial, named_active(db)


def _finish(db: Session, job_id: int, attempt: int, result: dict | None, error: str | None) -> None:
    job = db.get(Job, job_id)
    if job.status != "running" or job.attempts != attempt:
        # closed meanwhile (order cancelled, sample rejected), or re-queued as stale and run again
        log.warning(
            "job %s (attempt %s) ended but is %s: its outcome is discarded", job_id, attempt, job.status
        )
        return
    job.finished_at = utcnow()
    order = job.sample.order
    orders.lock(db, order)  # serialised with file changes (uploads._changeable)
    if error is None:
        job.status, job.result_json, job.error = "done", json.dumps(result), None
        if order.status in orders.LAB_LOOP and covers(db, job):
            orders.move(
                db, None, order, "review", f"analysis job {job.id} done: {result['result']['result']}"
            )
        elif order.status in orders.LAB_LOOP:
            orders.move(db, None, order, "sequencing", f"analysis job {job.id} done, but the files changed")
    else:
        job.status, job.error = "failed", error
    audit.record(db, None, "update", "job", job.id, order.patient_id, detail=job.status)


def _heartbeat(factory: sessionmaker[Session], job_id: int, stop: threading.Event, every: float) -> None:
    while not stop.wait(every):
        try:
            with unit_of_work(factory) as db:
                db.execute(
                    update(Job).where(Job.id == job_id, Job.status == "running").values(heartbeat_at=utcnow())
                )
        except Exception:  # a missed beat is retried; STALE_AFTER spans several beats
            log.warning("heartbeat of job %s failed:\n%s", job_id, traceback.format_exc())


def execute(
    factory: sessionmaker[Session], job_id: int, runner: Runner, workdir: Path, timeout: float | None = None
) -> None:
    """Run one claimed job and store its result or its failure; with ``timeout`` (seconds) the analysis
    runs in a child process that is stopped at that wall time."""
    with unit_of_work(factory) as db:
        paths, sample_id, evidence, attempt, familial, release = _inputs(db, job_id)
    # only a relative's job passes the familial variant (a runner for probands needs no such argument);
    # a runner that interprets (``takes_kb_release``) is handed the active release read just now
    extra = {"familial_variant": familial} if familial else {}
    if getattr(runner, "takes_kb_release", False):
        extra["kb_release"] = release
    result, error = None, None
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(factory, job_id, stop, HEARTBEAT), daemon=True)
    beat.start()
    out = Path(workdir) / sample_id / f"job-{job_id}"
    try:
        if timeout is not None and job_process.picklable(runner):
            result = job_process.run(runner, paths, sample_id, out, evidence, timeout, extra)
        else:
            result = runner(paths, sample_id, out, evidence, **extra)
    except WhimscreenError as exc:
        error = str(exc).replace(str(Path(workdir)), "<analyses>")
    except Exception as exc:  # an unexpected failure is still stored and shown, never lost
        log.error("job %s failed:\n%s", job_id, traceback.format_exc())
        error = f"internal error ({type(exc).__name__}: {exc})"
    finally:
        stop.set()
        beat.join()
    with unit_of_work(factory) as db:
        _finish(db, job_id, attempt, result, error)


def run_once(
    factory: sessionmaker[Session], runner: Runner, workdir: Path, timeout: float | None = None
) -> int | None:
    with unit_of_work(factory) as db:
        requeue_stale(db)
    with unit_of_work(factory) as db:
        job_id = claim_next(db)
    if job_id is not None:
        execute(factory, job_id, runner, workdir, timeout)
    return job_id


class Worker(threading.Thread):
    """Polls the queue; ``stop()`` ends it after the current job."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        runner: Runner,
        workdir: Path,
        poll: float = 1.0,
        timeout: float | None = None,
        name: str = "whimscreen-jobs",
    ):
        super().__init__(name=name, daemon=True)
        self.factory, self.runner, self.workdir, self.poll = factory, runner, workdir, poll
        self.timeout = timeout
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                if run_once(self.factory, self.runner, self.workdir, self.timeout) is None:
                    self._halt.wait(self.poll)
            except Exception:  # keep polling: a database hiccup must not kill the worker
                log.error("job worker error:\n%s", traceback.format_exc())
                self._halt.wait(self.poll)

    def stop(self, timeout: float = 30) -> None:
        self._halt.set()
        self.join(timeout)


class WorkerPool:
    """``size`` workers (at least 2) sharing the queue; each analysis limited to ``timeout`` seconds."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        runner: Runner,
        workdir: Path,
        size: int = 2,
        timeout: float = 3600.0,
        poll: float = 1.0,
    ):
        self.workers = [
            Worker(factory, runner, workdir, poll, timeout, name=f"whimscreen-jobs-{n}")
            for n in range(max(2, size))
        ]

    def start(self) -> None:
        for w in self.workers:
            w.start()

    def stop(self, timeout: float = 30) -> None:
        for w in self.workers:
            w._halt.set()
        for w in self.workers:
            w.join(timeout)
