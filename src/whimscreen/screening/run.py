"""The cohort screen on Dask: ``screen(inputs, out, ctx, workers=, scheduler=)``.

Files go to the workers in batches (``cohort.file_batches``); a joint-called VCF found in a batch comes back
with its sample names and is then screened in batches of samples, each task reading the locus region once.
Results are recorded per batch in the resumable state and written, when every task has finished, as
``candidates.tsv``, ``summary.json`` and ``summary.html`` (all three or none).

Default engine: a ``LocalCluster`` of worker processes sized to the machine (one thread each: the readers
hold the GIL), forked from a server that has imported the screening code (``engine``).
``scheduler="tcp://HOST:PORT"`` joins an existing Dask cluster, whose workers must have whimscreen
installed and see the same paths.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whimscreen.errors import InputFileError
from whimscreen.screening import engine
from whimscreen.screening.cohort import ScreenContext, expand_inputs, file_batches, sample_batches
from whimscreen.screening.output import write_outputs
from whimscreen.screening.state import ScreenState, entry
from whimscreen.screening.worker_entry import screen_files, screen_joint

Progress = Callable[[int, int], None]  # (finished tasks, tasks known so far)


@dataclass
class Tally:
    results: list[dict] = field(default_factory=list)  # one per sample screened (or reused)
    failed: list[dict] = field(default_factory=list)
    files_screened: int = 0
    files_reused: int = 0
    joint_paths: set[str] = field(default_factory=set)


def screen(
    inputs: list[str],
    out: Path,
    ctx: ScreenContext | Callable[[], ScreenContext],
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> dict:
    """Screen the cohort; returns the summary (also written to ``out/summary.json``).  ``ctx`` may be a
    function making it: it is then called while the local cluster's workers start."""
    if scheduler is None:
        engine.start_worker_server()  # the workers' imports run while this process imports Dask
    from dask.distributed import as_completed

    started = time.monotonic()
    with engine.join(scheduler, workers) if scheduler else engine.start_local(workers) as connect:
        if callable(ctx):
            ctx = ctx()
        items = expand_inputs(inputs)
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        state = ScreenState(out, ctx.key)
        by_path = {i.path: i for i in items}
        batches = file_batches(items)
        tally = Tally()
        client = connect()
        _wait_for_workers(client, scheduler)
        ctx_f = client.scatter(ctx, broadcast=True, hash=False)
        done_f = client.scatter([frozenset(state.complete())], broadcast=True, hash=False)[0]
        futures = {client.submit(screen_files, b, ctx_f, done_f, pure=False): ("files", b) for b in batches}
        pending_joint: dict[str, int] = {}
        ac = as_completed(list(futures))
        for finished, fut in enumerate(ac, start=1):
            kind, payload = futures.pop(fut)
            try:
                value = fut.result()
            except Exception as exc:  # the worker died (e.g. a reader crashed on a corrupt file)
                value = _task_failure(kind, payload, exc)
            if kind == "files":
                to_record: list[dict] = []
                for e in value:
                    for new in _file_entry(e, by_path, to_record, tally, client, ctx_f, pending_joint, state):
                        futures[new[0]] = new[1]
                        ac.add(new[0])
                state.record_batch(to_record)
            else:
                _joint_entry(value, payload, state, tally, pending_joint)
            if progress:
                progress(finished, finished + len(futures))
        n_workers = len(client.scheduler_info()["workers"])
    state.sync()
    return write_outputs(out, tally, ctx, state, n_workers, time.monotonic() - started, len(items))


def _wait_for_workers(client, scheduler: str | None, seconds: int = 60) -> None:
    try:
        client.wait_for_workers(1, timeout=seconds)
    except TimeoutError as exc:
        raise InputFileError(f"no Dask worker joined the scheduler {scheduler} within {seconds} s") from exc


def _task_failure(kind: str, payload, exc: Exception):
    why = f"{type(exc).__name__}: {exc}"
    if kind == "files":
        return [
            {"status": "failed", "file": i.path, "error": f"{i.path}: the task failed ({why})"}
            for i in payload
        ]
    return {"status": "failed", "file": payload[0], "error": f"{payload[0]}: the task failed ({why})"}


def _file_entry(e, by_path, to_record: list, tally: Tally, client, ctx_f, pending_joint, state) -> list:
    """Tally one file's entry (a screened file's results go to ``to_record``, its batch's state line);
    returns the tasks of a joint VCF's sample batches."""
    status = e["status"]
    if status == "failed":
        tally.failed.append({"file": e["file"], "error": e["error"]})
    elif status == "done":
        to_record.append(entry(e["sha256"], e["samples"], joint=False, complete=True))
        tally.results += e["samples"]
        tally.files_screened += 1
    elif status == "cached":
        item = by_path[e["file"]]
        for r in state.samples_of(e["sha256"]).values():
            tally.results.append(r | {"file": e["file"], "sample": item.sample or r["sample"]})
        tally.files_reused += 1
    elif status == "joint":
        sha, path = e["sha256"], e["file"]
        tally.joint_paths.add(path)
        known = state.samples_of(sha)
        tally.results += [known[s] | {"file": path} for s in e["samples"] if s in known]
        todo = [s for s in e["samples"] if s not in known]
        batches = sample_batches(todo)
        pending_joint[sha] = len(batches)
        if not batches:
            to_record.append(entry(sha, [], joint=True, complete=True))
        return [
            (
                client.submit(screen_joint, path, sha, b, e["build"], ctx_f, pure=False),
                ("joint", (path, sha, b)),
            )
            for b in batches
        ]
    return []


def _joint_entry(value: dict, payload, state: ScreenState, tally: Tally, pending_joint) -> None:
    path, sha, _batch = payload
    if value["status"] == "failed":
        tally.failed.append({"file": path, "error": value["error"]})
        return
    state.record(sha, value["samples"], joint=True, complete=False)
    tally.results += value["samples"]
    pending_joint[sha] -= 1
    if pending_joint[sha] == 0:
        state.mark_complete(sha)
