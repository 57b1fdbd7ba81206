"""Analysis jobs stored in the database, run by a pool of worker threads of the server.

Each worker claims a job and runs the analysis in a child process with a wall-time limit
(``job_process.py``), so a runaway file fails its own job and never blocks the queue; with several
workers (default 2) other jobs go on meanwhile.

A job is ``queued`` -> ``running`` -> ``done`` | ``failed`` (the reason stored).  The analysis itself runs
outside any transaction; claiming and finishing are short transactions.  On start the server re-queues
jobs a crash left ``running`` (``requeue_interrupted``), so a restart loses no job; a job interrupted
``MAX_ATTEMPTS`` times is failed with that reason instead of looping forever.
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from whimscreen.errors import WhimscreenError
from whimscreen.program import audit, job_process, orders, patients, uploads
from whimscreen.program.errors import InvalidState
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import Job, Sample, User, utcnow
from whimscreen.program.users import LAB, require_role

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
Runner = Callable[[list[Path], str, Path, list[str]], dict]  # paths, sample id, out dir, phenotype


def latest(db: Session, sample: Sample) -> Job | None:
    return db.scalar(select(Job).where(Job.sample_id == sample.id).order_by(Job.id.desc()).limit(1))


def enqueue(db: Session, actor: User, sample: Sample) -> Job:
    require_role(actor, *LAB)
    order, last = sample.order, latest(db, sample)
    if not uploads.for_sample(db, sample):
        raise InvalidState(f"sample {sample.accession} has no sequencing files")
    rerun = order.status == "analysis" and last is not None and last.status == "failed"
    if order.status != "sequencing" and not rerun:
        raise InvalidState(f"sample {sample.accession} ({order.status}) cannot be analysed now")
    job = Job(sample_id=sample.id, status="queued", requested_by=actor.id)
    db.add(job)
    db.flush()
    if order.status == "sequencing":
        orders.advance(db, actor, order, "analysis", f"analysis job {job.id} queued")
    audit.record(db, actor, "create", "job", job.id, order.patient_id, detail="analysis queued")
    return job


def requeue_interrupted(db: Session) -> list[int]:
    """Jobs left ``running`` by a stopped server go back to the queue (or fail after MAX_ATTEMPTS)."""
    ids = []
    for job in db.scalars(select(Job).where(Job.status == "running")):
        if job.attempts >= MAX_ATTEMPTS:
            job.status, job.finished_at = "failed", utcnow()
            job.error = f"interrupted {job.attempts} times (server stopped during the analysis)"
        else:
            job.status, job.started_at = "queued", None
            ids.append(job.id)
        audit.record(
            db, None, "update", "job", job.id, job.sample.order.patient_id, detail=f"restart: {job.status}"
        )
    return ids


def claim_next(db: Session) -> int | None:
    job_id = db.scalar(select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(1))
    if job_id is None:
        return None
    claimed = db.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="running", started_at=utcnow(), attempts=Job.attempts + 1)
    )
    return job_id if claimed.rowcount == 1 else None


def _inputs(db: Session, job_id: int) -> tuple[list[Path], str, list[str]]:
    job = db.get(Job, job_id)
    sample = job.sample
    paths = [Path(u.path) for u in uploads.for_sample(db, sample)]
    return paths, sample.accession, patients.eligibility(db, sample.order.patient).phenotype()


def _finish(db: Session, job_id: int, result: dict | None, error: str | None) -> None:
    job = db.get(Job, job_id)
    job.finished_at = utcnow()
    order = job.sample.order
    if error is None:
        job.status, job.result_json, job.error = "done", json.dumps(result), None
        orders.advance(db, None, order, "review", f"analysis job {job.id} done: {result['result']['result']}")
    else:
        job.status, job.error = "failed", error
    audit.record(db, None, "update", "job", job.id, order.patient_id, detail=job.status)


def execute(
    factory: sessionmaker[Session], job_id: int, runner: Runner, workdir: Path, timeout: float | None = None
) -> None:
    """Run one claimed job and store its result or its failure; with ``timeout`` (seconds) the analysis
    runs in a child process that is stopped at that wall time."""
    with unit_of_work(factory) as db:
        paths, sample_id, phenotype = _inputs(db, job_id)
    result, error = None, None
    out = Path(workdir) / sample_id / f"job-{job_id}"
    try:
        if timeout is not None and job_process.picklable(runner):
            result = job_process.run(runner, paths, sample_id, out, phenotype, timeout)
        else:
            result = runner(paths, sample_id, out, phenotype)
    except WhimscreenError as exc:
        error = str(exc).replace(str(Path(workdir)), "<analyses>")
    except Exception as exc:  # an unexpected failure is still stored and shown, never lost
        log.error("job %s failed:\n%s", job_id, traceback.format_exc())
        error = f"internal error ({type(exc).__name__}: {exc})"
    with unit_of_work(factory) as db:
        _finish(db, job_id, result, error)


def run_once(
    factory: sessionmaker[Session], runner: Runner, workdir: Path, timeout: float | None = None
) -> int | None:
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
