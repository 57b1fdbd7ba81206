"""Issue 13 item 7: settings typed and bounded, dates against birth and today, consent, duplicates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.web.flow import eligible_patient, ok
from whimscreen.program.consent import CURRENT_VERSION
from whimscreen.program.storage.db import unit_of_work


@pytest.mark.parametrize(
    "body, word",
    [
        ({"anc_below": "abc"}, "anc_below"),
        ({"duffy_anc_band": "x"}, "duffy_anc_band"),
        ({"chronic_days": -1}, "chronic_days"),
        ({"duffy_anc_band": [1500, 500]}, "duffy_anc_band"),
        ({"min_supportive": 99}, "min_supportive"),
        ({"anc_below": 0}, "anc_below"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_criteria_refused_and_patient_pages_keep_working(sqlite_portal, body, word):
    coord, doc = sqlite_portal.login("coordinator"), sqlite_portal.login("physician")
    pid = eligible_patient(doc)
    before = ok(coord.get("/api/coordinator/criteria"))
    r = coord.put("/api/coordinator/criteria", json=body)
    assert r.status_code == 422 and word in r.text, r.text
    assert ok(coord.get("/api/coordinator/criteria")) == before
    assert ok(doc.get(f"/api/patients/{pid}"))["eligibility"]["decision"] == "eligible"
    assert doc.get(f"/patients/{pid}").status_code == 200


def test_good_criteria_change_applies(sqlite_portal):
    coord = sqlite_portal.login("coordinator")
    new = ok(coord.put("/api/coordinator/criteria", json={"chronic_days": 60, "duffy_anc_band": [400, 1400]}))
    assert new["chronic_days"] == 60 and tuple(new["duffy_anc_band"]) == (400, 1400)
    assert new["anc_below"] == 1500.0  # untouched


def _patient(doc, born="2016-05-10", name="Kid Example"):
    return ok(doc.post("/api/patients", json={"name": name, "birth_date": born, "sex": "male"}), 201)["id"]


def test_dates_checked_against_birth_and_today(sqlite_portal):
    doc = sqlite_portal.login("physician")
    pid = _patient(doc)
    before_birth = doc.post(f"/api/patients/{pid}/counts", json={"taken_on": "2015-01-01", "anc": 300})
    assert before_birth.status_code == 422 and "before the patient's birth" in before_birth.text
    future = (date.today() + timedelta(days=3)).isoformat()
    assert doc.post(f"/api/patients/{pid}/counts", json={"taken_on": future, "anc": 300}).status_code == 422
    r = doc.put(f"/api/patients/{pid}/clinical", json={"igg": 500, "igg_date": "2014-02-02"})
    assert r.status_code == 422 and "IgG date" in r.text

    def consent(on, relationship="parent"):
        return doc.post(
            f"/api/patients/{pid}/consent",
            json={
                "given_by": "Someone",
                "relationship": relationship,
                "consented_on": on,
                "version": CURRENT_VERSION,
            },
        )

    old = consent("1900-01-01")
    assert old.status_code == 422 and "before the patient's birth" in old.text
    assert consent(future).status_code == 422
    r = consent("2025-06-01")  # after birth, before the consent text existed
    assert r.status_code == 422 and "was issued" in r.text
    minor = consent(date.today().isoformat(), "self")
    assert minor.status_code == 422 and "minor" in minor.text
    ok(consent(date.today().isoformat(), "parent"), 201)
    adult = _patient(doc, born="1990-01-01", name="Grown Up")
    ok(
        doc.post(
            f"/api/patients/{adult}/consent",
            json={
                "given_by": "Grown Up",
                "relationship": "self",
                "consented_on": date.today().isoformat(),
                "version": CURRENT_VERSION,
            },
        ),
        201,
    )


def test_duplicate_patient_warned_then_allowed_with_confirmation(sqlite_portal):
    doc, other = sqlite_portal.login("physician"), sqlite_portal.login("physician2")
    first = _patient(doc, name="Ada  Lovelace")
    body = {"name": "ada lovelace", "birth_date": "2016-05-10", "sex": "female"}
    r = doc.post("/api/patients", json=body)
    assert r.status_code == 409 and f"patient {first}" in r.text and "confirm" in r.text
    ok(other.post("/api/patients", json=body), 201)  # another physician's patient is not a duplicate
    second = ok(doc.post("/api/patients", json=body | {"confirm_duplicate": True}), 201)
    assert second["id"] != first
    page = doc.post(
        "/patients", data=body | {"csrf_token": doc.headers["X-CSRF-Token"]}, follow_redirects=False
    )
    assert (
        page.status_code == 409
        and "Possible duplicate" in page.text
        and 'name="confirm_duplicate"' in page.text
    )
    confirmed = doc.post(
        "/patients",
        data=body | {"csrf_token": doc.headers["X-CSRF-Token"], "confirm_duplicate": "yes"},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303


def test_stored_bad_criteria_give_a_clear_error_not_a_crash(sqlite_portal):
    """Settings written before the validation existed: a clear message naming the fix, never a 500."""
    from whimscreen.program.storage.models import Setting

    doc = sqlite_portal.login("physician")
    pid = eligible_patient(doc)
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        db.merge(Setting(key="eligibility_criteria", value='{"anc_below": "abc"}'))
    r = doc.get(f"/api/patients/{pid}")
    assert r.status_code == 400 and "anc_below" in r.text and "coordinator must set them again" in r.text
    assert doc.get(f"/patients/{pid}").status_code == 400
    coord = sqlite_portal.login("coordinator")
    ok(coord.put("/api/coordinator/criteria", json={"anc_below": 1500}))  # the way back
    assert ok(doc.get(f"/api/patients/{pid}"))["eligibility"]["decision"] == "eligible"
