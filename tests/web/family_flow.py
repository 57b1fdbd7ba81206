"""Family steps through the JSON API: a signed Positive proband, relatives recorded, consented, ordered,
analysed and signed (used by the family tests)."""

from __future__ import annotations

from datetime import date

from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
from whimscreen.program.consent import CURRENT_VERSION
from whimscreen.program.demo_data import write_gvcf
from whimscreen.reference.demo import demo_locus

VARIANT = "NM_003467.3:c.1000C>T"


def positive_proband(portal, doc, tmp_path, name="Ada Example", myelokathexis=None) -> dict:
    """A proband's order signed Positive for c.1000C>T (R334*)."""
    pid = eligible_patient(doc, name)
    if myelokathexis is not None:
        clinical = {"recurrent_infections": True, "warts": True, "myelokathexis": myelokathexis}
        ok(doc.put(f"/api/patients/{pid}/clinical", json=clinical))
    order = consent_and_order(doc, pid)
    tech = portal.login("technologist")
    sample = accession_and_upload(tech, order["id"], tmp_path, VARIANT)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    assert portal.run_jobs() == 1
    signed = ok(portal.login("director").post(f"/api/orders/{order['id']}/signout", json={}), 201)
    assert signed["result"] == "Positive"
    return order


def add_relative(doc, family_id: int, relationship: str, name: str, born: str | None = "1980-05-06", **extra):
    body = {"relationship": relationship, "display_name": name, "birth_date": born} | extra
    fam = ok(doc.post(f"/api/families/{family_id}/members", json=body), 201)
    return next(m for m in fam["members"] if m["display_name"] == name)


def consent(doc, patient_id: int, relationship="self", **assent) -> None:
    body = {
        "given_by": "Relative Example",
        "relationship": relationship,
        "consented_on": date.today().isoformat(),
        "version": CURRENT_VERSION,
    } | assent
    ok(doc.post(f"/api/patients/{patient_id}/consent", json=body), 201)


def relative_tested(portal, doc, family_id: int, member: dict, tmp_path, variant=None, coverage=True) -> dict:
    """Order, accession, upload a gVCF (with the variant or not, covered or not), analyse, sign."""
    order = ok(doc.post(f"/api/families/{family_id}/members/{member['id']}/orders"), 201)
    tech = portal.login("technologist")
    sample = ok(
        tech.post(f"/api/orders/{order['id']}/accession", json={"specimen_type": "peripheral blood (EDTA)"}),
        201,
    )
    vcf = write_gvcf(demo_locus(), tmp_path / f"rel{order['id']}.vcf", "R", variant, coverage=coverage)
    with open(vcf, "rb") as fh:
        files = {"file": ("calls.vcf", fh, "text/plain")}
        ok(tech.post(f"/api/samples/{sample['id']}/uploads", files=files), 201)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    assert portal.run_jobs() == 1
    review = ok(tech.get(f"/api/samples/{sample['id']}/review"))
    lab_page = tech.get(f"/lab/samples/{sample['id']}")
    assert lab_page.status_code == 200 and "Known familial variant test" in lab_page.text
    assert review["analysis"]["result"]["test"] == "familial variant"
    signed = ok(portal.login("director").post(f"/api/orders/{order['id']}/signout", json={}), 201)
    return {"order": order, "analysis": review["analysis"], "result": signed["result"]}
