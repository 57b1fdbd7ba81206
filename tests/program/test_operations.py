"""Issue 13 item 5: the first administrator from the command line, the first-run notice, backup and
restore (round trip with uploads and signed reports), and the demo on DATABASE_URL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, make_portal
from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
from whimscreen.program import backup
from whimscreen.web.app import AppConfig, create_app

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _cli(*args, home: Path, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ |= {"WHIMSCREEN_HOME": str(home), "PYTHONPATH": SRC} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "whimscreen", *args], input=stdin, capture_output=True, text=True, env=environ
    )


def test_create_first_admin_from_the_command_line(tmp_path):
    home = tmp_path / "home"
    args = ("admin", "create-user", "--email", "Root@Example.org", "--name", "Rosa Root", "--role", "admin")
    weak = _cli(*args, "--password-stdin", home=home, stdin="password1234\n")
    assert weak.returncode == 2 and weak.stderr.startswith("error: ") and "common" in weak.stderr
    made = _cli(*args, "--password-stdin", home=home, stdin="a long admin passphrase\n")
    assert made.returncode == 0, made.stderr
    db = sqlite3.connect(home / "whimscreen.db")
    assert db.execute("select email, role, status from users").fetchall() == [
        ("root@example.org", "admin", "active")
    ]
    again = _cli(*args, "--password-stdin", home=home, stdin="another long passphrase\n")
    assert again.returncode == 2 and "already has an account" in again.stderr
    app = create_app(
        AppConfig(home=home, database_url=f"sqlite:///{home / 'whimscreen.db'}", start_worker=False)
    )
    with TestClient(app, base_url="https://testserver") as c:
        r = c.post(
            "/api/auth/login", json={"email": "root@example.org", "password": "a long admin passphrase"}
        )
        assert r.status_code == 200 and r.json()["user"]["role"] == "admin"


def test_password_is_prompted_twice(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from whimscreen.cli import _register, app
    from whimscreen.settings import get_settings

    monkeypatch.setenv("WHIMSCREEN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    _register()
    args = ["admin", "create-user", "--email", "a@example.org", "--name", "A Admin"]
    runner = CliRunner()
    mismatch = runner.invoke(app, args, input="first long phrase\nsecond long phrase\n")
    assert mismatch.exit_code != 0 and "do not match" in mismatch.output
    made = runner.invoke(app, args, input="first long phrase\nfirst long phrase\n")
    assert made.exit_code == 0 and "created admin a@example.org" in made.output
    get_settings.cache_clear()


def test_serve_says_how_to_create_the_first_administrator(tmp_path, capsys):
    from whimscreen.cli.serve import _first_run
    from whimscreen.program.storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    _first_run(url)  # stdin is not a terminal under pytest: a message, no prompt
    assert "whimscreen admin create-user" in capsys.readouterr().out


def test_backup_and_restore_round_trip(tmp_path):
    portal, client = make_portal(tmp_path, f"sqlite:///{tmp_path / 'portal.db'}")
    doc, tech = portal.login("physician"), portal.login("technologist")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = accession_and_upload(tech, order["id"], tmp_path)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    portal.run_jobs()
    ok(portal.login("director").post(f"/api/orders/{order['id']}/signout", json={}), 201)
    report = doc.get(f"/api/orders/{order['id']}/report").content
    upload = ok(tech.get(f"/api/samples/{sample['id']}/review"))["uploads"][0]
    home = portal.app.state.home
    manifest = backup.backup(f"sqlite:///{tmp_path / 'portal.db'}", home, tmp_path / "bk")
    assert {"whimscreen.db", "secret_key"} <= {f["path"] for f in manifest["files"]}
    assert any(
        f["path"].startswith("uploads/") and f["sha256"] == upload["sha256"] for f in manifest["files"]
    )
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.backup(f"sqlite:///{tmp_path / 'portal.db'}", home, tmp_path / "bk")
    client.__exit__(None, None, None)
    portal.app.state.engine.dispose()

    # restore into another machine's data home and database file
    home2, url2 = tmp_path / "elsewhere", f"sqlite:///{tmp_path / 'elsewhere' / 'whimscreen.db'}"
    done = backup.restore(url2, home2, tmp_path / "bk")
    assert done["paths_rewritten"] == 1
    app = create_app(AppConfig(home=home2, database_url=url2, start_worker=False))
    with TestClient(app, base_url="https://testserver") as c:
        r = c.post("/api/auth/login", json={"email": "doc@example.org", "password": PASSWORD})
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        assert c.get(f"/api/orders/{order['id']}/report").content == report  # the signed PDF came back
    files = list((home2 / "uploads").rglob("*_calls.vcf"))
    assert len(files) == 1 and backup._sha256(files[0]) == upload["sha256"]
    stored = sqlite3.connect(home2 / "whimscreen.db").execute("select path from uploads").fetchone()[0]
    assert stored == str(files[0].resolve())

    # a damaged backup is refused before anything is touched
    next((tmp_path / "bk" / "uploads").rglob("*_calls.vcf")).write_text("tampered")
    before = sorted(p.name for p in home2.iterdir())
    with pytest.raises(backup.BackupError, match="differs from the manifest"):
        backup.restore(url2, home2, tmp_path / "bk")
    assert sorted(p.name for p in home2.iterdir()) == before


def test_cli_backup_and_restore(tmp_path):
    home = tmp_path / "home"
    assert (
        _cli(
            "admin",
            "create-user",
            "--email",
            "x@example.org",
            "--name",
            "X Y",
            "--password-stdin",
            home=home,
            stdin="one long passphrase\n",
        ).returncode
        == 0
    )
    made = _cli("backup", str(tmp_path / "bk"), home=home)
    assert made.returncode == 0 and "backup written" in made.stdout
    (home / "whimscreen.db").unlink()
    back = _cli("restore", str(tmp_path / "bk"), home=home)
    assert back.returncode == 0 and "previous data kept" in back.stdout
    assert sqlite3.connect(home / "whimscreen.db").execute("select email from users").fetchall() == [
        ("x@example.org",)
    ]
    refused = _cli("restore", str(tmp_path / "nothing"), home=home)
    assert (
        refused.returncode == 2
        and refused.stderr.startswith("error: ")
        and "not a WHIMscreen backup" in refused.stderr
    )


@pytest.mark.postgres
@pytest.mark.slow
def test_demo_seeds_into_database_url(tmp_path):
    from tests.web.postgres import fresh_database

    url, drop = fresh_database()
    try:
        out = _cli(
            "demo",
            "--no-serve",
            "--home",
            str(tmp_path / "demo"),
            home=tmp_path / "home",
            env={"DATABASE_URL": url},
        )
        assert out.returncode == 0, out.stderr
        assert "postgresql" in out.stdout and "physician@demo.whimscreen" in out.stdout
        assert not (tmp_path / "demo" / "demo.db").exists()
        from sqlalchemy import create_engine, text

        from whimscreen.program.storage.db import normalize_url

        engine = create_engine(normalize_url(url))
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from patients")).scalar() == 5
            assert conn.execute(text("select count(*) from signouts")).scalar() == 1
        engine.dispose()
    finally:
        drop()
