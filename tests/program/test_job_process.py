"""Each analysis still runs in a process of its own (killed at its time limit, its memory given back), but
that process is forked from a server that imported the analysis once, instead of importing it again for
every job (~1.5 s of CPU each, taken from the portal's requests)."""

from __future__ import annotations

import os
import sys

import pytest

from whimscreen.program import job_process


def modules_at_start(paths, sample_id, out, phenotype) -> dict:
    return {"preloaded": "whimscreen.calling.pipeline" in sys.modules, "pid": os.getpid()}


def sleeps(paths, sample_id, out, phenotype) -> dict:
    import time

    time.sleep(60)
    return {}


def test_an_analysis_process_starts_with_the_analysis_imported(tmp_path):
    first = job_process.run(modules_at_start, [], "S1", tmp_path, [], timeout=120)
    second = job_process.run(modules_at_start, [], "S2", tmp_path, [], timeout=120)
    assert first["preloaded"] and second["preloaded"]
    assert len({first["pid"], second["pid"], os.getpid()}) == 3  # a process per job, never this one


def test_a_job_past_its_time_limit_is_stopped_and_the_next_runs(tmp_path):
    with pytest.raises(job_process.JobTimeout, match="wall-time limit of 1 s"):
        job_process.run(sleeps, [], "S1", tmp_path, [], timeout=1)
    assert job_process.run(modules_at_start, [], "S2", tmp_path, [], timeout=120)["preloaded"]
