"""Families (issue 15): a family only from a reported Positive proband; relatives' familial variant orders
(eligibility by relationship, consent and a minor's assent, the capacity setting with its database-side
guarantee); the parents' signed results written into the proband's case evidence."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from tests.reporting.conftest import pdf_pages
from tests.web.conftest import BOTH_DATABASES, database_url, make_portal
from tests.web.family_flow import VARIANT, add_relative, consent, positive_proband, relative_tested
from tests.web.flow import consent_and_order, eligible_patient, ok
from tests.web.live import at_once
from whimscreen.interpretation.pedigree import from_phenopacket_json, read_ped
from whimscreen.program import families, orders, signout
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import AuditEntry, Order


@pytest.fixture
def portal(tmp_path):
    p, client = make_portal(tmp_path, f"sqlite:///{tmp_path / 'portal.db'}")
    yield p
    client.__exit__(None, None, None)


@pytest.fixture(params=BOTH_DATABASES)
def any_portal(request, tmp_path):
    url, drop = database_url(request.param, tmp_path)
    p, client = make_portal(tmp_path, url)
    yield p
    client.__exit__(None, None, None)
    p.app.state.engine.dispose()
    if drop:
        drop()


def _family(portal, tmp_path):
    doc = portal.login("physician")
    proband = positive_proband(portal, doc, tmp_path)
    fam = ok(doc.post(f"/api/orders/{proband['id']}/family", json={}), 201)
    return portal, doc, proband, fam


@pytest.fixture
def family(portal, tmp_path):
    return _family(portal, tmp_path)


def test_family_only_from_a_reported_positive_proband(portal, tmp_path):
    doc = portal.login("physician")
    pid = eligible_patient(doc)
    order = consent_and_order(doc, pid)
    r = doc.post(f"/api/orders/{order['id']}/family", json={})
    assert r.status_code == 409 and "reported Positive" in r.json()["detail"]
    # a negative proband (no variant), signed: still no family
    other = eligible_patient(doc, "Bea Example")
    neg = consent_and_order(doc, other)
    from tests.web.flow import accession_and_upload

    tech = portal.login("technologist")
    sample = accession_and_upload(tech, neg["id"], tmp_path, None)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    portal.run_jobs()
    assert ok(portal.login("director").post(f"/api/orders/{neg['id']}/signout", json={}), 201)["result"] == (
        "Negative"
    )
    assert doc.post(f"/api/orders/{neg['id']}/family", json={}).status_code == 409


def test_family_of_a_positive_proband(family):
    portal, doc, proband, fam = family
    assert fam["variant"]["hgvs_c"] == VARIANT and fam["variant"]["key"].startswith("chr2:")
    assert fam["signed_class"] in ("Pathogenic", "Likely pathogenic")
    assert [m["relationship"] for m in fam["members"]] == ["proband"]
    # one family per proband, and another physician cannot start or see it
    assert doc.post(f"/api/orders/{proband['id']}/family", json={}).status_code == 409
    assert portal.login("physician2").get(f"/api/families/{fam['id']}").status_code == 404
    # a patient in a family once; one mother
    mother = add_relative(doc, fam["id"], "parent", "Mia Mother", side="mother", sex="female")
    again = {"relationship": "sibling", "display_name": "X", "patient_id": mother["patient_id"]}
    r = doc.post(f"/api/families/{fam['id']}/members", json=again)
    assert r.status_code == 409 and "already in this family" in r.json()["detail"]
    r = doc.post(
        f"/api/families/{fam['id']}/members",
        json={"relationship": "parent", "side": "mother", "display_name": "Second Mother"},
    )
    assert r.status_code == 409 and "already has a mother" in r.json()["detail"]
    # a correction from the page, audited with the values before
    form = {"affected": "no", "hpo": "HP:0001875", "csrf_token": doc.headers["X-CSRF-Token"]}
    r = doc.post(f"/families/{fam['id']}/members/{mother['id']}/edit", data=form, follow_redirects=False)
    assert r.status_code == 303
    now = next(m for m in ok(doc.get(f"/api/families/{fam['id']}"))["members"] if m["id"] == mother["id"])
    assert (now["affected"], now["hpo"]) == ("no", ["HP:0001875"])
    # removal has a way back, audited
    reason = {"reason": "entered under the wrong family"}
    ok(doc.post(f"/api/families/{fam['id']}/members/{mother['id']}/remove", json=reason))
    fam2 = ok(doc.post(f"/api/families/{fam['id']}/members/{mother['id']}/restore"))
    assert not next(m for m in fam2["members"] if m["id"] == mother["id"])["removed"]
    with unit_of_work(portal.app.state.sessions) as db:
        found = db.scalars(select(AuditEntry).where(AuditEntry.entity == "family_member"))
        details = [a.detail for a in found]
    assert any("removed: entered under the wrong family" in d for d in details) and "restored" in details
    assert "affected unknown, hpo -, deceased False -> affected no, hpo HP:0001875, deceased False" in details


def test_bad_member_input_is_refused_with_one_clear_line(family):
    portal, doc, proband, fam = family
    path = f"/api/families/{fam['id']}/members"
    cases = [
        ({"relationship": "sibling", "display_name": "A", "hpo": ["HP:12"]}, "not an HPO id"),
        ({"relationship": "parent", "display_name": "B"}, "mother or the father"),
        ({"relationship": "parent", "side": "father", "sex": "female", "display_name": "C"}, "father's sex"),
        ({"relationship": "child", "side": "mother", "display_name": "D"}, "side"),
    ]
    for body, words in cases:
        r = doc.post(path, json=body)
        assert r.status_code in (400, 422) and words in r.json()["detail"], (body, r.text)
    assert [m["relationship"] for m in ok(doc.get(f"/api/families/{fam['id']}"))["members"]] == ["proband"]


def test_relative_order_eligibility_consent_and_assent(family):
    portal, doc, proband, fam = family
    untested = add_relative(doc, fam["id"], "other", "Uncle Untested", born=None, affected="yes")
    r = doc.post(f"/api/families/{fam['id']}/members/{untested['id']}/orders")
    assert r.status_code == 409 and "record the relative as a patient" in r.json()["detail"]
    child = add_relative(doc, fam["id"], "child", "Kid Child", born="2020-01-02", sex="male")
    r = doc.post(f"/api/families/{fam['id']}/members/{child['id']}/orders")
    assert r.status_code == 409 and "consent" in r.json()["detail"]
    consent(doc, child["patient_id"], "parent")  # a minor: guardian's consent without assent
    r = doc.post(f"/api/families/{fam['id']}/members/{child['id']}/orders")
    assert r.status_code == 409 and "assent" in r.json()["detail"]
    consent(doc, child["patient_id"], "parent", assent_not_possible="six years old, too young to assent")
    order = ok(doc.post(f"/api/families/{fam['id']}/members/{child['id']}/orders"), 201)
    # eligible by relationship: the WHIM criteria (no counts recorded) are not asked for
    assert order["kind"] == "familial" and order["eligibility"] == "familial"
    assert order["familial_variant"] == fam["variant"]["key"] and order["status"] == "ordered"


def test_capacity_setting_relatives_off_and_on(family):
    portal, doc, proband, fam = family
    coord = portal.login("coordinator")
    ok(coord.put("/api/coordinator/capacity", json={"capacity": 1}))  # the proband holds the one place
    sib = add_relative(doc, fam["id"], "sibling", "Sam Sibling")
    consent(doc, sib["patient_id"])
    order = ok(doc.post(f"/api/families/{fam['id']}/members/{sib['id']}/orders"), 201)
    assert order["status"] == "ordered"  # off (default): no place needed
    summary = ok(coord.get("/api/coordinator/summary"))
    assert summary["enrolled"] == 1 and summary["relatives"]["open"] == 1
    assert summary["relatives"]["count_against_capacity"] is False
    with unit_of_work(portal.app.state.sessions) as db:
        assert orders.enrolled_count(db) == 1
    # on: relatives count; the sibling's open order now fills a second place -> the next one waits
    ok(coord.put("/api/coordinator/capacity", json={"capacity": 2}))
    ok(coord.put("/api/coordinator/relatives", json={"count_against_capacity": True}))
    assert ok(coord.get("/api/coordinator/summary"))["enrolled"] == 2
    with unit_of_work(portal.app.state.sessions) as db:  # the summary counts as the enrolment decision does
        assert orders.enrolled_count(db) == 2
    half = add_relative(doc, fam["id"], "half-sibling", "Hal Half", side="mother")
    consent(doc, half["patient_id"])
    waiting = ok(doc.post(f"/api/families/{fam['id']}/members/{half['id']}/orders"), 201)
    assert waiting["status"] == "waitlisted"
    new_proband = eligible_patient(doc, "Cy Proband")
    assert consent_and_order(doc, new_proband)["status"] == "waitlisted"
    # off again: the relative's waitlisted order is placed without a place, the proband still waits
    ok(coord.put("/api/coordinator/relatives", json={"count_against_capacity": False}))
    assert ok(doc.get(f"/api/orders/{waiting['id']}"))["status"] == "ordered"
    with unit_of_work(portal.app.state.sessions) as db:
        query = select(Order.kind, Order.status).where(Order.patient_id == new_proband)
        statuses = dict(db.execute(query).all())
    assert statuses == {"proband": "ordered"}  # the freed count (1 proband of 2) enrolled the proband


def test_capacity_guarantee_holds_when_relatives_count(any_portal, tmp_path):
    """With relatives counting, concurrent relative orders never exceed the capacity: the capacity row lock
    serialises every enrolment decision (orders.enter), on SQLite and PostgreSQL."""
    portal, doc, proband, fam = _family(any_portal, tmp_path)
    coord = portal.login("coordinator")
    ok(coord.put("/api/coordinator/relatives", json={"count_against_capacity": True}))
    ok(coord.put("/api/coordinator/capacity", json={"capacity": 2}))
    members = []
    for n in range(6):
        m = add_relative(doc, fam["id"], "sibling", f"Sib {n}")
        consent(doc, m["patient_id"])
        members.append(m)
    path = f"/api/families/{fam['id']}/members/{{}}/orders"
    answers = [r.json() for r in at_once(6, lambda i: doc.post(path.format(members[i]["id"])))]
    assert sorted(a["status"] for a in answers) == ["ordered"] + ["waitlisted"] * 5
    assert ok(coord.get("/api/coordinator/summary"))["enrolled"] == 2


def _parents(doc, fam):
    mother = add_relative(doc, fam["id"], "parent", "Mia Mother", side="mother", sex="female")
    father = add_relative(doc, fam["id"], "parent", "Fred Father", side="father", sex="male")
    consent(doc, mother["patient_id"])
    consent(doc, father["patient_id"])
    return mother, father


def test_de_novo_from_two_covered_parents_not_detected(family, tmp_path):
    portal, doc, proband, fam = family
    mother, father = _parents(doc, fam)
    m = relative_tested(portal, doc, fam["id"], mother, tmp_path)
    assert m["result"] == "Not detected" and m["analysis"]["result"]["qc_at_variant"]["covered"]
    # one parent signed: not determined yet
    assert ok(doc.get(f"/api/orders/{proband['id']}"))["de_novo"] is None
    f = relative_tested(portal, doc, fam["id"], father, tmp_path)
    assert f["result"] == "Not detected"
    assert ok(doc.get(f"/api/orders/{proband['id']}"))["de_novo"] == "assumed"  # PM6
    confirmed = {"confirmed": True, "basis": "STR trio 2026-11-02"}
    ok(doc.put(f"/api/families/{fam['id']}/parentage", json=confirmed))
    assert ok(doc.get(f"/api/orders/{proband['id']}"))["de_novo"] == "confirmed"  # PS2
    now = ok(doc.get(f"/api/families/{fam['id']}"))
    assert now["signed_class"] == now["current_class"] == "Likely pathogenic"  # PS2 alone does not lift it
    assert ok(portal.login("director").get("/api/review-queue")) == []
    with unit_of_work(portal.app.state.sessions) as db:
        details = [a.detail or "" for a in db.scalars(select(AuditEntry).where(AuditEntry.entity == "order"))]
    assert any(f"case evidence from family {fam['id']}: de novo None -> assumed" in d for d in details)
    # the family page, the PED export and the report's relatives
    page = doc.get(f"/families/{fam['id']}")
    assert page.status_code == 200 and "<svg" in page.text and "Not detected" in page.text
    ped = read_ped(doc.get(f"/families/{fam['id']}/pedigree.ped").text)
    assert {p.id: p.carrier for p in ped.persons} == {
        "father": "non-carrier",
        "mother": "non-carrier",
        "proband": "carrier",
    }
    assert ped.by_id["proband"].father == "father" and ped.by_id["proband"].proband
    pheno = from_phenopacket_json(doc.get(f"/families/{fam['id']}/pedigree.json").text)
    assert {p.id for p in pheno.persons} == {"father", "mother", "proband"}
    assert "Mia" not in doc.get(f"/families/{fam['id']}/pedigree.ped").text  # no names leave in exports
    letter = html.unescape(doc.get(f"/families/{fam['id']}/letter").text)
    assert VARIANT.split(":")[1] in letter and "50% (1 in 2) chance" in letter and "Physician" in letter
    with unit_of_work(portal.app.state.sessions) as db:
        rows = families.relatives_for_report(db, db.get(Order, proband["id"]))
    assert sorted((r["relationship"], r["result"]) for r in rows) == [
        ("parent (father)", "Not detected"),
        ("parent (mother)", "Not detected"),
    ]
    # the sponsor's figures count the program's proband only; the relatives' tests are apart
    from whimscreen.program import sponsor_export, sponsor_metrics

    with unit_of_work(portal.app.state.sessions) as db:
        exported = sponsor_export.rows(db, b"k" * 32)
        enrolled = sponsor_metrics.enrollment_series(db)
    assert len(exported) == 1 and exported[0]["result"] == "Positive"  # not the parents' Not detected
    assert enrolled[-1]["enrolled"] in (1, "<5")
    # the amended proband report (new information: de novo, parentage confirmed) lists the relatives tested
    director = portal.login("director")
    reason = {"kind": "amended", "reason": "Both parents tested: the variant arose de novo (PS2)"}
    ok(director.post(f"/api/orders/{proband['id']}/amend", json=reason), 201)
    text = " ".join(pdf_pages(doc.get(f"/api/orders/{proband['id']}/report").content, tmp_path))
    assert "Relatives tested" in text and "Mia Mother parent (mother) Not detected" in text
    svg = signout.document_of(_newest(portal, proband["id"]))["pedigree_svg"]
    assert svg.startswith("<svg") and "proband" in svg.lower()
    assert "PS2" in text


def test_a_class_changed_by_the_family_goes_to_the_review_queue(portal, tmp_path):
    """Myelokathexis (the highest phenotype tier) and a de novo variant with confirmed parentage give PS2
    strong: R334* moves from the signed Likely pathogenic to Pathogenic; the directors are told and the
    proband's order is in the review queue with the reason."""
    doc = portal.login("physician")
    proband = positive_proband(portal, doc, tmp_path, myelokathexis=True)
    fam = ok(doc.post(f"/api/orders/{proband['id']}/family", json={}), 201)
    assert fam["signed_class"] == "Likely pathogenic"
    confirmed = {"confirmed": True, "basis": "STR trio 2026-11-02"}
    ok(doc.put(f"/api/families/{fam['id']}/parentage", json=confirmed))
    assert ok(portal.login("director").get("/api/review-queue")) == []  # no parents' results yet
    mother, father = _parents(doc, fam)
    relative_tested(portal, doc, fam["id"], mother, tmp_path)
    relative_tested(portal, doc, fam["id"], father, tmp_path)
    assert ok(doc.get(f"/api/families/{fam['id']}"))["current_class"] == "Pathogenic"
    director = portal.login("director")
    queue = ok(director.get("/api/review-queue"))
    assert [(q["order_id"], q.get("family_id")) for q in queue] == [(proband["id"], fam["id"])]
    assert "signed report says Likely pathogenic" in queue[0]["reasons"][0]
    notes = [n["message"] for n in ok(director.get("/api/notifications"))]
    assert any("from Likely pathogenic (signed) to Pathogenic" in n for n in notes)


def test_one_inconclusive_parent_leaves_de_novo_not_determined(family, tmp_path):
    portal, doc, proband, fam = family
    mother, father = _parents(doc, fam)
    assert relative_tested(portal, doc, fam["id"], mother, tmp_path)["result"] == "Not detected"
    f = relative_tested(portal, doc, fam["id"], father, tmp_path, coverage=False)
    assert f["result"] == "Inconclusive"
    assert ok(doc.get(f"/api/orders/{proband['id']}"))["de_novo"] is None
    ev = ok(doc.get(f"/api/families/{fam['id']}/evidence"))
    assert ev["inheritance"] == "not_determined" and "Inconclusive" in ev["why"]


def test_carrier_mother_gives_maternal_and_segregation(family, tmp_path):
    """An affected carrier mother: inherited (no de novo) and one informative meiosis for PP1."""
    portal, doc, proband, fam = family
    mother, father = _parents(doc, fam)
    ok(doc.put(f"/api/families/{fam['id']}/members/{mother['id']}", json={"affected": "yes"}))
    assert relative_tested(portal, doc, fam["id"], mother, tmp_path, VARIANT)["result"] == "Detected"
    assert relative_tested(portal, doc, fam["id"], father, tmp_path)["result"] == "Not detected"
    order = ok(doc.get(f"/api/orders/{proband['id']}"))
    assert order["de_novo"] is None and order["segregation_meioses"] == 1
    assert ok(doc.get(f"/api/families/{fam['id']}/evidence"))["inheritance"] == "maternal"


def test_pedigree_from_the_members(family):
    """Siblings share both parents (unknown founders when untested), a half-sibling the parent on their
    side, the proband's children descend from the proband and a partner; 'other' is listed, not placed."""
    portal, doc, proband, fam = family
    sib = add_relative(doc, fam["id"], "sibling", "Sam Sibling", sex="male")
    half = add_relative(doc, fam["id"], "half-sibling", "Hal Half", side="father", born=None)
    kid = add_relative(doc, fam["id"], "child", "Kid Child", born=None, affected="yes")
    add_relative(doc, fam["id"], "other", "Aunt Other", born=None)
    ped = read_ped(doc.get(f"/families/{fam['id']}/pedigree.ped").text)
    by = ped.by_id
    assert (by["proband"].father, by["proband"].mother) == ("father", "mother")
    assert (by[f"sibling-{sib['id']}"].father, by[f"sibling-{sib['id']}"].mother) == ("father", "mother")
    assert by[f"half-sibling-{half['id']}"].father == "father"
    assert by[f"half-sibling-{half['id']}"].mother == f"mother-of-{half['id']}"
    child = by[f"child-{kid['id']}"]
    assert child.mother == "proband" and child.father == "partner" and child.affected is True
    assert not any("Aunt" in p.id or p.id.startswith("other-") for p in ped.persons)
    page = doc.get(f"/families/{fam['id']}").text
    assert "Aunt Other: relationship &#39;other&#39;, not placed in the pedigree" in page


def _newest(portal, order_id):
    with unit_of_work(portal.app.state.sessions) as db:
        record = signout.newest(db, db.get(Order, order_id))
        db.expunge(record)
        return record
