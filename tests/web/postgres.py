"""A PostgreSQL database for tests: DATABASE_URL if it names one, else the local Debian cluster (started if
needed) with a test role.  Under CI=true a missing PostgreSQL is a failure; elsewhere tests are skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
ROLE, PASSWORD = "whimscreen_test", "whimscreen_test_pw"


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


def _psql(sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["su", "postgres", "-c", f'psql -v ON_ERROR_STOP=1 -qc "{sql}"'],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _local_server_url() -> str:
    if shutil.which("pg_ctlcluster") is None:
        _unavailable("pg_ctlcluster not found (apt-get install postgresql)")
    status = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True)
    if "online" not in status.stdout:
        started = subprocess.run(["pg_ctlcluster", "15", "main", "start"], capture_output=True, text=True)
        if started.returncode != 0:
            _unavailable(f"pg_ctlcluster 15 main start failed: {started.stderr.strip()}")
    exists = _psql(f"SELECT 1 FROM pg_roles WHERE rolname='{ROLE}'")
    if exists.returncode != 0:
        _unavailable(f"psql as postgres failed: {exists.stderr.strip()}")
    _psql(f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'")
    return f"postgresql+psycopg://{ROLE}:{PASSWORD}@127.0.0.1:5432/postgres"


def fresh_database() -> tuple[str, callable]:
    """(URL of a new empty database, drop function)."""
    import sqlalchemy as sa

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgresql", "postgres:")):
        base = _local_server_url()
    from whimscreen.program.storage.db import normalize_url

    base = normalize_url(base)
    name = f"whim_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # connection refused, no permission...
        _unavailable(str(exc).splitlines()[0])
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        """Drop the test database; a backend this role may not end (an autovacuum worker started on the new
        database) makes FORCE fail for a moment, so it is tried again; cleanup never fails a test."""
        import time
        import warnings

        try:
            for attempt in range(20):
                try:
                    with admin.connect() as conn:
                        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    return
                except (sa.exc.ProgrammingError, sa.exc.OperationalError) as exc:
                    if attempt == 19:
                        warnings.warn(f"test database {name} left behind: {exc}", stacklevel=2)
                    time.sleep(0.5)
        finally:
            admin.dispose()

    return url, drop
