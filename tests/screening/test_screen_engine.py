"""The local cluster of a screen: one-thread worker processes forked from the fork server, without the
diagnostics that only feed Dask's dashboard (a screen has none): no stack-sampling profiler, the event
loop's responsiveness checked every second, the machine's use recorded every 2 s without disk counters."""

from __future__ import annotations

from whimscreen.screening import engine


def _worker_setup(dask_worker) -> dict:
    return {
        "callbacks": sorted(dask_worker.periodic_callbacks),
        "threads": dask_worker.state.nthreads,
        "tick": dask_worker._tick_interval,
        "monitor": dask_worker.periodic_callbacks["monitor"].callback_time,
        "disk": "disk_read" in dask_worker.monitor.quantities,
    }


def test_local_workers_run_without_the_dashboards_diagnostics():
    with engine.local_cluster(1) as client:
        [setup] = client.run(_worker_setup).values()
        scheduler_tick = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler._tick_interval)
    assert setup["threads"] == 1
    assert "heartbeat" in setup["callbacks"] and "memory_monitor" in setup["callbacks"]  # these run
    assert not [c for c in setup["callbacks"] if c.startswith("profile")]
    assert setup["tick"] == scheduler_tick == 1.0
    assert setup["monitor"] == 2000 and setup["disk"] is False


def test_leaving_the_cluster_returns_at_once_and_its_workers_stop_in_the_background():
    import os
    from pathlib import Path

    engine.wait_closed()  # (an earlier test's cluster)
    with engine.local_cluster(1) as client:
        [pid] = client.run(os.getpid).values()
    closing = [t for t in engine._CLOSING if t.name == "closing the local Dask cluster"]
    assert len(closing) == 1 and not closing[0].daemon  # the interpreter waits for it at exit
    engine.wait_closed()
    assert not engine._CLOSING and not closing[0].is_alive()
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def _starting() -> list:
    import threading

    return [t for t in threading.enumerate() if t.name.startswith("starting the local Dask cluster")]


def test_the_caller_prepares_its_work_while_the_workers_start():
    import pytest

    engine.wait_closed()
    with engine.start_local(1) as connect:
        assert [t.is_alive() for t in _starting()] == [True]  # control is back before the cluster is up
        client = connect()
        assert client.submit(sum, [1, 2]).result() == 3
    with pytest.raises(ValueError, match="a mistake"), engine.start_local(1):
        raise ValueError("a mistake in the preparation")  # before connecting: the cluster still closes
    closing = list(engine._CLOSING)
    engine.wait_closed()
    assert closing and not any(t.is_alive() for t in closing)
