"""Concurrency against a live server (uvicorn on 127.0.0.1), on SQLite and PostgreSQL.

Each case reproduces a finding of issue 13: the event loop blocked by a database call (20 parallel requests
of one session froze the server), several open orders for one patient from parallel POSTs, and a second
"Run analysis" leaving a job running forever.
"""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import func, select

from tests.web.conftest import BOTH_DATABASES, _seed, database_url
from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
from tests.web.live import at_once, login, serve
from whimscreen.program.orders import OPEN
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import Job, Order
from whimscreen.web.app import AppConfig, create_app


@pytest.fixture(params=BOTH_DATABASES)
def live(request, tmp_path):
    url, drop = database_url(request.param, tmp_path)
    app = create_app(AppConfig(home=tmp_path / "home", database_url=url, start_worker=False))
    with serve(app) as base:
        _seed(app)
        yield app, base
    app.state.engine.dispose()
    if drop:
        drop()


def _statuses(results) -> list:
    return [r.status_code if isinstance(r, httpx.Response) else type(r).__name__ for r in results]


@pytest.mark.parametrize("n", [20, 100])
def test_parallel_requests_of_one_session_all_answer(live, n):
    app, base = live
    doc = login(base, "physician", timeout=15)
    started = time.monotonic()
    results = at_once(n, lambda i: doc.get("/api/auth/me"))
    elapsed = time.monotonic() - started
    assert _statuses(results) == [200] * n
    assert elapsed < 15, f"{n} parallel requests took {elapsed:.1f} s"


def test_parallel_orders_for_one_patient_make_one_order(live, tmp_path):
    app, base = live
    doc = login(base, "physician")
    pid = eligible_patient(doc)
    ok(doc.post(f"/api/patients/{pid}/consent", json=_consent()), 201)
    results = at_once(12, lambda i: doc.post(f"/api/patients/{pid}/orders", json={}))
    codes = _statuses(results)
    assert sorted(codes) == [201] + [409] * 11, codes
    refused = next(r for r in results if r.status_code == 409)
    assert "already has an open order" in refused.json()["detail"]
    with unit_of_work(app.state.sessions) as db:
        n = db.scalar(
            select(func.count()).select_from(Order).where(Order.patient_id == pid, Order.status.in_(OPEN))
        )
    assert n == 1


def test_parallel_run_analysis_starts_one_job(live, tmp_path):
    app, base = live
    doc, tech = login(base, "physician"), login(base, "technologist")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = accession_and_upload(tech, order["id"], tmp_path)
    results = at_once(6, lambda i: tech.post(f"/api/samples/{sample['id']}/jobs"))
    assert all(isinstance(r, httpx.Response) and r.status_code in (200, 202) for r in results), _statuses(
        results
    )
    assert len({r.json()["id"] for r in results}) == 1, "every request answers the same job"
    with unit_of_work(app.state.sessions) as db:
        assert db.scalar(select(func.count()).select_from(Job)) == 1


def _consent() -> dict:
    from datetime import date

    from whimscreen.program.consent import CURRENT_VERSION

    return {
        "given_by": "Parent Example",
        "relationship": "parent",
        "consented_on": date.today().isoformat(),
        "version": CURRENT_VERSION,
    }


def test_two_processes_claim_each_job_once(portal, tmp_path):
    """Two workers with their own engines (as two server processes) drain one queue: every job is claimed
    by exactly one of them."""
    from whimscreen.program import jobs
    from whimscreen.program.storage.db import make_engine, session_factory

    doc, tech = portal.login("physician"), portal.login("technologist")
    for i in range(4):
        sample = accession_and_upload(
            tech, consent_and_order(doc, eligible_patient(doc, f"P {i}"))["id"], tmp_path
        )
        ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    url = portal.app.state.engine.url.render_as_string(hide_password=False)
    engines = [make_engine(url) for _ in range(2)]

    def drain(i: int) -> list[int]:
        claimed, factory = [], session_factory(engines[i])
        while True:
            with unit_of_work(factory) as db:
                job_id = jobs.claim_next(db)
            if job_id is None:
                return claimed
            claimed.append(job_id)

    first, second = at_once(2, drain)
    assert sorted(first + second) == sorted(set(first + second)) and len(first + second) == 4
    for e in engines:
        e.dispose()


def test_sign_out_and_a_new_file_at_once_never_both_succeed(live, tmp_path):
    """A sign-out racing an upload: either the result is signed and the file refused, or the file is taken
    and the sign-out refused (the order row lock orders them); never a report on stale files."""
    from whimscreen.program import jobs
    from whimscreen.program.demo_data import write_gvcf
    from whimscreen.reference.demo import demo_locus

    app, base = live
    doc, tech, director = login(base, "physician"), login(base, "technologist"), login(base, "director")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = accession_and_upload(tech, order["id"], tmp_path)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    assert jobs.run_once(app.state.sessions, app.state.runner, app.state.home / "analyses")
    late = write_gvcf(demo_locus(), tmp_path / "late.vcf", "S1").read_bytes()

    def act(i: int):
        if i == 0:
            return director.post(f"/api/orders/{order['id']}/signout", json={})
        return tech.post(f"/api/samples/{sample['id']}/uploads", files={"file": ("late.vcf", late)})

    signed, uploaded = at_once(2, act)
    assert sorted([signed.status_code, uploaded.status_code]) == [201, 409], (signed.text, uploaded.text)
