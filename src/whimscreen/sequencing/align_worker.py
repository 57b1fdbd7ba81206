"""Paired alignment in a child process replaced every ``PAIRS_PER_WORKER`` pairs.

mappy 2.31 keeps a copy of mate 2 for every pair aligned in paired mode and never frees it (python/cmappy.h
``mm_map_aux``, about 160 bytes a pair; docs/validation-mappy-leak.md).  The only way to get that memory
back without changing a result is to end the process that holds it: past the first pairs (aligned in the
caller's process, ``align.IN_PROCESS_PAIRS``) pairs go in chunks to a worker process, and after
``PAIRS_PER_WORKER`` pairs that worker is ended and a fresh one started.  The worker makes the same mappy
call with the same aligner (``align.primary_hits``) and the parent makes the reads from its hits with the
same code as in process (``align.placed_reads``), numbering fragments in input order, so the reads handed
to the caller are the same.

Parent and worker talk over the worker's stdin/stdout with pickle frames (a plain ``subprocess``, so it
works from daemonic processes too, where ``multiprocessing`` may not start children).  At most
``IN_FLIGHT`` chunks are out at once (memory bounded); a thread reads the answers so neither side can
block the other.  A worker that fails, is killed or ends early becomes an ``AnalysisError``, never a hang.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import mappy

from whimscreen.errors import AnalysisError

CHUNK_PAIRS = 2_000  # pairs sent to the worker at a time
IN_FLIGHT = 3  # chunks out at once (sent, answer not yet taken)
_EOF = object()


class _Worker:
    """One worker process aligning to ``locus``: chunks of bases in, their primary hits out, in order."""

    def __init__(self, locus):
        import whimscreen

        env = dict(os.environ)
        src = str(Path(whimscreen.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "whimscreen.sequencing.align_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                env=env,
            )
        except OSError as exc:
            self.stderr.close()
            raise AnalysisError(f"cannot start the alignment worker process: {exc}") from exc
        self.answers: queue.Queue = queue.Queue()  # never more than IN_FLIGHT + 1 items (see send)
        self.reader = threading.Thread(target=self._read, daemon=True, name="whimscreen-align-reader")
        self.reader.start()
        self.out = 0
        self._send(locus)

    def _read(self) -> None:
        try:
            while True:
                self.answers.put(pickle.load(self.proc.stdout))
        except Exception:  # EOF, or a frame cut short by a dying worker
            self.answers.put(_EOF)

    def _send(self, message) -> None:
        try:
            pickle.dump(message, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass  # the worker is gone: its answers end with _EOF, which ``receive`` reports

    def send(self, seqs: list) -> None:
        self._send(seqs)
        self.out += 1

    def receive(self) -> list:
        answer = self.answers.get()
        if answer is _EOF:
            raise AnalysisError(self._failure())
        if isinstance(answer, str):  # the worker's own error, one line
            raise AnalysisError(f"alignment failed in the worker process: {answer}")
        self.out -= 1
        return answer

    def _failure(self) -> str:
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        self.stderr.seek(0)
        lines = self.stderr.read().decode("utf-8", "replace").strip().splitlines()
        why = f" ({lines[-1].strip()})" if lines else ""
        if code is not None and code < 0:
            how = f"was killed by signal {-code}"
        else:
            how = f"ended unexpectedly (exit code {code})"
        return f"the alignment worker process {how}{why}; the analysis was stopped"

    def finish(self) -> None:
        """The worker's end, once every answer is in."""
        try:
            code = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            code = None
        if code != 0:
            raise AnalysisError(self._failure())

    def close_input(self) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self.proc.stdin.close()

    def stop(self) -> None:
        self.close_input()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.reader.join(timeout=10)
        self.proc.stdout.close()
        self.stderr.close()


def align_in_workers(
    locus, pairs: Iterator, start: int, per_worker: int, chunk: int | None = None
) -> Iterator[tuple]:
    """``align.align_pair`` of every pair of ``pairs`` (fragments numbered from ``start``), the mappy
    part in worker processes each given at most ``per_worker`` pairs; yields in input order.  Only the
    bases go to the worker and only the primary hits come back (``align.primary_hits``); the reads are
    made here from the records of the chunks in flight (``align.placed_reads``)."""
    from whimscreen.sequencing.align import placed_reads

    chunk = chunk or CHUNK_PAIRS
    per_worker = max(per_worker, chunk)
    it = iter(pairs)
    batch = list(islice(it, chunk))
    pending: deque = deque()  # (first fragment, records) of each chunk in flight

    def answer(worker):
        first, records = pending.popleft()
        for n, ((r1, r2), hits) in enumerate(zip(records, worker.receive(), strict=True), first):
            yield from placed_reads(hits, r1, r2, n)

    while batch:
        worker = _Worker(locus)
        try:
            given = 0
            while batch and given + len(batch) <= per_worker:
                if worker.out >= IN_FLIGHT:
                    yield from answer(worker)
                worker.send([(r1[1], r2[1] if r2 else None) for r1, r2 in batch])
                pending.append((start, batch))
                start, given = start + len(batch), given + len(batch)
                batch = list(islice(it, chunk))
            worker.close_input()
            while pending:
                yield from answer(worker)
            worker.finish()
        finally:
            worker.stop()


def _serve() -> None:
    """The worker: the locus, then chunks of (bases of mate 1, of mate 2) until stdin closes; answers each
    chunk with the primary hits of its pairs."""
    from whimscreen.sequencing.align import aligner, primary_hits

    inp = sys.stdin.buffer
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to stderr, never into the frames
    # the next chunks are read while this one is aligned (mappy frees the GIL), so that the parent's
    # sending never waits for an alignment to end; the parent keeps at most IN_FLIGHT chunks out
    chunks: queue.Queue = queue.Queue()

    def read() -> None:
        try:
            while True:
                chunks.put(pickle.load(inp))
        except EOFError:
            chunks.put(_EOF)
        except Exception as exc:  # a frame cut short: reported like any failure of the worker
            chunks.put(exc)

    try:
        al = aligner(pickle.load(inp))
        buf = mappy.ThreadBuffer()
        threading.Thread(target=read, daemon=True, name="whimscreen-align-input").start()
        while True:
            seqs = chunks.get()
            if seqs is _EOF:
                break
            if isinstance(seqs, Exception):
                raise seqs
            hits = [primary_hits(al, buf, s1, s2) for s1, s2 in seqs]
            pickle.dump(hits, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
    except Exception as exc:  # one line back to the parent
        pickle.dump(f"{type(exc).__name__}: {exc}".splitlines()[0][:500], out)
        out.flush()
    out.close()


if __name__ == "__main__":
    _serve()
