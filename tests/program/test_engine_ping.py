"""A pooled PostgreSQL connection that sat idle is tested before it is handed out, so one the server closed
meanwhile (a restart, an idle timeout) is replaced instead of failing the request; one in steady use is
handed out without a round trip (the control case shows the closed connection would have failed)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, exc

from tests.web.postgres import fresh_database
from whimscreen.program.storage.db import make_engine

pytestmark = pytest.mark.postgres


def _backend(engine) -> int:
    with engine.connect() as c:
        return c.exec_driver_sql("SELECT pg_backend_pid()").scalar()


@pytest.mark.parametrize("ping_after, replaced", [(0.0, True), (3600.0, False)])
def test_an_idle_connection_closed_by_the_server_is_replaced_before_use(ping_after, replaced):
    url, drop = fresh_database()
    engine = make_engine(url, pool_size=1, max_overflow=0, ping_after=ping_after)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        pid = _backend(engine)  # the pool's one connection, now idle in the pool
        with admin.connect() as c:
            c.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
            while c.exec_driver_sql(f"SELECT count(*) FROM pg_stat_activity WHERE pid = {pid}").scalar():
                time.sleep(0.05)
        if replaced:
            assert _backend(engine) != pid
        else:
            with pytest.raises(exc.OperationalError):
                _backend(engine)
            assert _backend(engine) != pid  # the pool replaced it after that one failure
    finally:
        engine.dispose()
        admin.dispose()
        drop()


def test_a_connection_in_steady_use_is_handed_out_without_a_ping(monkeypatch):
    url, drop = fresh_database()
    steady = make_engine(url, pool_size=1, max_overflow=0)  # reused within PING_AFTER seconds
    idle = make_engine(url, pool_size=1, max_overflow=0, ping_after=0.0)  # always idle "long enough"
    pings = []
    try:
        for engine in (steady, idle):
            real = engine.dialect.do_ping
            monkeypatch.setattr(
                engine.dialect, "do_ping", lambda conn, e=engine, real=real: [pings.append(e), real(conn)][1]
            )
            for _ in range(3):
                _backend(engine)
        assert pings == [idle, idle]  # a new connection is not pinged; a reused idle one is, each time
    finally:
        steady.dispose()
        idle.dispose()
        drop()
