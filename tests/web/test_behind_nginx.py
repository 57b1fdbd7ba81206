"""The documented way to run several server processes: deploy/nginx.conf (least_conn) in front of two
portal servers on one database (separate app instances with their own database pools, each served by its
own uvicorn server in this test process, standing for two processes).  A session opened through nginx is
good on either server, requests reach both, and the client address the portal records is the one nginx
saw, never a header the client sent.  Needs the ``nginx`` binary (scripts/setup.sh --test); under CI=true
its absence is a failure."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.conftest import IN_CI
from tests.web.conftest import PASSWORD, STAFF, make_portal
from tests.web.live import _free_port, serve
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import AuditEntry
from whimscreen.web.app import AppConfig, create_app

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from portal_load import nginx_binary, nginx_conf  # noqa: E402  (the benchmark fills in the same file)


def _nginx() -> str:
    found = nginx_binary()
    if found is None:
        if IN_CI:
            pytest.fail("nginx is required under CI=true (scripts/setup.sh --test installs nginx-light)")
        pytest.skip("nginx is not installed")
    return found


def _counted(app, name: str, seen: Counter):
    """``app`` as an ASGI callable that counts the HTTP requests it answers under ``name``."""

    async def counted(scope, receive, send):
        if scope["type"] == "http":
            seen[name] += 1
        await app(scope, receive, send)

    counted.state = app.state
    return counted


def test_two_processes_behind_nginx_share_sessions_and_record_the_real_client(tmp_path):
    nginx = _nginx()
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    trusted = {"trusted_proxies": ("127.0.0.1",)}
    first, client = make_portal(tmp_path, url, **trusted)  # seeds the staff; migrations done
    second = create_app(AppConfig(home=tmp_path / "home", database_url=url, start_worker=False, **trusted))
    seen: Counter = Counter()
    with (
        serve(_counted(first.app, "first", seen)) as a,
        serve(_counted(second, "second", seen)) as b,
    ):
        home, port = tmp_path / "nginx", _free_port()
        home.mkdir()
        conf = home / "nginx.conf"
        conf.write_text(
            nginx_conf(home, f"127.0.0.1:{port}", [a.removeprefix("http://"), b.removeprefix("http://")])
        )
        checked = subprocess.run(
            [nginx, "-t", "-c", str(conf), "-p", str(home)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        proxy = subprocess.Popen([nginx, "-c", str(conf), "-p", str(home)], stderr=subprocess.PIPE)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 20
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert proxy.poll() is None and time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
            seen.clear()

            # a failed login that claims another address: the audit names the address nginx saw
            spoofed = httpx.post(
                f"{base}/api/auth/login",
                json={"email": STAFF["physician"], "password": "wrong password!"},
                headers={"X-Forwarded-For": "203.0.113.9"},
            )
            assert spoofed.status_code == 401

            with httpx.Client(base_url=base, timeout=20) as c:
                r = c.post("/api/auth/login", json={"email": STAFF["physician"], "password": PASSWORD})
                assert r.status_code == 200, r.text
                c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
                answers = [c.get("/api/auth/me") for _ in range(12)]
                assert {x.status_code for x in answers} == {200}
                assert {x.json()["email"] for x in answers} == {STAFF["physician"]}
                made = c.post(
                    "/api/patients", json={"name": "Via Proxy", "birth_date": "2001-02-03", "sex": "male"}
                )
                assert made.status_code == 201, made.text
        finally:
            proxy.terminate()
            proxy.wait(10)
    assert seen["first"] > 0 and seen["second"] > 0, seen  # least_conn used both processes
    with unit_of_work(first.app.state.sessions) as db:
        failed = db.scalars(select(AuditEntry.detail).where(AuditEntry.action == "login_failed")).all()
    assert failed == ["from 127.0.0.1"], failed
    client.__exit__(None, None, None)
    first.app.state.engine.dispose()
    second.state.engine.dispose()
