"""Workflow rules through the API: waitlist, restart without job loss, failures shown, separation of duties,
upload validation, login throttling, append-only audit."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from tests.web.conftest import PASSWORD
from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
from whimscreen.program import jobs
from whimscreen.program.storage.db import unit_of_work


def test_capacity_waitlist_and_promotion(sqlite_portal):
    coord, doc = sqlite_portal.login("coordinator"), sqlite_portal.login("physician")
    ok(coord.put("/api/coordinator/capacity", json={"capacity": 1}))
    first = consent_and_order(doc, eligible_patient(doc, "P One"))
    second = consent_and_order(doc, eligible_patient(doc, "P Two"))
    assert (first["status"], second["status"]) == ("ordered", "waitlisted")
    assert second["waitlist_position"] == 1
    summary = ok(coord.get("/api/coordinator/summary"))
    assert (summary["enrolled"], summary["waitlisted"], summary["capacity"]) == (1, 1, 1)
    assert ok(coord.put("/api/coordinator/capacity", json={"capacity": 2}))["enrolled_from_waitlist"] == 1
    assert ok(doc.get(f"/api/orders/{second['id']}"))["status"] == "ordered"


def test_stale_running_job_is_requeued_and_failure_is_stored(sqlite_portal, tmp_path):
    doc, tech = sqlite_portal.login("physician"), sqlite_portal.login("technologist")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = accession_and_upload(tech, order["id"], tmp_path)
    job = ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    factory = sqlite_portal.app.state.sessions
    with unit_of_work(factory) as db:  # a worker claims the job, then its process dies
        assert jobs.claim_next(db) == job["id"]
    assert ok(tech.get(f"/api/jobs/{job['id']}"))["status"] == "running"
    with unit_of_work(factory) as db:  # its heartbeat is recent: another worker leaves it alone
        assert jobs.requeue_stale(db) == []
    _silence(factory, job["id"])
    with unit_of_work(factory) as db:  # silent for longer than STALE_AFTER: any worker re-queues it
        assert jobs.requeue_stale(db) == [job["id"]]

    def broken(paths, sample_id, out, phenotype):
        raise jobs.WhimscreenError(f"{paths[0].name}: truncated BGZF block")

    jobs.run_once(factory, broken, tmp_path / "analyses")
    failed = ok(tech.get(f"/api/jobs/{job['id']}"))
    assert failed["status"] == "failed" and "truncated BGZF block" in failed["error"]
    assert failed["attempts"] == 2
    retry = ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)  # a failed job can be re-run
    assert sqlite_portal.run_jobs() == 1
    assert ok(tech.get(f"/api/jobs/{retry['id']}"))["status"] == "done"


def _silence(factory, job_id: int) -> None:
    from datetime import timedelta

    from whimscreen.program.storage.models import Job, utcnow

    with unit_of_work(factory) as db:
        db.get(Job, job_id).heartbeat_at = utcnow() - jobs.STALE_AFTER - timedelta(seconds=1)


def test_a_job_stale_too_often_fails_with_the_reason(sqlite_portal, tmp_path):
    doc, tech = sqlite_portal.login("physician"), sqlite_portal.login("technologist")
    sample = accession_and_upload(tech, consent_and_order(doc, eligible_patient(doc))["id"], tmp_path)
    job = ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    factory = sqlite_portal.app.state.sessions
    for _ in range(jobs.MAX_ATTEMPTS):
        with unit_of_work(factory) as db:
            assert jobs.claim_next(db) == job["id"]
        _silence(factory, job["id"])
        with unit_of_work(factory) as db:
            jobs.requeue_stale(db)
    failed = ok(tech.get(f"/api/jobs/{job['id']}"))
    assert failed["status"] == "failed" and f"interrupted {jobs.MAX_ATTEMPTS} times" in failed["error"]
    retry = ok(tech.post(f"/api/jobs/{job['id']}/retry"), 202)  # the way back: retry
    assert retry["id"] != job["id"] and sqlite_portal.run_jobs() == 1


def test_the_analyst_cannot_sign(sqlite_portal, tmp_path):
    doc, director = sqlite_portal.login("physician"), sqlite_portal.login("director")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = accession_and_upload(director, order["id"], tmp_path)
    ok(director.post(f"/api/samples/{sample['id']}/jobs"), 202)
    sqlite_portal.run_jobs()
    r = director.post(f"/api/orders/{order['id']}/signout", json={})
    assert r.status_code == 403 and "ran the analysis" in r.text
    ok(sqlite_portal.login("director2").post(f"/api/orders/{order['id']}/signout", json={}), 201)
    assert doc.get(f"/api/orders/{order['id']}/report").content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "content, message",
    [(b"hello, not a sequencing file\n", "unrecognised content"), (b"\x1f\x8b\x08garbage", "corrupt gzip")],
)
def test_upload_checked_by_content(sqlite_portal, tmp_path, content, message):
    doc, tech = sqlite_portal.login("physician"), sqlite_portal.login("technologist")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = ok(tech.post(f"/api/orders/{order['id']}/accession", json={"specimen_type": "saliva"}), 201)
    r = tech.post(f"/api/samples/{sample['id']}/uploads", files={"file": ("x.vcf", io.BytesIO(content))})
    assert r.status_code == 422 and message in r.text and "x.vcf" in r.text
    big = io.BytesIO(b"@" + b"A" * 5_500_000)  # over the 5 MB limit: refused while streaming
    r = tech.post(f"/api/samples/{sample['id']}/uploads", files={"file": ("big.fastq", big)})
    assert r.status_code == 422 and "upload limit" in r.text
    huge = io.BytesIO(b"@" + b"A" * 8_000_000)  # refused from Content-Length before it is read
    r = tech.post(f"/api/samples/{sample['id']}/uploads", files={"file": ("huge.fastq", huge)})
    assert r.status_code == 413
    assert not list((sqlite_portal.app.state.home / "uploads").rglob("*.*q"))  # nothing half-written


def test_login_throttled_after_failures(sqlite_portal):
    anon = sqlite_portal.client
    for _ in range(5):
        assert (
            anon.post("/api/auth/login", json={"email": "doc@example.org", "password": "wrong"}).status_code
            == 401
        )
    r = anon.post("/api/auth/login", json={"email": "doc@example.org", "password": PASSWORD})
    assert r.status_code == 429


def test_session_cookie_flags_and_logout(sqlite_portal):
    r = sqlite_portal.client.post("/api/auth/login", json={"email": "doc@example.org", "password": PASSWORD})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie  # base_url is https
    doc = sqlite_portal.login("physician")
    ok(doc.post("/api/auth/logout"))
    assert doc.get("/api/patients").status_code == 401


def test_audit_log_records_views_and_is_append_only(sqlite_portal):
    doc = sqlite_portal.login("physician")
    pid = eligible_patient(doc)
    ok(doc.get(f"/api/patients/{pid}"))
    entries = ok(sqlite_portal.login("admin").get(f"/api/admin/audit?patient_id={pid}"))
    actions = {(e["action"], e["entity"]) for e in entries}
    assert {("create", "patient"), ("view", "patient"), ("update", "clinical")} <= actions
    with sqlite_portal.app.state.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("UPDATE audit_log SET action='x'"))
    with sqlite_portal.app.state.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM audit_log"))


def test_healthz_reports_database_and_demo_reference(sqlite_portal):
    body = ok(sqlite_portal.client.get("/healthz"))
    assert body["database"]["ok"] and body["reference"]["demo"] is True
    page = sqlite_portal.client.get("/login")
    assert "DEMO REFERENCE — NOT FOR CLINICAL USE" in page.text
    assert "/api/patients/{patient_id}" in ok(sqlite_portal.client.get("/openapi.json"))["paths"]


def test_a_late_run_of_a_requeued_job_does_not_overwrite_the_new_run(sqlite_portal, tmp_path):
    doc, tech = sqlite_portal.login("physician"), sqlite_portal.login("technologist")
    sample = accession_and_upload(tech, consent_and_order(doc, eligible_patient(doc))["id"], tmp_path)
    job = ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    factory, app = sqlite_portal.app.state.sessions, sqlite_portal.app
    with unit_of_work(factory) as db:
        assert jobs.claim_next(db) == job["id"]

    def slow(paths, sample_id, out, phenotype):  # meanwhile its heartbeat lapses and another worker takes it
        _silence(factory, job["id"])
        with unit_of_work(factory) as db:
            assert jobs.requeue_stale(db) == [job["id"]]
        with unit_of_work(factory) as db:
            assert jobs.claim_next(db) == job["id"]
        return app.state.runner(paths, sample_id, out, phenotype)

    jobs.execute(factory, job["id"], slow, app.state.home / "analyses")
    again = ok(tech.get(f"/api/jobs/{job['id']}"))
    assert again["status"] == "running" and again["attempts"] == 2  # the second run's outcome will count
