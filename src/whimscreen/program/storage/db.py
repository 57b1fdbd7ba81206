"""Engine and session factory for the settings' database URL (SQLite file by default, PostgreSQL by URL).

The engine's connection pool is sized by the caller (the web app: see ``docs/architecture.md``,
"Concurrency").  On SQLite every transaction starts with ``BEGIN IMMEDIATE``: nearly every request writes
(the audit log records views), and a deferred transaction that reads, then tries to write after another
writer committed fails at once with "database is locked" instead of waiting; taking the write lock at the
start makes SQLite transactions queue (busy timeout) and serialise, across processes too.

On PostgreSQL a pooled connection that sat idle for ``ping_after`` seconds is tested with a round trip before
it is handed out (a dead one is replaced); one in steady use is not: a ping on every checkout was a round
trip more per request, and under load every round trip waits for the GIL again.  A connection the server
closed under steady use fails that one statement, and the pool then replaces every connection it made before.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker


def normalize_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


PING_AFTER = 5.0  # seconds a pooled PostgreSQL connection may sit idle and be handed out untested


def make_engine(
    url: str,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_timeout: float = 30,
    ping_after: float = PING_AFTER,
) -> Engine:
    url = normalize_url(url)
    pool = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        else:
            pool = {}  # an in-memory database lives in one connection
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    engine = create_engine(url, **pool)
    _ping_when_idle(engine, ping_after)
    return engine


def _ping_when_idle(engine: Engine, after: float) -> None:
    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_conn, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _alive(dbapi_conn, record, _proxy) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < after:
            return  # just connected, or in steady use
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as error:  # the pool discards this connection and hands out a new one
            raise exc.DisconnectionError(f"idle connection lost: {error}") from error
        if not alive:
            raise exc.DisconnectionError("idle connection lost")


def _sqlite_begin_immediate(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # the driver emits no BEGIN of its own: _sqlite_begin_immediate does
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    db = factory()
    try:
        yield db
    except BaseException:
        end(db, commit=False)
        raise
    end(db, commit=True)


def end(db: Session, commit: bool) -> None:
    """End a unit of work: commit (rolled back if the commit fails) or roll back; then close the session."""
    try:
        if commit:
            db.commit()
        else:
            db.rollback()
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()
