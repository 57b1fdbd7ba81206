"""Fixtures for the portal: an app on SQLite or PostgreSQL, a user per role, clients logged in as each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from whimscreen.program import users
from whimscreen.program.storage.db import unit_of_work
from whimscreen.web.app import AppConfig, create_app

PASSWORD = "correct horse battery"
STAFF = {
    "physician": "doc@example.org",
    "physician2": "doc2@example.org",
    "technologist": "tech@example.org",
    "director": "director@example.org",
    "director2": "director2@example.org",
    "coordinator": "coord@example.org",
    "admin": "admin@example.org",
}


@dataclass
class Portal:
    app: object
    client: TestClient  # anonymous

    def login(self, who: str) -> TestClient:
        """A client logged in as a seeded role key (or an email), with its CSRF header set."""
        c = TestClient(self.app, base_url="https://testserver")
        r = c.post("/api/auth/login", json={"email": STAFF.get(who, who), "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return c

    def run_jobs(self) -> int:
        from whimscreen.program import jobs

        n = 0
        while jobs.run_once(self.app.state.sessions, self.app.state.runner, self.app.state.home / "analyses"):
            n += 1
        return n


def _seed(app) -> None:
    with unit_of_work(app.state.sessions) as db:
        for key, email in STAFF.items():
            role = key.rstrip("2")
            extra = (
                {"license_id": f"LIC-{key}", "institution": "Test Hospital"} if role == "physician" else {}
            )
            users.create_user(db, None, email, key.title(), PASSWORD, role, **extra)


def make_portal(tmp_path: Path, url: str, **config) -> tuple[Portal, TestClient]:
    home = tmp_path / "home"
    config = {"start_worker": False, "max_upload_bytes": 5_000_000} | config
    app = create_app(AppConfig(home=home, database_url=url, **config))
    client = TestClient(app, base_url="https://testserver")
    client.__enter__()  # lifespan: migrations
    _seed(app)
    return Portal(app, client), client


BOTH_DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def database_url(kind: str, tmp_path: Path) -> tuple[str, object]:
    """(URL, drop function or None) of a fresh database of this kind."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'portal.db'}", None
    from tests.web.postgres import fresh_database

    return fresh_database()


@pytest.fixture(params=BOTH_DATABASES)
def portal(request, tmp_path):
    url, drop = database_url(request.param, tmp_path)
    p, client = make_portal(tmp_path, url)
    yield p
    client.__exit__(None, None, None)
    p.app.state.engine.dispose()
    if drop:
        drop()


@pytest.fixture
def sqlite_portal(tmp_path):
    p, client = make_portal(tmp_path, f"sqlite:///{tmp_path / 'portal.db'}")
    yield p
    client.__exit__(None, None, None)
