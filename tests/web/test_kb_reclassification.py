"""Activating a knowledge-base release re-evaluates every signed order: a ClinVar fixture that changes one
signed case creates exactly one reclassification task (and a notice to the directors), an unchanged case
none; activating again creates no duplicate; a director closes the task with a reason (audited)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.interpretation.clinvar_fixtures import write_vcf
from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
from whimscreen.interpretation.clinvar_release import read_vcf
from whimscreen.interpretation.kb_release import add_curated, build_clinvar
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import Job, KbRelease, ReclassificationTask
from whimscreen.reference import get_locus


def _signed(portal, tmp_path, name: str, variant: str) -> dict:
    doc = portal.login("physician")
    order = consent_and_order(doc, eligible_patient(doc, name))
    tech = portal.login("technologist")
    sample_dir = tmp_path / name.replace(" ", "_")
    sample_dir.mkdir()
    sample = accession_and_upload(tech, order["id"], sample_dir, variant=variant)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    return order | {"sample_id": sample["id"]}


def _r334x_benign(home, tmp_path):
    """A curated release in which the lab's (made-up) population evidence makes c.1000C>T Benign."""
    curated = tmp_path / "curated.tsv"
    curated.write_text(
        "hgvs_c\tclassification\tfiltering_af\tfiltering_af_source\tcurator\n"
        "c.1000C>T\tBenign\t0.2\tmade-up population study for this test\tDr Curator\n"
    )
    return add_curated(get_locus(home), home, curated, "Dr Director")


@pytest.fixture
def two_signed(sqlite_portal, tmp_path):
    """Order A carries R334X (ClinVar 14020), order B S339fs (ClinVar 14021, computed Uncertain here, so the
    director decides Pathogenic with a reason); both signed Positive."""
    a = _signed(sqlite_portal, tmp_path, "Ada Example", "NM_003467.3:c.1000C>T")
    b = _signed(sqlite_portal, tmp_path, "Bea Example", "NM_003467.3:c.1016_1017del")
    assert sqlite_portal.run_jobs() == 2
    director = sqlite_portal.login("director")
    review = ok(sqlite_portal.login("technologist").get(f"/api/samples/{b['sample_id']}/review"))
    g = review["analysis"]["variants"][0]["grch38"]
    decision = {
        "variant_key": f"chr2:{g['pos']}:{g['ref']}:{g['alt']}",
        "classification": "Pathogenic",
        "reason": "truncating C-tail frameshift, ClinVar and OMIM",
    }
    ok(director.post(f"/api/jobs/{review['jobs'][0]['id']}/decisions", json=decision), 201)
    for order in (a, b):
        assert ok(director.post(f"/api/orders/{order['id']}/signout", json={"comment": "ok"}), 201)[
            "result"
        ] == ("Positive")
    return sqlite_portal, director, a, b


def test_a_clinvar_change_opens_one_task_for_the_changed_case_only(two_signed, tmp_path):
    portal, director, a, b = two_signed
    home = portal.app.state.home
    locus = get_locus(home)
    fixtures = tmp_path / "clinvar"
    fixtures.mkdir()
    release = build_clinvar(locus, home, read_vcf(write_vcf(fixtures, locus, r334x="Uncertain_significance"),
                                                  locus), "tester")  # fmt: skip
    [listed] = ok(director.get("/api/kb/releases"))
    assert listed["version"] == release.version and not listed["active"]
    page = director.get("/admin/kb")
    assert page.status_code == 200 and release.version in page.text and "WHIM001" in page.text

    csrf = {"csrf_token": director.headers["X-CSRF-Token"]}
    r = director.post(f"/admin/kb/{release.version}/activate", data=csrf, follow_redirects=False)
    assert r.status_code == 303
    [task] = ok(director.get("/api/reclassification/tasks"))
    assert task["order_id"] == a["id"] and task["release"] == release.version  # B unchanged: no task
    [change] = task["changes"]["variants"]
    assert change["old_clinvar"] == "Pathogenic" and change["new_clinvar"] == "Uncertain significance"
    assert change["old"] == change["new"] == "Likely pathogenic"  # ClinVar never decides the class
    assert (
        "c.1000C>T" in task["summary"] and "ClinVar Pathogenic -> Uncertain significance" in task["summary"]
    )
    assert task["amend"] == f"/orders/{a['id']}/amend?task={task['id']}"
    notes = ok(director.get("/api/notifications"))
    assert any(release.version in n["message"] and f"#{a['id']}" in n["message"] for n in notes)
    assert (home / "kb" / "active.json").is_file()  # the job processes' view of the active release

    # activating again re-evaluates and creates no duplicate (unique (order_id, release))
    again = ok(director.post(f"/api/kb/releases/{release.version}/activate"))
    assert again["tasks_created"] == [] and again["release"]["active"]
    with unit_of_work(portal.app.state.sessions) as db:
        assert len(db.scalars(select(ReclassificationTask)).all()) == 1
        assert len(db.scalars(select(KbRelease).where(KbRelease.active.is_(True))).all()) == 1

    page = director.get("/lab/reclassification")
    assert page.status_code == 200 and f"/orders/{a['id']}/amend?task={task['id']}" in page.text
    short = director.post(f"/api/reclassification/tasks/{task['id']}/close", json={"note": "fine"})
    assert short.status_code == 422
    note = {"note": "ClinVar's VUS is one submitter; our evidence stands"}
    closed = ok(director.post(f"/api/reclassification/tasks/{task['id']}/close", json=note))
    assert closed["status"] == "closed" and ok(director.get("/api/reclassification/tasks")) == []
    audit = ok(portal.login("admin").get("/api/admin/audit"))
    assert any(e["action"] == "close" and "our evidence stands" in (e["detail"] or "") for e in audit)
    assert any(e["action"] == "activate" and release.version in (e["detail"] or "") for e in audit)


def test_a_curated_addition_that_changes_the_class_changes_the_result(two_signed, tmp_path):
    """The lab's evidence (not a lookup) changes the computed class of A's R334X and so its result; B's class
    is the director's decision and does not move."""
    portal, director, a, b = two_signed
    home = portal.app.state.home
    release = _r334x_benign(home, tmp_path)
    ok(director.post(f"/api/kb/releases/{release.version}/activate"))
    [task] = ok(director.get("/api/reclassification/tasks"))
    assert task["order_id"] == a["id"]
    [change] = task["changes"]["variants"]
    assert change["old"] == "Likely pathogenic" and change["new"] == "Benign"
    assert task["changes"]["result"]["old"] == "Positive" and task["changes"]["result"]["new"] != "Positive"


def test_curated_upload_errors_are_shown(sqlite_portal):
    director = sqlite_portal.login("director")
    bad = b"hgvs_c\tclassification\tcurator\nc.1000C>T\tPathogenic\tDr C\n"
    r = director.post("/admin/kb/curated", files={"file": ("mine.tsv", bad, "text/plain")},
                      data={"csrf_token": director.headers["X-CSRF-Token"]})  # fmt: skip
    assert r.status_code == 422 and "mine.tsv: line 2: no citation" in r.text
    assert ok(director.get("/api/kb/releases")) == []


def test_one_active_release_and_unique_versions_are_database_rules(portal):
    from sqlalchemy.exc import IntegrityError

    def release(version: str, active: bool) -> KbRelease:
        return KbRelease(version=version, sha256="0" * 64, path="/x", created_by="t", diff="{}",
                         active=active)  # fmt: skip

    with unit_of_work(portal.app.state.sessions) as db:
        db.add_all([release("2026.12.2+lab.1", True), release("2026.12.2+lab.2", False)])
    with pytest.raises(IntegrityError), unit_of_work(portal.app.state.sessions) as db:
        db.add(release("2026.12.2+lab.3", True))
    with pytest.raises(IntegrityError), unit_of_work(portal.app.state.sessions) as db:
        db.add(release("2026.12.2+lab.1", False))  # version unique


def test_the_way_back_to_the_package_knowledge_base(two_signed, tmp_path):
    """A wrong release is undone by activating the package's knowledge base: the case it changed is
    re-evaluated against the signed report again (no change now: no new task), and jobs read the package."""
    portal, director, a, b = two_signed
    home = portal.app.state.home
    release = _r334x_benign(home, tmp_path)
    assert len(ok(director.post(f"/api/kb/releases/{release.version}/activate"))["tasks_created"]) == 1
    back = ok(director.post("/api/kb/releases/package/activate"))
    assert back["release"] is None and back["tasks_created"] == []
    assert not (home / "kb" / "active.json").exists()
    assert not any(r["active"] for r in ok(director.get("/api/kb/releases")))
    assert "No release is active" in director.get("/admin/kb").text


def test_a_task_is_resolved_by_the_amended_report_it_proposes(two_signed, tmp_path):
    """From the task: the amend form proposes the task's summary as the reason; the amended version resolves
    the task, says what changed on page 1, and the physician is told."""
    from tests.reporting.conftest import pdf_pages

    portal, director, a, b = two_signed
    home = portal.app.state.home
    locus = get_locus(home)
    fixtures = tmp_path / "clinvar"
    fixtures.mkdir()
    vcf = write_vcf(fixtures, locus, r334x="Uncertain_significance")
    release = build_clinvar(locus, home, read_vcf(vcf, locus), "tester")
    ok(director.post(f"/api/kb/releases/{release.version}/activate"))
    [task] = ok(director.get("/api/reclassification/tasks"))
    form = director.get(task["amend"])
    assert form.status_code == 200 and "ClinVar Pathogenic -&gt; Uncertain significance" in form.text
    assert f'name="task_id" value="{task["id"]}"' in form.text
    other = director.get(f"/orders/{b['id']}/amend", params={"task": task["id"]})
    assert other.status_code == 422  # a task of another order

    body = {"kind": "amended", "reason": task["summary"], "task_id": task["id"]}
    refused = director.post(f"/api/orders/{a['id']}/amend", json=body)
    assert refused.status_code == 409 and "needs the director's decision" in refused.text  # ClinVar now VUS
    review = ok(portal.login("technologist").get(f"/api/samples/{a['sample_id']}/review"))
    g = review["analysis"]["variants"][0]["grch38"]
    key = f"chr2:{g['pos']}:{g['ref']}:{g['alt']}"
    reason = "one ClinVar VUS submission does not outweigh the case evidence"
    decision = {"variant_key": key, "classification": "Likely pathogenic", "reason": reason}
    ok(director.post(f"/api/jobs/{review['jobs'][0]['id']}/decisions", json=decision), 201)
    v2 = ok(director.post(f"/api/orders/{a['id']}/amend", json=body), 201)
    assert v2["version"] == 2 and ok(director.get("/api/reclassification/tasks")) == []
    again = director.post(f"/api/orders/{a['id']}/amend", json=body)
    assert again.status_code == 409 and "amended" in again.text  # the task is resolved once

    doc = portal.login("physician")
    first = pdf_pages(doc.get(f"/api/orders/{a['id']}/report").content, tmp_path)[0]
    assert "AMENDED — replaces version 1 of" in first and "knowledge-base release" in first
    notes = [n["message"] for n in ok(doc.get("/api/notifications"))]
    assert any("was amended" in n and release.version in n for n in notes)


def test_a_job_uses_the_release_the_database_says_is_active_not_the_marker(sqlite_portal, tmp_path):
    """The data home's marker is written after the activation commits; if that write failed (here: the
    marker removed), a job started afterwards still interprets with the database's active release."""
    home = sqlite_portal.app.state.home
    release = _r334x_benign(home, tmp_path)
    director = sqlite_portal.login("director")
    ok(director.post(f"/api/kb/releases/{release.version}/activate"))
    (home / "kb" / "active.json").unlink()  # as if writing it had failed
    doc = sqlite_portal.login("physician")
    placed = consent_and_order(doc, eligible_patient(doc, "Cleo Example"))
    tech = sqlite_portal.login("technologist")
    sample = accession_and_upload(tech, placed["id"], tmp_path, variant="NM_003467.3:c.1000C>T")
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    assert sqlite_portal.run_jobs() == 1
    with unit_of_work(sqlite_portal.app.state.sessions) as db:  # what the job itself wrote
        analysis = json.loads(db.scalars(select(Job).where(Job.sample_id == sample["id"])).one().result_json)
    assert analysis["result"]["kb_version"] == release.version
    [variant] = analysis["variants"]
    assert variant["classification"]["classification"] == "Benign"
    assert analysis["result"]["result"] != "Positive"
