"""Authorization matrix: every route of the app x anonymous, every role, and another physician.

The table below must name every route (a new route without an expectation fails the test), so deny by
default is checked rather than assumed.  Anonymous API calls get 401 and anonymous page calls a redirect to
the login page; a role not listed gets 403; a physician reaching another physician's object gets 404.
"""

from __future__ import annotations

import pytest

from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
from whimscreen.web.app import route_table

PUBLIC = {
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"),
    ("GET", "/healthz"),
    ("POST", "/api/auth/register"),
    ("POST", "/api/auth/login"),
    ("GET", "/"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/register"),
    ("POST", "/register"),
}
ALL = {"physician", "technologist", "director", "coordinator", "admin"}
LAB = {"technologist", "director"}
PHYS = {"physician"}
# (method, path): (roles allowed, scoped to the owning physician)
EXPECT = {
    ("POST", "/api/auth/logout"): (ALL, False),
    ("GET", "/api/auth/me"): (ALL, False),
    ("POST", "/logout"): (ALL, False),
    ("POST", "/api/auth/password"): (ALL, False),
    ("GET", "/account"): (ALL, False),
    ("POST", "/account/password"): (ALL, False),
    ("POST", "/api/admin/users/{user_id}/password"): ({"admin"}, False),
    ("POST", "/api/admin/users/{user_id}/deactivate"): ({"admin"}, False),
    ("POST", "/api/admin/users/{user_id}/reactivate"): ({"admin"}, False),
    ("GET", "/admin/audit"): ({"admin"}, False),
    ("POST", "/admin/users/{user_id}/password"): ({"admin"}, False),
    ("GET", "/api/admin/users"): ({"admin"}, False),
    ("POST", "/api/admin/users"): ({"admin"}, False),
    ("POST", "/api/admin/users/{user_id}/approve"): ({"admin"}, False),
    ("POST", "/api/admin/users/{user_id}/reject"): ({"admin"}, False),
    ("GET", "/api/admin/audit"): ({"admin"}, False),
    ("GET", "/admin"): ({"admin"}, False),
    ("POST", "/admin/users/{user_id}/{decision}"): ({"admin"}, False),
    ("POST", "/admin/users"): ({"admin"}, False),
    ("GET", "/api/patients"): (PHYS, False),
    ("POST", "/api/patients"): (PHYS, False),
    ("GET", "/api/patients/{patient_id}"): (PHYS, True),
    ("PUT", "/api/patients/{patient_id}/clinical"): (PHYS, True),
    ("POST", "/api/patients/{patient_id}/counts"): (PHYS, True),
    ("GET", "/api/patients/{patient_id}/eligibility"): (PHYS, True),
    ("POST", "/api/patients/{patient_id}/consent"): (PHYS, True),
    ("POST", "/api/patients/{patient_id}/orders"): (PHYS, True),
    ("GET", "/patients"): (PHYS, False),
    ("POST", "/patients"): (PHYS, False),
    ("GET", "/patients/{patient_id}"): (PHYS, True),
    ("POST", "/patients/{patient_id}/clinical"): (PHYS, True),
    ("POST", "/patients/{patient_id}/counts"): (PHYS, True),
    ("POST", "/patients/{patient_id}/consent"): (PHYS, True),
    ("POST", "/patients/{patient_id}/orders"): (PHYS, True),
    ("GET", "/api/orders"): (PHYS | LAB, False),
    ("GET", "/api/orders/{order_id}"): (PHYS | LAB, True),
    ("POST", "/api/orders/{order_id}/cancel"): (PHYS | {"coordinator"}, True),
    ("POST", "/api/orders/{order_id}/reopen"): ({"director"}, False),
    ("POST", "/api/orders/{order_id}/kit-sent"): (LAB, False),
    ("POST", "/api/orders/{order_id}/accession"): (LAB, False),
    ("POST", "/api/orders/{order_id}/signout"): ({"director"}, False),
    ("GET", "/api/orders/{order_id}/report"): (PHYS | LAB, True),
    ("GET", "/orders/{order_id}"): (PHYS | LAB, True),
    ("GET", "/orders/{order_id}/report.pdf"): (PHYS | LAB, True),
    ("GET", "/api/orders/{order_id}/reports"): (PHYS | LAB, True),
    ("GET", "/api/orders/{order_id}/report.fhir.json"): (PHYS | LAB, True),
    ("GET", "/api/orders/{order_id}/report.phenopacket.json"): (PHYS | LAB, True),
    ("POST", "/api/orders/{order_id}/amend"): ({"director"}, False),
    ("GET", "/orders/{order_id}/amend"): ({"director"}, False),
    ("POST", "/orders/{order_id}/amend"): ({"director"}, False),
    ("GET", "/api/admin/lab"): ({"admin"}, False),
    ("PUT", "/api/admin/lab"): ({"admin"}, False),
    ("GET", "/admin/lab"): ({"admin"}, False),
    ("POST", "/admin/lab"): ({"admin"}, False),
    ("POST", "/orders/{order_id}/cancel"): (PHYS | {"coordinator"}, True),
    ("POST", "/orders/{order_id}/reopen"): ({"director"}, False),
    ("POST", "/orders/{order_id}/kit-sent"): (LAB, False),
    ("POST", "/orders/{order_id}/accession"): (LAB, False),
    ("POST", "/orders/{order_id}/signout"): ({"director"}, False),
    ("POST", "/api/samples/{sample_id}/reject"): (LAB, False),
    ("POST", "/api/samples/{sample_id}/uploads"): (LAB, False),
    ("POST", "/api/samples/{sample_id}/uploads/batch"): (LAB, False),
    ("POST", "/api/samples/{sample_id}/jobs"): (LAB, False),
    ("GET", "/api/samples/{sample_id}/review"): (LAB, False),
    ("GET", "/api/jobs/{job_id}"): (LAB, False),
    ("GET", "/api/review-queue"): ({"director"}, False),
    ("POST", "/api/jobs/{job_id}/decisions"): ({"director"}, False),
    ("PUT", "/api/orders/{order_id}/case-evidence"): (PHYS | {"director"}, True),
    ("GET", "/lab/review"): ({"director"}, False),
    ("POST", "/lab/jobs/{job_id}/decisions"): ({"director"}, False),
    ("POST", "/orders/{order_id}/case-evidence"): (PHYS | {"director"}, True),
    ("POST", "/api/jobs/{job_id}/retry"): (LAB, False),
    ("POST", "/api/uploads/{upload_id}/delete"): (LAB, False),
    ("POST", "/api/uploads/{upload_id}/replace"): (LAB, False),
    ("POST", "/lab/uploads/{upload_id}/delete"): (LAB, False),
    ("GET", "/lab"): (LAB, False),
    ("GET", "/lab/samples/{sample_id}"): (LAB, False),
    ("POST", "/lab/samples/{sample_id}/uploads"): (LAB, False),
    ("POST", "/lab/samples/{sample_id}/jobs"): (LAB, False),
    ("POST", "/lab/samples/{sample_id}/reject"): (LAB, False),
    ("GET", "/lab/samples/{sample_id}/images/{name}"): (LAB, False),
    ("GET", "/api/coordinator/summary"): ({"coordinator"}, False),
    ("PUT", "/api/coordinator/capacity"): ({"coordinator"}, False),
    ("GET", "/api/coordinator/criteria"): ({"coordinator"}, False),
    ("PUT", "/api/coordinator/criteria"): ({"coordinator"}, False),
    ("GET", "/coordinator"): ({"coordinator"}, False),
    ("POST", "/coordinator/capacity"): ({"coordinator"}, False),
    ("GET", "/api/coordinator/orders"): ({"coordinator"}, False),
    ("GET", "/api/notifications"): (ALL, False),
    ("POST", "/api/notifications/read"): (ALL, False),
    ("GET", "/notifications"): (ALL, False),
    ("POST", "/notifications/read"): (ALL, False),
    ("GET", "/api/sponsor/metrics"): ({"coordinator"}, False),
    ("GET", "/api/sponsor/export.csv"): ({"coordinator"}, False),
    ("GET", "/api/sponsor/export.parquet"): ({"coordinator"}, False),
    ("GET", "/api/sponsor/phenopackets.json"): ({"coordinator"}, False),
    ("GET", "/sponsor"): ({"coordinator"}, False),
    ("GET", "/api/kb/releases"): ({"admin", "director"}, False),
    ("POST", "/api/kb/releases/{version}/activate"): ({"admin", "director"}, False),
    ("GET", "/api/reclassification/tasks"): ({"director"}, False),
    ("POST", "/api/reclassification/tasks/{task_id}/close"): ({"director"}, False),
    ("GET", "/admin/kb"): ({"admin", "director"}, False),
    ("POST", "/admin/kb/{version}/activate"): ({"admin", "director"}, False),
    ("POST", "/admin/kb/curated"): ({"admin", "director"}, False),
    ("GET", "/lab/reclassification"): ({"director"}, False),
    ("POST", "/lab/reclassification/{task_id}/close"): ({"director"}, False),
    ("PUT", "/api/coordinator/relatives"): ({"coordinator"}, False),
    ("POST", "/coordinator/relatives"): ({"coordinator"}, False),
    ("POST", "/api/orders/{order_id}/family"): (PHYS, True),
    ("GET", "/api/families/{family_id}"): (PHYS, True),
    ("POST", "/api/families/{family_id}/members"): (PHYS, True),
    ("PUT", "/api/families/{family_id}/members/{member_id}"): (PHYS, True),
    ("POST", "/api/families/{family_id}/members/{member_id}/remove"): (PHYS, True),
    ("POST", "/api/families/{family_id}/members/{member_id}/restore"): (PHYS, True),
    ("POST", "/api/families/{family_id}/members/{member_id}/orders"): (PHYS, True),
    ("PUT", "/api/families/{family_id}/parentage"): (PHYS, True),
    ("GET", "/api/families/{family_id}/evidence"): (PHYS, True),
    ("GET", "/families/{family_id}"): (PHYS, True),
    ("GET", "/families/{family_id}/letter"): (PHYS, True),
    ("GET", "/families/{family_id}/pedigree.ped"): (PHYS, True),
    ("GET", "/families/{family_id}/pedigree.json"): (PHYS, True),
    ("POST", "/orders/{order_id}/family"): (PHYS, True),
    ("POST", "/families/{family_id}/members"): (PHYS, True),
    ("POST", "/families/{family_id}/members/{member_id}/edit"): (PHYS, True),
    ("POST", "/families/{family_id}/members/{member_id}/remove"): (PHYS, True),
    ("POST", "/families/{family_id}/members/{member_id}/restore"): (PHYS, True),
    ("POST", "/families/{family_id}/members/{member_id}/orders"): (PHYS, True),
    ("POST", "/families/{family_id}/parentage"): (PHYS, True),
    ("POST", "/api/suggestion-imports"): ({"coordinator"}, False),
    ("GET", "/api/suggestion-imports"): ({"coordinator"}, False),
    ("POST", "/api/suggestion-imports/{import_id}/withdraw"): ({"coordinator"}, False),
    ("GET", "/coordinator/suggestions"): ({"coordinator"}, False),
    ("POST", "/coordinator/suggestions"): ({"coordinator"}, False),
    ("POST", "/coordinator/suggestions/{import_id}/withdraw"): ({"coordinator"}, False),
    ("GET", "/api/suggestions"): (PHYS, False),
    ("GET", "/api/suggestions/{suggestion_id}"): (PHYS, True),
    ("POST", "/api/suggestions/{suggestion_id}/decline"): (PHYS, True),
    ("POST", "/api/suggestions/{suggestion_id}/reopen"): (PHYS, True),
    ("GET", "/suggestions"): (PHYS, False),
    ("POST", "/suggestions/{suggestion_id}/decline"): (PHYS, True),
    ("POST", "/suggestions/{suggestion_id}/reopen"): (PHYS, True),
}


@pytest.fixture
def world(sqlite_portal, tmp_path):
    """Physician 1 owns a patient with an order that went through the lab; IDs fill the path templates."""
    doc = sqlite_portal.login("physician")
    pid = eligible_patient(doc)
    order = consent_and_order(doc, pid)
    tech = sqlite_portal.login("technologist")
    sample = accession_and_upload(tech, order["id"], tmp_path)
    job = ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    # signed Positive, so that the proband has a family with a relative (the family routes' objects)
    sqlite_portal.run_jobs()
    ok(sqlite_portal.login("director").post(f"/api/orders/{order['id']}/signout", json={}), 201)
    family = ok(doc.post(f"/api/orders/{order['id']}/family", json={}), 201)
    relative = {"relationship": "sibling", "display_name": "Sib Example", "birth_date": "2010-01-01"}
    family = ok(doc.post(f"/api/families/{family['id']}/members", json=relative), 201)
    # a case-find candidate suggested to physician 1 (the suggestion routes' objects)
    candidates = tmp_path / "candidates.tsv"
    candidates.write_text(
        "patient_id\tscore\tlevel\treasons\tcounts\tphysician_email\n"
        "EHR-0001\t9\tstrong\tchronic neutropenia (+4)\t6\tdoc@example.org\n"
    )
    with open(candidates, "rb") as fh:
        coord = sqlite_portal.login("coordinator")
        batch = ok(coord.post("/api/suggestion-imports", files={"file": ("c.tsv", fh, "text/plain")}), 201)
    (suggestion,) = ok(doc.get("/api/suggestions"))
    other = next(
        u for u in ok(sqlite_portal.login("admin").get("/api/admin/users")) if u["email"].startswith("doc2")
    )
    ids = {
        "patient_id": pid,
        "order_id": order["id"],
        "sample_id": sample["id"],
        "job_id": job["id"],
        "upload_id": ok(tech.get(f"/api/samples/{sample['id']}/review"))["uploads"][0]["id"],
        "user_id": other["id"],
        "family_id": family["id"],
        "member_id": family["members"][-1]["id"],
        "decision": "approve",
        "version": "2026.12.2+clinvar.20261124",  # no such release: allowed roles get 404
        "task_id": 1,
        "import_id": batch["id"],
        "suggestion_id": suggestion["id"],
        "name": "S.1.png",  # unlisted by this FASTQ analysis: lab gets 404 (test_chromatograms.py)
    }
    clients = {r: sqlite_portal.login(r) for r in (*ALL, "physician2")}
    return sqlite_portal, ids, clients


def _call(client, method: str, path: str):
    if path.startswith("/api/"):
        return client.request(
            method, path, json={} if method in ("POST", "PUT") else None, follow_redirects=False
        )
    data = {"csrf_token": client.headers.get("X-CSRF-Token", "")} if method == "POST" else None
    return client.request(method, path, data=data, follow_redirects=False)


def test_every_route_has_an_expectation(sqlite_portal):
    routes = {(m, p) for m, p, _ in route_table(sqlite_portal.app)}
    assert routes - PUBLIC - set(EXPECT) == set(), "routes without an authorization expectation"
    assert set(EXPECT) - routes == set(), "expectations for routes that do not exist"


def test_matrix(world):
    portal, ids, clients = world
    checked = 0
    for (method, template), (allowed, scoped) in EXPECT.items():
        path = template.format(**ids)
        anon = _call(portal.client, method, path)
        if path.startswith("/api/"):
            assert anon.status_code == 401, f"anonymous {method} {path}: {anon.status_code}"
        else:
            assert anon.status_code == 303 and anon.headers["location"].startswith("/login"), (method, path)
        for role in sorted(ALL - allowed):
            r = _call(clients[role], method, path)
            assert r.status_code == 403, f"{role} {method} {path}: {r.status_code} {r.text[:200]}"
        if scoped:
            r = _call(clients["physician2"], method, path)
            assert r.status_code in (403, 404), f"other physician {method} {path}: {r.status_code}"
        checked += 1
    assert checked == len(EXPECT)


def test_allowed_roles_are_not_refused(world):
    """The other half: a listed role is never answered 401/403 on its own objects (GET routes)."""
    portal, ids, clients = world
    for (method, template), (allowed, _) in EXPECT.items():
        if method != "GET" or "report" in template or "images" in template:
            continue
        for role in allowed:
            r = _call(clients[role], method, template.format(**ids))
            assert r.status_code not in (401, 403, 404) and r.status_code < 500, (
                role,
                template,
                r.status_code,
            )


def test_csrf_required_for_changes(world):
    portal, ids, clients = world
    doc = clients["physician"]
    token = doc.headers.pop("X-CSRF-Token")
    r = doc.post("/api/patients", json={"name": "X", "birth_date": "2000-01-01", "sex": "male"})
    assert r.status_code == 403 and "CSRF" in r.text
    r = doc.post(
        "/patients", data={"name": "X", "birth_date": "2000-01-01", "sex": "male", "csrf_token": "wrong"}
    )
    assert r.status_code == 403
    doc.headers["X-CSRF-Token"] = token
    assert (
        doc.post("/api/patients", json={"name": "X", "birth_date": "2000-01-01", "sex": "male"}).status_code
        == 201
    )
