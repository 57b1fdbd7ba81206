"""Sign-out only on what was analysed, and a way back from every mistake before sign-out (issue 13 items 3
and 4), on SQLite and PostgreSQL: each action role-checked, audited, and the physician notified."""

from __future__ import annotations

from sqlalchemy import update

from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
from whimscreen.program.demo_data import write_gvcf
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import Order
from whimscreen.reference.demo import demo_locus


def _upload(tech, sample_id: int, path):
    with open(path, "rb") as fh:
        return ok(tech.post(f"/api/samples/{sample_id}/uploads", files={"file": (path.name, fh)}), 201)


def _in_review(portal, tmp_path, variant=None):
    """A patient's order analysed (a gVCF with ``variant``, None: wild type) and waiting in review."""
    doc, tech = portal.login("physician"), portal.login("technologist")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = accession_and_upload(tech, order["id"], tmp_path, variant=variant)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    assert portal.run_jobs() == 1
    assert ok(tech.get(f"/api/samples/{sample['id']}/review"))["order"]["status"] == "review"
    return doc, tech, order, sample


def _audit(portal, order_patient: int) -> set:
    entries = ok(portal.login("admin").get(f"/api/admin/audit?patient_id={order_patient}"))
    return {(e["action"], e["entity"], e["detail"]) for e in entries}


def test_a_file_added_in_review_is_analysed_before_sign_out(portal, tmp_path):
    """The finding: a pathogenic VCF added in review, signed NEGATIVE. Now the order needs analysis, sign-out
    refuses, the wrong file is deleted with a reason, the re-run sees the new file and the report says so."""
    doc, tech, order, sample = _in_review(portal, tmp_path, variant=None)
    director2 = portal.login("director2")
    wrong = ok(tech.get(f"/api/samples/{sample['id']}/review"))["uploads"][0]
    right = _upload(
        tech, sample["id"], write_gvcf(demo_locus(), tmp_path / "right.vcf", "S1", "NM_003467.3:c.1000C>T")
    )
    review = ok(tech.get(f"/api/samples/{sample['id']}/review"))
    assert review["order"]["status"] == "sequencing" and not review["analysis_current"]
    r = director2.post(f"/api/orders/{order['id']}/signout", json={})
    assert r.status_code == 409, r.text
    # two files now: the wrong one goes, with a reason
    assert tech.post(f"/api/uploads/{wrong['id']}/delete", json={"reason": " "}).status_code == 422
    ok(tech.post(f"/api/uploads/{wrong['id']}/delete", json={"reason": "wrong patient's file"}))
    assert [u["id"] for u in ok(tech.get(f"/api/samples/{sample['id']}/review"))["uploads"]] == [right["id"]]
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    assert portal.run_jobs() == 1
    review = ok(tech.get(f"/api/samples/{sample['id']}/review"))
    assert review["order"]["status"] == "review" and review["analysis_current"]
    assert review["analysis"]["result"]["result"] == "Positive"
    assert ok(director2.post(f"/api/orders/{order['id']}/signout", json={}), 201)["result"] == "Positive"
    assert ("delete", "upload", "wrong patient's file") in _audit(portal, order["patient_id"])


def test_sign_out_refuses_an_analysis_of_other_files(portal, tmp_path):
    """Whatever the order's status says, the signed analysis must have used exactly the current files."""
    doc, tech, order, sample = _in_review(portal, tmp_path)
    _upload(tech, sample["id"], write_gvcf(demo_locus(), tmp_path / "more.vcf", "S1"))
    with unit_of_work(portal.app.state.sessions) as db:  # as an older server left it: in review
        db.execute(update(Order).where(Order.id == order["id"]).values(status="review"))
    r = portal.login("director2").post(f"/api/orders/{order['id']}/signout", json={})
    assert r.status_code == 409 and "did not use the sample's current files" in r.json()["detail"]


def test_replace_a_file_and_deleting_waits_for_a_running_analysis(portal, tmp_path):
    doc, tech = portal.login("physician"), portal.login("technologist")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = accession_and_upload(tech, order["id"], tmp_path)
    first = ok(tech.get(f"/api/samples/{sample['id']}/review"))["uploads"][0]
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    r = tech.post(f"/api/uploads/{first['id']}/delete", json={"reason": "wrong"})
    assert r.status_code == 409 and "queued or running" in r.json()["detail"]
    portal.run_jobs()
    path = write_gvcf(demo_locus(), tmp_path / "new.vcf", "S1")
    with open(path, "rb") as fh:
        new = ok(tech.post(f"/api/uploads/{first['id']}/replace", files={"file": ("new.vcf", fh)}), 201)
    review = ok(tech.get(f"/api/samples/{sample['id']}/review"))
    assert [u["id"] for u in review["uploads"]] == [new["id"]] and review["order"]["status"] == "sequencing"
    assert tech.post(f"/api/uploads/{first['id']}/delete", json={"reason": "again"}).status_code == 409


def test_reject_in_review_asks_for_a_new_sample_keeping_the_place(portal, tmp_path):
    doc, tech, order, sample = _in_review(portal, tmp_path)
    coord = portal.login("coordinator")
    enrolled = ok(coord.get("/api/coordinator/summary"))["enrolled"]
    assert tech.post(f"/api/samples/{sample['id']}/reject", json={"reason": ""}).status_code == 422
    body = ok(tech.post(f"/api/samples/{sample['id']}/reject", json={"reason": "haemolysed"}))
    new = body["replacement_order"]
    assert body["sample"]["rejected_reason"] == "haemolysed"
    assert ok(doc.get(f"/api/orders/{order['id']}"))["status"] == "rejected"
    assert new["status"] == "ordered" and new["patient_id"] == order["patient_id"]
    assert ok(coord.get("/api/coordinator/summary"))["enrolled"] == enrolled  # the place moved, not freed
    notes = ok(doc.get("/api/notifications"))
    assert any("haemolysed" in n["message"] and n["order_id"] == new["id"] for n in notes)
    assert tech.post(f"/api/samples/{sample['id']}/jobs").status_code == 409  # the rejected sample is done
    assert portal.login("director2").post(f"/api/orders/{order['id']}/signout", json={}).status_code == 409
    # the new sample goes through the lab on the replacement order
    second = accession_and_upload(tech, new["id"], tmp_path)
    assert second["accession"] != sample["accession"]
    assert any(d and d.startswith("rejected") for _, _, d in _audit(portal, order["patient_id"]))


def test_cancel_frees_the_place_for_the_oldest_waitlisted_and_notifies(portal, tmp_path):
    doc, tech, coord = portal.login("physician"), portal.login("technologist"), portal.login("coordinator")
    ok(coord.put("/api/coordinator/capacity", json={"capacity": 1}))
    first = consent_and_order(doc, eligible_patient(doc, "P One"))
    second = consent_and_order(doc, eligible_patient(doc, "P Two"))
    third = consent_and_order(doc, eligible_patient(doc, "P Three"))
    assert [o["status"] for o in (first, second, third)] == ["ordered", "waitlisted", "waitlisted"]
    sample = accession_and_upload(tech, first["id"], tmp_path)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)  # mid-analysis: still cancellable
    other = portal.login("physician2")
    assert other.post(f"/api/orders/{first['id']}/cancel", json={"reason": "x"}).status_code == 404
    assert tech.post(f"/api/orders/{first['id']}/cancel", json={"reason": "x"}).status_code == 403
    listed = ok(coord.get("/api/coordinator/orders"))
    assert {o["id"] for o in listed} == {first["id"], second["id"], third["id"]} and "P One" not in str(
        listed
    )
    ok(coord.post(f"/api/orders/{first['id']}/cancel", json={"reason": "withdrawn from the study"}))
    assert ok(doc.get(f"/api/orders/{first['id']}"))["status"] == "cancelled"
    assert ok(doc.get(f"/api/orders/{second['id']}"))["status"] == "ordered"  # oldest first
    assert ok(doc.get(f"/api/orders/{third['id']}"))["status"] == "waitlisted"
    job = ok(tech.get(f"/api/samples/{sample['id']}/review"))["jobs"][0]
    assert job["status"] == "failed" and "cancelled" in job["error"]  # the queued job never runs
    assert portal.run_jobs() == 0
    messages = [n["message"] for n in ok(doc.get("/api/notifications"))]
    assert any("cancelled by the coordinator" in m for m in messages)
    assert any(f"Order {second['id']} was enrolled from the waitlist" in m for m in messages)
    ok(doc.post("/api/notifications/read"))
    assert all(n["read"] for n in ok(doc.get("/api/notifications")))
    r = doc.post(f"/api/orders/{first['id']}/cancel", json={"reason": "again"})
    assert r.status_code == 409


def test_reopen_and_rerun_a_review(portal, tmp_path):
    doc, tech, order, sample = _in_review(portal, tmp_path)
    director = portal.login("director")
    assert tech.post(f"/api/orders/{order['id']}/reopen", json={"reason": "x"}).status_code == 403
    ok(director.post(f"/api/orders/{order['id']}/reopen", json={"reason": "QC looks doubtful"}))
    assert ok(doc.get(f"/api/orders/{order['id']}"))["status"] == "sequencing"
    # the director re-runs; then a second director signs (the one who ran it cannot)
    rerun = ok(director.post(f"/api/samples/{sample['id']}/jobs"), 202)
    assert ok(director.post(f"/api/samples/{sample['id']}/jobs"), 200)["id"] == rerun["id"]  # idempotent
    assert portal.run_jobs() == 1
    assert director.post(f"/api/orders/{order['id']}/signout", json={}).status_code == 403
    ok(portal.login("director2").post(f"/api/orders/{order['id']}/signout", json={}), 201)
    assert director.post(f"/api/orders/{order['id']}/reopen", json={"reason": "late"}).status_code == 409
    assert tech.post(f"/api/samples/{sample['id']}/reject", json={"reason": "late"}).status_code == 409
    assert doc.post(f"/api/orders/{order['id']}/cancel", json={"reason": "late"}).status_code == 409


def test_a_running_analysis_of_a_cancelled_order_is_discarded(portal, tmp_path):
    from whimscreen.program import jobs

    doc, tech = portal.login("physician"), portal.login("technologist")
    order = consent_and_order(doc, eligible_patient(doc))
    sample = accession_and_upload(tech, order["id"], tmp_path)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    factory, app = portal.app.state.sessions, portal.app
    with unit_of_work(factory) as db:
        job_id = jobs.claim_next(db)

    def cancel_meanwhile(paths, sample_id, out, phenotype):
        ok(doc.post(f"/api/orders/{order['id']}/cancel", json={"reason": "changed mind"}))
        return app.state.runner(paths, sample_id, out, phenotype)

    jobs.execute(factory, job_id, cancel_meanwhile, app.state.home / "analyses")
    assert ok(doc.get(f"/api/orders/{order['id']}"))["status"] == "cancelled"
    assert ok(tech.get(f"/api/jobs/{job_id}"))["status"] == "failed"
