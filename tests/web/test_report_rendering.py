"""Sign-out with the report rendered in the portal's child process (``report_processes``): the stored PDF
is the one rendered and its SHA-256 is the version's; a rendering process that dies stores nothing (503,
the order still in review, no version, nothing audited) and the director's retry signs."""

from __future__ import annotations

import hashlib
import os

from sqlalchemy import func, select

from tests.web.conftest import make_portal
from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
from whimscreen.program.report_render import ReportRenderer
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import AuditEntry, SignOut


def die(document: dict) -> bytes:
    os._exit(9)


def test_signout_renders_in_a_child_and_a_dead_child_stores_nothing(tmp_path):
    portal, client = make_portal(tmp_path, f"sqlite:///{tmp_path / 'portal.db'}", report_processes=1)
    try:
        renderer = portal.app.state.renderer
        assert isinstance(renderer, ReportRenderer)
        doc = portal.login("physician")
        order = consent_and_order(doc, eligible_patient(doc))
        tech = portal.login("technologist")
        sample = accession_and_upload(tech, order["id"], tmp_path)
        ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
        assert portal.run_jobs() == 1
        director = portal.login("director")

        portal.app.state.renderer = ReportRenderer(1, timeout=60, render=die)
        r = director.post(f"/api/orders/{order['id']}/signout", json={"comment": "first try"})
        assert r.status_code == 503 and "no report version was stored" in r.json()["detail"]
        assert ok(doc.get(f"/api/orders/{order['id']}"))["status"] == "review"
        with unit_of_work(portal.app.state.sessions) as db:
            assert db.scalar(select(func.count()).select_from(SignOut)) == 0
            assert db.scalar(select(func.count()).where(AuditEntry.action == "sign")) == 0
        portal.app.state.renderer.close()

        portal.app.state.renderer = renderer  # the real one: WeasyPrint in a child process
        signed = ok(director.post(f"/api/orders/{order['id']}/signout", json={"comment": "retry"}), 201)
        pdf = doc.get(f"/api/orders/{order['id']}/report")
        assert pdf.content.startswith(b"%PDF")
        assert hashlib.sha256(pdf.content).hexdigest() == pdf.headers["X-Report-SHA256"]
        [v1] = ok(doc.get(f"/api/orders/{order['id']}/reports"))
        assert v1["report_sha256"] == hashlib.sha256(pdf.content).hexdigest()
        assert signed["status"] == "reported"
    finally:
        client.__exit__(None, None, None)
