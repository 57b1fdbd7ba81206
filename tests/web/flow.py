"""The whole workflow through the JSON API, as reusable steps (used by several tests)."""

from __future__ import annotations

from datetime import date, timedelta

from whimscreen.program.consent import CURRENT_VERSION
from whimscreen.program.demo_data import write_gvcf
from whimscreen.reference.demo import demo_locus


def ok(r, code=200):
    assert r.status_code == code, f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    return r.json() if r.headers.get("content-type", "").startswith("application/json") else r


def eligible_patient(doc, name="Ada Example") -> int:
    p = ok(doc.post("/api/patients", json={"name": name, "birth_date": "2012-03-04", "sex": "female"}), 201)
    today = date.today()
    for days, anc, alc in ((200, 400, 700), (20, 350, 650)):
        taken = (today - timedelta(days=days)).isoformat()
        ok(doc.post(f"/api/patients/{p['id']}/counts", json={"taken_on": taken, "anc": anc, "alc": alc}), 201)
    ok(doc.put(f"/api/patients/{p['id']}/clinical", json={"recurrent_infections": True, "warts": True}))
    return p["id"]


def consent_and_order(doc, patient_id: int) -> dict:
    ok(
        doc.post(
            f"/api/patients/{patient_id}/consent",
            json={
                "given_by": "Parent Example",
                "relationship": "parent",
                "consented_on": date.today().isoformat(),
                "version": CURRENT_VERSION,
            },
        ),
        201,
    )
    return ok(doc.post(f"/api/patients/{patient_id}/orders", json={}), 201)


def accession_and_upload(tech, order_id: int, tmp_path, variant="NM_003467.3:c.1000C>T") -> dict:
    sample = ok(
        tech.post(f"/api/orders/{order_id}/accession", json={"specimen_type": "peripheral blood (EDTA)"}), 201
    )
    vcf = write_gvcf(demo_locus(), tmp_path / f"order{order_id}.vcf", "S1", variant)
    with open(vcf, "rb") as fh:
        ok(
            tech.post(
                f"/api/samples/{sample['id']}/uploads", files={"file": ("calls.vcf", fh, "text/plain")}
            ),
            201,
        )
    return sample
