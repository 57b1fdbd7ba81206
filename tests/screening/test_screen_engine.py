"""The local cluster of a screen: one-thread worker processes forked from the fork server, without Dask's
stack-sampling profiler (a screen has no dashboard to show it)."""

from __future__ import annotations

from whimscreen.screening import engine


def _worker_setup(dask_worker) -> dict:
    return {"callbacks": sorted(dask_worker.periodic_callbacks), "threads": dask_worker.state.nthreads}


def test_local_workers_run_without_the_profiler():
    with engine.local_cluster(1) as client:
        [setup] = client.run(_worker_setup).values()
    assert setup["threads"] == 1
    assert "heartbeat" in setup["callbacks"]  # the worker's own periodic callbacks are listed
    assert not [c for c in setup["callbacks"] if c.startswith("profile")]
