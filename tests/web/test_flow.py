"""The vertical slice through the API on SQLite and PostgreSQL: register -> approve -> patient and
eligibility -> consent -> order -> accession -> upload -> analysis job -> review -> sign-out -> PDF."""

from __future__ import annotations

from tests.web.conftest import PASSWORD
from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok


def test_whole_flow(portal, tmp_path):
    anon = portal.client
    ok(
        anon.post(
            "/api/auth/register",
            json={
                "email": "new@clinic.org",
                "name": "Dr New",
                "password": PASSWORD,
                "license_id": "MD-123",
                "institution": "Clinic",
            },
        ),
        202,
    )
    # pending: cannot log in until approved
    assert (
        anon.post("/api/auth/login", json={"email": "new@clinic.org", "password": PASSWORD}).status_code
        == 403
    )
    admin = portal.login("admin")
    new = next(u for u in ok(admin.get("/api/admin/users")) if u["email"] == "new@clinic.org")
    assert new["status"] == "pending"
    ok(admin.post(f"/api/admin/users/{new['id']}/approve"))

    doc = portal.login("new@clinic.org")
    pid = eligible_patient(doc)
    elig = ok(doc.get(f"/api/patients/{pid}/eligibility"))
    assert elig["decision"] == "eligible", elig
    assert elig["notes"] == []  # ANC 350-400 lies below the Duffy-null band: no note
    order = consent_and_order(doc, pid)
    assert order["status"] == "ordered"

    tech = portal.login("technologist")
    sample = accession_and_upload(tech, order["id"], tmp_path)
    assert sample["accession"].startswith("WS-")
    job = ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    assert job["status"] == "queued"
    assert portal.run_jobs() == 1
    review = ok(tech.get(f"/api/samples/{sample['id']}/review"))
    assert review["order"]["status"] == "review"
    analysis = review["analysis"]
    assert analysis["result"]["result"] == "Positive"
    assert analysis["variants"][0]["hgvs_c"] == "NM_003467.3:c.1000C>T"

    director = portal.login("director")
    signed = ok(director.post(f"/api/orders/{order['id']}/signout", json={"comment": "ok"}), 201)
    assert signed["result"] == "Positive"

    status = ok(doc.get(f"/api/orders/{order['id']}"))
    assert status["status"] == "reported"
    assert [e["status"] for e in status["events"]] == [
        "ordered",
        "kit_sent",
        "received",
        "sequencing",
        "analysis",
        "review",
        "reported",
    ]
    pdf = doc.get(f"/api/orders/{order['id']}/report")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"

    summary = ok(portal.login("coordinator").get("/api/coordinator/summary"))
    assert summary["enrolled"] == 1 and summary["results"]["Positive"] == 1
    assert "Ada" not in str(summary)
