"""Issue 13 item 6: redirects, throttling, proxies, password policy, headers, registration, audit."""

from __future__ import annotations

import concurrent.futures
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, make_portal
from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
from whimscreen.program import users
from whimscreen.program.password_policy import problem
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import WebSession, utcnow

DOC = "doc@example.org"


def _login_form(portal, client, next_: str):
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(
        "/login",
        data={"email": DOC, "password": PASSWORD, "next": next_, "csrf_token": token},
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    "target",
    ["/\\evil.example/phish", "//evil", "http://evil", "https://evil.example/x", "/\t/evil", "javascript:x"],
)
def test_next_never_leaves_the_site(sqlite_portal, target):
    client = TestClient(sqlite_portal.app, base_url="https://testserver")
    r = _login_form(sqlite_portal, client, target)
    assert r.status_code == 303 and r.headers["location"] == "/patients", r.headers["location"]


def test_next_percent_encoded_backslash_from_the_query(sqlite_portal):
    client = TestClient(sqlite_portal.app, base_url="https://testserver")
    page = client.get("/login?next=/%5Cevil.example/phish")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    carried = page.text.split('name="next" value="')[1].split('"')[0]
    r = client.post(
        "/login",
        data={"email": DOC, "password": PASSWORD, "next": carried, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/patients"
    assert _login_form(sqlite_portal, client, "/patients/1#x").headers["location"] == "/patients/1#x"


def _attempt(app, password, address="10.0.0.1", email=DOC):
    client = TestClient(app, base_url="https://testserver", client=(address, 1234))
    return client.post("/api/auth/login", json={"email": email, "password": password}).status_code


def test_back_off_only_for_the_offending_address(sqlite_portal):
    app = sqlite_portal.app
    assert [_attempt(app, "wrong password!") for _ in range(5)] == [401] * 5
    assert _attempt(app, "wrong password!") == 429  # the attacker's address waits now
    assert _attempt(app, PASSWORD) == 429  # ... even with the right password
    assert _attempt(app, PASSWORD, address="10.0.0.2") == 200  # the owner elsewhere is not locked out
    with unit_of_work(app.state.sessions) as db:  # the wait doubles with each further failure
        from whimscreen.program import throttle

        assert throttle.PAIR.wait_after(5) == timedelta(seconds=30)
        assert throttle.PAIR.wait_after(7) == timedelta(seconds=120)
        assert throttle.PAIR.wait_after(40) == timedelta(minutes=15)
        assert throttle.pending_wait(db, DOC, "10.0.0.1") > utcnow()


def test_parallel_wrong_logins_get_only_the_allowed_checks(portal, monkeypatch):
    checks = []
    real = users.verify_password

    def counting(hashed, password):
        checks.append(password)
        return real(hashed, password)

    monkeypatch.setattr(users, "verify_password", counting)
    app = portal.app
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(lambda _: _attempt(app, "wrong password!"), range(50)))
    assert codes.count(401) == len(checks) == 5, (codes, len(checks))
    assert codes.count(429) == 45


def test_forwarded_for_is_honoured_only_from_configured_proxies(tmp_path):
    portal, client = make_portal(tmp_path, f"sqlite:///{tmp_path / 'p.db'}", trusted_proxies=("10.9.9.9",))
    app = portal.app

    def via(peer, forwarded):
        c = TestClient(app, base_url="https://testserver", client=(peer, 1))
        return c.post(
            "/api/auth/login",
            json={"email": DOC, "password": "wrong password!"},
            headers={"X-Forwarded-For": forwarded},
        ).status_code

    # an untrusted peer cannot rotate its address by header: its 6th attempt waits
    assert [via("10.0.0.5", f"192.0.2.{n}") for n in range(6)] == [401] * 5 + [429]
    # the trusted proxy's header names the real client: each client has its own counter
    assert [via("10.9.9.9", f"198.51.100.{n}") for n in range(6)] == [401] * 6
    client.__exit__(None, None, None)


@pytest.mark.parametrize(
    "password, ok_",
    [
        ("1234567890", False),
        ("password12", False),
        ("password1234", False),
        ("Summer2026!!", False),
        ("qwertyuiop12", False),
        ("aaaaaaaaaaaa", False),
        ("123456789012", False),
        ("doc-example-2026", False),  # built on the email
        ("correct horse battery", True),
        ("Tr0ub4dor&3xyz", True),
        ("pässwörd ist lang genug", True),  # no composition rules
    ],
)
def test_password_policy(password, ok_):
    assert (problem(password, ("doc@example.org", "Doc Example")) is None) == ok_


def test_weak_password_refused_at_registration(sqlite_portal):
    r = sqlite_portal.client.post(
        "/api/auth/register",
        json={
            "email": "a@b.org",
            "name": "A B",
            "password": "password12",
            "license_id": "x",
            "institution": "y",
        },
    )
    assert r.status_code == 422 and "at least 12" in r.text


def test_registration_does_not_reveal_existing_emails(sqlite_portal):
    def register(email):
        return sqlite_portal.client.post(
            "/api/auth/register",
            json={
                "email": email,
                "name": "Dr X",
                "password": PASSWORD,
                "license_id": "L",
                "institution": "I",
            },
        )

    taken, new = register(DOC), register("fresh@example.org")
    assert (taken.status_code, taken.json()) == (new.status_code, new.json())
    emails = [u["email"] for u in ok(sqlite_portal.login("admin").get("/api/admin/users"))]
    assert emails.count(DOC) == 1 and "fresh@example.org" in emails


def test_security_headers_and_no_store(sqlite_portal, tmp_path):
    doc = sqlite_portal.login("physician")
    pid = eligible_patient(doc)
    for r in (
        doc.get(f"/patients/{pid}"),
        doc.get(f"/api/patients/{pid}"),
        sqlite_portal.client.get("/login"),
    ):
        h = r.headers
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert "script-src 'self'" in h["content-security-policy"]
        assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
        assert h["referrer-policy"] == "same-origin"
        assert h["cache-control"] == "no-store"
        assert h["strict-transport-security"].startswith("max-age=")  # the test client speaks https
    plain = TestClient(sqlite_portal.app, base_url="http://testserver").get("/login")
    assert "strict-transport-security" not in plain.headers
    assert "no-store" not in sqlite_portal.client.get("/static/style.css").headers.get("cache-control", "")


def test_logins_and_denials_are_audited_and_audit_is_paged(sqlite_portal, tmp_path):
    _attempt(sqlite_portal.app, "wrong password!")
    doc = sqlite_portal.login("physician")
    assert doc.get("/api/admin/users").status_code == 403
    assert sqlite_portal.client.get("/api/patients").status_code == 401
    admin = sqlite_portal.login("admin")
    entries = ok(admin.get("/api/admin/audit?limit=500"))
    actions = [(e["action"], e["user_name"]) for e in entries]
    assert ("login_failed", None) in actions and ("login", "Physician") in actions
    denials = [e for e in entries if e["action"] == "deny"]
    assert any(e["user_name"] == "Physician" and "403 GET /api/admin/users" in e["detail"] for e in denials)
    assert any(e["user_name"] is None and "401 GET /api/patients" in e["detail"] for e in denials)
    # paging by cursor: three pages of 2 are disjoint, newest first, and continue each other
    pages, before = [], None
    for _ in range(3):
        page = ok(
            admin.get("/api/admin/audit", params={"limit": 2, **({"before": before} if before else {})})
        )
        pages += page
        before = page[-1]["id"]
    ids = [e["id"] for e in pages]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 6
    assert ids == [e["id"] for e in entries[:6]]
    assert "Older entries" in admin.get("/admin/audit").text or len(entries) < 100


def test_upload_audit_has_no_file_name(sqlite_portal, tmp_path):
    doc, tech = sqlite_portal.login("physician"), sqlite_portal.login("technologist")
    order = consent_and_order(doc, eligible_patient(doc))
    accession_and_upload(tech, order["id"], tmp_path)  # uploads "calls.vcf"
    entries = ok(sqlite_portal.login("admin").get("/api/admin/audit?limit=500"))
    upload = next(e for e in entries if e["entity"] == "upload")
    assert "calls" not in upload["detail"] and "sha256 " in upload["detail"]
    order_view = ok(doc.get(f"/api/orders/{order['id']}"))
    assert not any("calls" in (e["note"] or "") for e in order_view["events"])


def test_password_change_reset_and_deactivation(sqlite_portal):
    doc, other_session = sqlite_portal.login("physician"), sqlite_portal.login("physician")
    r = doc.post("/api/auth/password", json={"current_password": "nope", "new_password": "a new long phrase"})
    assert r.status_code == 403
    r = doc.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "password1234"})
    assert r.status_code == 422
    ok(
        doc.post(
            "/api/auth/password", json={"current_password": PASSWORD, "new_password": "a new long phrase"}
        )
    )
    assert ok(doc.get("/api/auth/me"))["email"] == DOC  # this session stays
    assert other_session.get("/api/auth/me").status_code == 401  # the others end
    assert _attempt(sqlite_portal.app, PASSWORD, address="10.1.1.1") == 401

    admin = sqlite_portal.login("admin")
    uid = ok(doc.get("/api/auth/me"))["id"]
    ok(admin.post(f"/api/admin/users/{uid}/password", json={"password": "reset by the admin"}))
    assert doc.get("/api/auth/me").status_code == 401  # a reset logs the user out
    c = TestClient(sqlite_portal.app, base_url="https://testserver")
    assert c.post("/api/auth/login", json={"email": DOC, "password": "reset by the admin"}).status_code == 200

    ok(admin.post(f"/api/admin/users/{uid}/deactivate"))
    assert c.get("/api/auth/me").status_code == 401  # sessions ended
    r = c.post("/api/auth/login", json={"email": DOC, "password": "reset by the admin"})
    assert r.status_code == 403 and "not active" in r.text
    me = ok(admin.get("/api/auth/me"))["id"]
    assert admin.post(f"/api/admin/users/{me}/deactivate").status_code == 422  # not oneself
    ok(admin.post(f"/api/admin/users/{uid}/reactivate"))  # the way back
    assert c.post("/api/auth/login", json={"email": DOC, "password": "reset by the admin"}).status_code == 200
    actions = {e["action"] for e in ok(admin.get("/api/admin/audit?limit=500"))}
    assert {"password", "deactivate", "reactivate", "login_denied"} <= actions


def test_idle_timeout_and_absolute_lifetime(tmp_path):
    portal, client = make_portal(
        tmp_path, f"sqlite:///{tmp_path / 'p.db'}", idle_timeout=timedelta(minutes=30)
    )
    doc = portal.login("physician")
    assert doc.get("/api/auth/me").status_code == 200
    factory = portal.app.state.sessions
    with unit_of_work(factory) as db:  # 31 minutes without a request
        for s in db.query(WebSession):
            s.last_seen_at = utcnow() - timedelta(minutes=31)
    assert doc.get("/api/auth/me").status_code == 401
    doc = portal.login("physician")
    with unit_of_work(factory) as db:  # active, but past the absolute lifetime
        for s in db.query(WebSession):
            s.last_seen_at, s.expires_at = utcnow(), utcnow() - timedelta(seconds=1)
    assert doc.get("/api/auth/me").status_code == 401
    doc = portal.login("physician")
    with unit_of_work(factory) as db:  # 29 idle minutes: still in, and the request renews the idle clock
        for s in db.query(WebSession):
            s.last_seen_at = utcnow() - timedelta(minutes=29)
    assert doc.get("/api/auth/me").status_code == 200
    with unit_of_work(factory) as db:
        assert any(utcnow() - s.last_seen_at < timedelta(minutes=1) for s in db.query(WebSession))
    client.__exit__(None, None, None)


def test_one_address_trying_many_accounts_is_slowed(sqlite_portal):
    from whimscreen.program import throttle

    app = sqlite_portal.app
    spray = [
        _attempt(app, "wrong password!", "10.5.5.5", f"u{n}@example.org")
        for n in range(throttle.ADDRESS.free)
    ]
    assert spray == [401] * throttle.ADDRESS.free  # each account only once: the per-address counter decides
    assert _attempt(app, "wrong password!", "10.5.5.5", "another@example.org") == 429
    assert _attempt(app, PASSWORD, "10.5.5.6") == 200  # other addresses are unaffected


def test_expired_throttle_counters_are_purged_live_ones_kept(sqlite_portal):
    from datetime import timedelta

    from whimscreen.program import throttle
    from whimscreen.program.storage.db import unit_of_work
    from whimscreen.program.storage.models import LoginThrottle, utcnow

    now = utcnow()
    old = now - throttle.ADDRESS.window - timedelta(minutes=1)
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        db.add(LoginThrottle(key="acct:old|1.1.1.1", failures=3, window_start=old, next_allowed_at=old))
        db.add(LoginThrottle(key="acct:waiting|1.1.1.1", failures=9, window_start=old,
                             next_allowed_at=now + timedelta(minutes=5)))  # fmt: skip
        db.add(LoginThrottle(key="acct:recent|1.1.1.1", failures=2, window_start=now, next_allowed_at=now))
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        assert throttle.purge_expired(db) == 1
        assert sorted(r.key for r in db.query(LoginThrottle)) == [
            "acct:recent|1.1.1.1",
            "acct:waiting|1.1.1.1",
        ]
