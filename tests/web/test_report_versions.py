"""The report's life cycle in the portal: version 1 FINAL on sign-out, AMENDED and CORRECTED versions with a
mandatory reason, every version kept, downloadable and audited, the physician told each time (portal and
e-mail), one number per version enforced by the database; a clinical (non-demo) sign-out needs the
laboratory's identity and a listed director."""

from __future__ import annotations

import hashlib
import smtplib

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.reporting.conftest import pdf_pages
from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
from whimscreen.program import lab_identity, mailer, signout
from whimscreen.program.errors import InvalidInput, InvalidState
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import AuditEntry, Notification, Order, SignOut, User


@pytest.fixture
def signed(sqlite_portal, tmp_path):
    doc = sqlite_portal.login("physician")
    order = consent_and_order(doc, eligible_patient(doc))
    tech = sqlite_portal.login("technologist")
    sample = accession_and_upload(tech, order["id"], tmp_path)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    assert sqlite_portal.run_jobs() == 1
    director = sqlite_portal.login("director")
    ok(director.post(f"/api/orders/{order['id']}/signout", json={"comment": "first"}), 201)
    return sqlite_portal, doc, tech, director, order


def test_amended_and_corrected_versions_keep_every_earlier_one(signed, tmp_path):
    portal, doc, tech, director, order = signed
    oid = order["id"]
    [v1] = ok(doc.get(f"/api/orders/{oid}/reports"))
    assert v1["version"] == 1 and v1["status"] == "FINAL" and v1["reason"] is None
    first_pdf = doc.get(f"/api/orders/{oid}/report").content
    assert hashlib.sha256(first_pdf).hexdigest() == v1["report_sha256"]

    body = {"kind": "amended", "reason": "Family history received: mother affected"}
    assert tech.post(f"/api/orders/{oid}/amend", json=body).status_code == 403
    assert director.post(f"/api/orders/{oid}/amend", json=body | {"reason": "typo"}).status_code == 422
    assert director.post(f"/api/orders/{oid}/amend", json=body | {"kind": "deleted"}).status_code == 422
    v2 = ok(director.post(f"/api/orders/{oid}/amend", json=body), 201)
    assert v2["version"] == 2 and v2["status"] == "AMENDED"
    v3 = ok(
        director.post(
            f"/api/orders/{oid}/amend", json={"kind": "corrected", "reason": "Wrong specimen type"}
        ),
        201,
    )
    assert v3["status"] == "CORRECTED"

    versions = ok(doc.get(f"/api/orders/{oid}/reports"))
    assert [(v["version"], v["status"]) for v in versions] == [(1, "FINAL"), (2, "AMENDED"), (3, "CORRECTED")]
    # the earlier versions are unchanged and still downloadable; the newest is the default
    assert doc.get(f"/api/orders/{oid}/report", params={"version": 1}).content == first_pdf
    newest = doc.get(f"/orders/{oid}/report.pdf")
    assert newest.headers["X-Report-SHA256"] == v3["report_sha256"]
    page1 = pdf_pages(newest.content, tmp_path)[0]
    assert "CORRECTED — replaces version 2 of" in page1 and "Reason: Wrong specimen type" in page1
    v2_page1 = pdf_pages(doc.get(f"/api/orders/{oid}/report", params={"version": 2}).content, tmp_path)[0]
    assert "AMENDED — replaces version 1 of" in v2_page1 and "mother affected" in v2_page1
    assert doc.get(f"/api/orders/{oid}/report", params={"version": 9}).status_code == 404

    with unit_of_work(portal.app.state.sessions) as db:
        acts = [
            (a.action, a.detail) for a in db.scalars(select(AuditEntry).where(AuditEntry.entity == "report"))
        ]
        notes = [n.message for n in db.scalars(select(Notification).order_by(Notification.id))]
        emails = [
            n.email_status for n in db.scalars(select(Notification).where(Notification.order_id == oid))
        ]
        events = [e.note or "" for e in db.get(Order, oid).events]
    assert [a for a, _ in acts].count("amend") == 2 and [a for a, _ in acts].count("sign") == 1
    assert any(a == "download" and d == "version 1" for a, d in acts)
    assert any("v2 AMENDED replaces v1: Family history received" in (d or "") for a, d in acts)
    assert sum("is ready" in n for n in notes) == 1 and sum("was amended" in n for n in notes) == 1
    assert sum("was corrected" in n for n in notes) == 1
    assert emails.count("pending") == 3
    assert any(n.startswith("report version 2 (AMENDED) by Director") for n in events)


def test_an_order_not_reported_cannot_be_amended(sqlite_portal, tmp_path):
    doc = sqlite_portal.login("physician")
    order = consent_and_order(doc, eligible_patient(doc))
    r = sqlite_portal.login("director").post(
        f"/api/orders/{order['id']}/amend", json={"kind": "amended", "reason": "nothing was signed yet"}
    )
    assert r.status_code == 409 and "only a signed report" in r.text


def test_the_database_refuses_two_versions_with_one_number(signed):
    portal, *_ = signed
    with pytest.raises(IntegrityError), unit_of_work(portal.app.state.sessions) as db:
        first = db.scalar(select(SignOut))
        cols = (
            "order_id",
            "job_id",
            "signer_id",
            "result_category",
            "report_pdf",
            "report_sha256",
            "version",
        )
        db.add(SignOut(**{c: getattr(first, c) for c in cols}))
        db.flush()


def test_clinical_signout_needs_the_lab_identity_and_a_listed_director(sqlite_portal):
    clinical = {"reference": {"demo": False}}
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        director = db.scalar(select(User).where(User.role == "director"))
        admin = db.scalar(select(User).where(User.role == "admin"))
        signout._check_lab(db, director, {"reference": {"demo": True}})  # the demo needs none
        with pytest.raises(InvalidState, match="identity is incomplete .*CLIA number"):
            signout._check_lab(db, director, clinical)
        with pytest.raises(InvalidInput, match="NAME, CREDENTIALS"):
            lab_identity.set_identity(db, admin, directors=["Director only"])
        with pytest.raises(InvalidInput, match="CLIA number '12-345'"):
            lab_identity.set_identity(db, admin, clia="12-345")
        with pytest.raises(Exception, match="admin"):
            lab_identity.set_identity(db, director, name="Self-made lab")
        lab_identity.set_identity(
            db, admin, name="Lab", address="1 Road", clia="12D3456789", cap="1234567",
            directors=["Someone Else, MD"],
        )  # fmt: skip
        with pytest.raises(InvalidState, match="not listed among the laboratory's directors"):
            signout._check_lab(db, director, clinical)
        lab_identity.set_identity(db, admin, directors=["Someone Else, MD", f"{director.name}, MD, PhD"])
        signout._check_lab(db, director, clinical)
        assert lab_identity.credentials_of(lab_identity.current(db), director.name) == "MD, PhD"
        changes = db.scalars(select(AuditEntry).where(AuditEntry.entity == "lab_identity")).all()
        assert len(changes) == 2 and "Someone Else" in changes[1].detail


def test_admin_page_sets_the_identity(sqlite_portal):
    admin = sqlite_portal.login("admin")
    form = {"name": "Lab", "address": "1 Road", "clia": "12D3456789", "cap": "1234567"}
    form |= {"directors": "Ada Director, MD\nBo Second, PhD", "csrf_token": admin.headers["X-CSRF-Token"]}
    assert admin.post("/admin/lab", data=form, follow_redirects=False).status_code == 303
    got = ok(admin.get("/api/admin/lab"))
    assert got["directors"] == ["Ada Director, MD", "Bo Second, PhD"] and got["missing"] == []
    assert sqlite_portal.login("director").get("/api/admin/lab").status_code == 403


class _FakeSMTP:
    sent: list = []
    fail = False

    def __init__(self, host, port, timeout):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, msg):
        if _FakeSMTP.fail:
            raise smtplib.SMTPRecipientsRefused({msg["To"]: (550, b"no such user")})
        _FakeSMTP.sent.append(msg)


def test_notices_are_emailed_when_a_sender_is_configured(signed, monkeypatch):
    portal, doc, tech, director, order = signed
    factory = portal.app.state.sessions
    monkeypatch.setattr(smtplib, "SMTP", _FakeSMTP)
    _FakeSMTP.sent = []
    assert mailer.send_pending(factory, mailer.SmtpConfig("mail.example.org")) == {
        "sent": 1,
        "failed": 0,
        "off": 0,
    }
    [msg] = _FakeSMTP.sent
    assert msg["To"] == "doc@example.org" and "is ready" in msg.get_content()
    assert mailer.send_pending(factory, mailer.SmtpConfig("mail.example.org"))["sent"] == 0  # sent once
    ok(
        director.post(
            f"/api/orders/{order['id']}/amend", json={"kind": "amended", "reason": "new family data"}
        ),
        201,
    )
    _FakeSMTP.fail = True
    try:
        assert mailer.send_pending(factory, mailer.SmtpConfig("mail.example.org"))["failed"] == 1
    finally:
        _FakeSMTP.fail = False
    with unit_of_work(factory) as db:
        rows = db.scalars(select(Notification).where(Notification.order_id == order["id"])).all()
        assert [n.email_status for n in rows] == ["sent", "failed"] and "550" in rows[1].email_error


def test_without_a_sender_notices_stay_in_the_portal(signed):
    portal, *_ = signed
    assert mailer.send_pending(portal.app.state.sessions, mailer.SmtpConfig(None)) == {
        "sent": 0,
        "failed": 0,
        "off": 1,
    }


def test_an_amendment_can_change_a_class_with_the_director_s_reason(signed, tmp_path):
    portal, doc, tech, director, order = signed
    oid = order["id"]
    page = director.get(f"/orders/{oid}/amend")
    assert page.status_code == 200 and "Record class" in page.text
    job_id = int(page.text.split('action="/lab/jobs/')[1].split("/")[0])
    key = page.text.split('name="variant_key" value="')[1].split('"')[0]
    form = {"variant_key": key, "classification": "Pathogenic", "for_amendment": "true",
            "reason": "Segregates in three affected relatives (family study)",
            "csrf_token": director.headers["X-CSRF-Token"]}  # fmt: skip
    moved = director.post(f"/lab/jobs/{job_id}/decisions", data=form, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == f"/orders/{oid}/amend"
    ok(
        director.post(
            f"/api/orders/{oid}/amend", json={"kind": "amended", "reason": "Class revised on family data"}
        ),
        201,
    )
    text = " ".join(pdf_pages(doc.get(f"/api/orders/{oid}/report").content, tmp_path))
    assert "Laboratory director's decision" in text and "Segregates in three affected relatives" in text
    assert "Pathogenic (computed: Likely pathogenic)" in text
    v1 = " ".join(pdf_pages(doc.get(f"/api/orders/{oid}/report", params={"version": 1}).content, tmp_path))
    assert "Segregates in three affected relatives" not in v1  # the signed version did not change


def test_exports_of_each_signed_version(signed):
    portal, doc, tech, director, order = signed
    oid = order["id"]
    ok(
        director.post(
            f"/api/orders/{oid}/amend", json={"kind": "corrected", "reason": "Wrong collection date"}
        ),
        201,
    )

    def report_status(version):
        bundle = ok(doc.get(f"/api/orders/{oid}/report.fhir.json", params={"version": version}))
        kinds = {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}
        return kinds["DiagnosticReport"]["status"]

    assert report_status(1) == "final" and report_status(2) == "corrected"
    packet = doc.get(f"/api/orders/{oid}/report.phenopacket.json")
    assert packet.status_code == 200 and "attachment" in packet.headers["content-disposition"]
    assert "Ada Example" not in packet.text  # no direct identifiers
    other = portal.login("physician2").get(f"/api/orders/{oid}/report.fhir.json")
    assert other.status_code in (403, 404)  # another physician's patient
