"""Paired alignment in replaceable worker processes (mappy 2.31 leaks in paired mode): the same reads and
the same calls as in process, and a worker that fails, is killed or meets bad input ends the run with
one clean error, never a hang."""

import gzip
import json
import os
import signal

import pytest

from whimscreen.calling.pipeline import analyze_paths
from whimscreen.errors import AnalysisError, InputFileError
from whimscreen.sequencing import align, align_worker
from whimscreen.sequencing.fastq import read_pairs
from whimscreen.sequencing.simulate import amplicon_layout, random_truth, simulate


@pytest.fixture(scope="module")
def run(locus, tmp_path_factory):
    layout = amplicon_layout()
    truth = random_truth(locus, 10, seed=5, afs=(0.5, 1.0), avoid=layout.primers())
    return simulate(locus, truth, layout, 250, tmp_path_factory.mktemp("sim") / "s", seed=3)


@pytest.fixture
def workers(monkeypatch):
    """Tiny limits (the first 300 pairs in process, 500 per worker, chunks of 90, 2 in flight); records
    every worker started."""
    started = []

    class Counted(align_worker._Worker):
        def __init__(self, locus):
            super().__init__(locus)
            started.append(self)

    monkeypatch.setattr(align, "IN_PROCESS_PAIRS", 300)
    monkeypatch.setattr(align, "PAIRS_PER_WORKER", 500)
    monkeypatch.setattr(align_worker, "CHUNK_PAIRS", 90)
    monkeypatch.setattr(align_worker, "IN_FLIGHT", 2)
    monkeypatch.setattr(align_worker, "_Worker", Counted)
    return started


def _in_process(monkeypatch):
    monkeypatch.setattr(align, "IN_PROCESS_PAIRS", 10**9)


def test_reads_are_the_same_as_aligned_in_process(locus, run, workers, monkeypatch):
    pairs = run.n_fragments
    assert pairs > 2000
    through_workers = list(align.align_records(locus, read_pairs(*run.fastq)))
    assert len(workers) == -(-(pairs - 300) // 450)  # 500 rounded down to whole chunks of 90
    assert all(w.proc.returncode == 0 for w in workers)
    _in_process(monkeypatch)
    in_process = list(align.align_records(locus, read_pairs(*run.fastq)))
    assert len(workers) == -(-(pairs - 300) // 450)  # no worker for the in-process run
    assert through_workers == in_process  # every field: position, CIGAR, bases, qualities, MAPQ, mate...
    assert [r.fragment for r, _, _ in in_process][-1] == pairs - 1
    assert sum(r.mapq < 60 for r, _, _ in in_process) > 0  # MAPQ is not trivially the same everywhere


def test_the_analysis_is_the_same_as_in_process(locus, run, workers, monkeypatch, tmp_path):
    def analysed(out):
        a = analyze_paths(list(run.fastq), "S1", out, locus, primers=run.primers_bed)
        with gzip.open(out / "S1.vcf.gz", "rt") as fh:
            body = [ln for ln in fh if not ln.startswith("##")]
        doc = json.loads((out / "S1.json").read_text())
        return a, body, doc

    a1, vcf1, doc1 = analysed(tmp_path / "w")
    assert len(workers) >= 3
    _in_process(monkeypatch)
    a2, vcf2, doc2 = analysed(tmp_path / "p")
    assert len(a1.calls) >= 8
    assert a1 == a2
    assert vcf1 == vcf2
    for key in ("variants", "qc", "input_files"):
        assert doc1[key] == doc2[key]


def test_a_killed_worker_is_a_clean_error(locus, run, workers):
    reads = align.align_records(locus, read_pairs(*run.fastq))
    for read, _, _ in reads:
        if read.fragment == 400:  # aligned by the first worker
            break
    os.kill(workers[0].proc.pid, signal.SIGKILL)
    with pytest.raises(AnalysisError, match="alignment worker process was killed by signal 9"):
        list(reads)
    assert workers[0].proc.poll() is not None


def test_an_error_in_the_worker_is_one_line(locus, workers):
    good = ("r", locus.sequence[1000:1150], "I" * 150)
    bad = ("r", 12345, "I" * 150)
    pairs = [(good, good)] * 350 + [(bad, good)]
    message = "^alignment failed in the worker process: AttributeError: 'int'"
    with pytest.raises(AnalysisError, match=message) as err:
        list(align.align_records(locus, iter(pairs)))
    assert "\n" not in str(err.value)
    assert workers[0].proc.poll() is not None


def test_bad_input_while_a_worker_runs_stops_the_worker(locus, tmp_path, workers):
    seq = locus.sequence[2000:2150]
    rec = f"@r\n{seq}\n+\n{'I' * 150}\n"
    r1, r2 = tmp_path / "R1.fq", tmp_path / "R2.fq"
    r1.write_text(rec * 1000)
    r2.write_text(rec * 999)  # a truncated pair at the end
    with pytest.raises(InputFileError, match="truncated pair"):
        list(align.align_records(locus, read_pairs(r1, r2)))
    assert workers and all(w.proc.poll() is not None for w in workers)


def test_single_end_reads_stay_in_process(locus, workers):
    rec = ("r", locus.sequence[3000:3150], "I" * 150)
    reads = list(align.align_records(locus, iter([(rec, None)] * 1000)))
    assert len(reads) == 1000 and not workers
