"""The Alembic migrations build exactly the models' schema (partial unique indexes included), on SQLite and
PostgreSQL, and migration 0002 refuses a database whose patients already have several open orders."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.web.conftest import BOTH_DATABASES, database_url
from whimscreen.program.storage.db import make_engine
from whimscreen.program.storage.migrate import alembic_config, upgrade
from whimscreen.program.storage.models import Base


@pytest.fixture(params=BOTH_DATABASES)
def url(request, tmp_path):
    url, drop = database_url(request.param, tmp_path)
    yield url
    if drop:
        drop()


def _indexes(engine) -> dict:
    insp = sa.inspect(engine)
    return {i["name"]: i for t in ("orders", "jobs") for i in insp.get_indexes(t)}


def test_migrations_match_the_models(url):
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    found = _indexes(engine)
    assert (
        found["uq_orders_one_open_per_patient"]["unique"] and found["uq_jobs_one_active_per_sample"]["unique"]
    )
    command.downgrade(alembic_config(url), "0001")
    assert "uq_orders_one_open_per_patient" not in _indexes(engine)
    upgrade(url)
    engine.dispose()


def test_0002_refuses_duplicate_open_orders(url):
    upgrade(url, "0001")
    engine = make_engine(url)
    with engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO users (id, email, name, password_hash, role, status, created_at) "
                "VALUES (1, 'd@x', 'D', 'h', 'physician', 'active', CURRENT_TIMESTAMP)"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO patients (id, physician_id, name, birth_date, sex, created_at) "
                "VALUES (7, 1, 'P', '2000-01-01', 'male', CURRENT_TIMESTAMP)"
            )
        )
        c.execute(
            sa.text(
                "INSERT INTO consents (id, patient_id, consent_version, given_by, "
                "relationship_to_patient, consented_on, recorded_by, recorded_at) "
                "VALUES (1, 7, 'v', 'P', 'self', '2020-01-01', 1, CURRENT_TIMESTAMP)"
            )
        )
        for oid in (1, 2):
            c.execute(
                sa.text(
                    "INSERT INTO orders (id, patient_id, physician_id, consent_id, status, "
                    f"eligibility, created_at) VALUES ({oid}, 7, 1, 1, 'ordered', 'eligible', "
                    "CURRENT_TIMESTAMP)"
                )
            )
    engine.dispose()
    with pytest.raises(RuntimeError, match="patients 7 have several open orders"):
        upgrade(url)
