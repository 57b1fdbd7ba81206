"""Classification review in the portal: a disagreement between the computed class and the knowledge base
goes to the director's queue, blocks sign-out until the director decides with a reason (audited, printed
on the report); the order's family evidence reaches the classification."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import IN_CI
from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok

S338X = "NM_003467.3:c.1013C>G"  # knowledge base WHIM009 asserts Pathogenic; no proband counts were read


def _pdf_text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        (pytest.fail if IN_CI else pytest.skip)("pdftotext (poppler-utils) not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def in_review(sqlite_portal, tmp_path):
    doc = sqlite_portal.login("physician")
    pid = eligible_patient(doc)
    order = consent_and_order(doc, pid)
    tech = sqlite_portal.login("technologist")
    sample = accession_and_upload(tech, order["id"], tmp_path, variant=S338X)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    assert sqlite_portal.run_jobs() == 1
    return sqlite_portal, doc, tech, order, sample


def test_disagreement_is_queued_blocks_signout_and_is_decided_with_a_reason(in_review, tmp_path):
    portal, doc, tech, order, sample = in_review
    review = ok(tech.get(f"/api/samples/{sample['id']}/review"))
    analysis = review["analysis"]
    v = analysis["variants"][0]
    assert v["classification"]["classification"] == "Uncertain significance"
    assert v["classification"]["knowledge_base_classification"] == "Pathogenic"
    assert analysis["result"]["review_required"] and analysis["result"]["result"] == "Uncertain"

    director = portal.login("director")
    [queued] = ok(director.get("/api/review-queue"))
    assert queued["order_id"] == order["id"] and "asserts Pathogenic" in queued["reasons"][0]
    refused = director.post(f"/api/orders/{order['id']}/signout", json={"comment": "ok"})
    assert refused.status_code == 409 and "decision" in refused.text

    job_id = review["jobs"][0]["id"]
    key = f"chr2:{v['grch38']['pos']}:{v['grch38']['ref']}:{v['grch38']['alt']}"
    body = {"variant_key": key, "classification": "Pathogenic", "reason": "classic WHIM truncation, OMIM"}
    assert tech.post(f"/api/jobs/{job_id}/decisions", json=body).status_code == 403  # director only
    short = director.post(f"/api/jobs/{job_id}/decisions", json=body | {"reason": "ok"})
    assert short.status_code == 422
    bad_key = director.post(f"/api/jobs/{job_id}/decisions", json=body | {"variant_key": "chr2:1:A:C"})
    assert bad_key.status_code == 422
    ok(director.post(f"/api/jobs/{job_id}/decisions", json=body), 201)

    assert ok(director.get("/api/review-queue")) == []
    after = ok(tech.get(f"/api/samples/{sample['id']}/review"))["analysis"]
    assert after["result"]["result"] == "Positive" and not after["result"]["review_required"]
    assert after["variants"][0]["classification"]["classification"] == "Uncertain significance"  # computed
    assert after["variants"][0]["reported_classification"] == "Pathogenic"

    audit = ok(portal.login("admin").get("/api/admin/audit"))
    assert any(e["action"] == "decide" and "classic WHIM truncation" in (e["detail"] or "") for e in audit)

    signed = ok(director.post(f"/api/orders/{order['id']}/signout", json={"comment": "ok"}), 201)
    assert signed["result"] == "Positive"
    text = " ".join(_pdf_text(doc.get(f"/api/orders/{order['id']}/report").content, tmp_path).split())
    assert "classic WHIM truncation, OMIM" in text and "Laboratory director's decision" in text
    assert "computed: Uncertain significance" in text


def test_family_evidence_from_the_order_reaches_the_classification(in_review):
    portal, doc, tech, order, sample = in_review
    # the physician records a confirmed de novo: PS2 (phenotype consistent, 1 point: moderate) -> LP
    ok(doc.put(f"/api/orders/{order['id']}/case-evidence", json={"de_novo": "confirmed"}))
    assert tech.put(f"/api/orders/{order['id']}/case-evidence", json={}).status_code == 403
    bad = doc.put(f"/api/orders/{order['id']}/case-evidence", json={"de_novo": "maybe"})
    assert bad.status_code == 422
    analysis = ok(tech.get(f"/api/samples/{sample['id']}/review"))["analysis"]
    c = analysis["variants"][0]["classification"]
    assert ("PS2", "moderate") in {(x["code"], x["strength"]) for x in c["criteria"]}
    assert c["classification"] == "Likely pathogenic" and not c["review_required"]
    assert analysis["result"]["result"] == "Positive"
    assert ok(portal.login("director").get("/api/review-queue")) == []
