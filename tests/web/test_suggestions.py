"""Candidates of `screen` and `case-find` imported as suggestions to physicians: the file is checked line by
line, a suggestion is declined or becomes an order placed as usual, the funnels count it, uniqueness is the
database's, and no patient name is ever written to a suggestion."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.web.flow import accession_and_upload, eligible_patient, ok
from tests.web.suggestion_files import addressed, case_find_output, screen_output
from whimscreen.program.sponsor_metrics import funnel_counts
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import AuditEntry, Order, Suggestion, SuggestionImport

DOC = "doc@example.org"


def _import(client, path, code=201):
    with open(path, "rb") as fh:
        return ok(client.post("/api/suggestion-imports", files={"file": (path.name, fh, "text/plain")}), code)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("candidates")
    screen, truth = screen_output(root)
    return {"case-find": case_find_output(root), "screen": screen, "truth": truth}


def test_case_find_suggestion_declined_one_ordered_and_positive_counted(sqlite_portal, outputs, tmp_path):
    tsv = addressed(outputs["case-find"], tmp_path / "addressed.tsv", {"WHIM-1": DOC, "WHIM_MILD-1": DOC})
    coord, doc = sqlite_portal.login("coordinator"), sqlite_portal.login("physician")
    batch = _import(coord, tsv)
    assert batch["source"] == "case-find" and batch["candidates"] == 2 and batch["suggested"] == 2
    mine = {s["candidate"]: s for s in ok(doc.get("/api/suggestions"))}
    assert set(mine) == {"WHIM-1", "WHIM_MILD-1"}
    strong = mine["WHIM-1"]
    assert strong["suggestion"].startswith("consider CXCR4 testing") and strong["status"] == "suggested"
    assert strong["evidence"]["score"] > mine["WHIM_MILD-1"]["evidence"]["score"] > 0
    assert "neutropenia" in strong["summary"] and strong["file_row"] == 2
    assert ok(sqlite_portal.login("physician2").get("/api/suggestions")) == []

    # declined with a reason (a reason is required), reopened, declined again
    mild = mine["WHIM_MILD-1"]["id"]
    assert doc.post(f"/api/suggestions/{mild}/decline", json={"reason": " "}).status_code == 422
    ok(doc.post(f"/api/suggestions/{mild}/decline", json={"reason": "known drug-induced neutropenia"}))
    assert ok(doc.post(f"/api/suggestions/{mild}/reopen"))["status"] == "suggested"
    declined = ok(doc.post(f"/api/suggestions/{mild}/decline", json={"reason": "seen, not WHIM-like"}))
    assert declined["status"] == "declined" and declined["reason"] == "seen, not WHIM-like"

    # acted on: the physician's own patient, consent and eligibility as for any order
    pid = eligible_patient(doc, name="Grace Hopper-Example")
    other = sqlite_portal.login("physician2")
    other_pid = eligible_patient(other, name="Other Example")
    ok(other.post(f"/api/patients/{other_pid}/consent", json=_consent()), 201)
    r = other.post(f"/api/patients/{other_pid}/orders", json={"suggestion_id": strong["id"]})
    assert r.status_code == 404  # another physician's suggestion does not exist for them
    r = doc.post(f"/api/patients/{pid}/orders", json={"suggestion_id": strong["id"]})
    assert r.status_code == 409 and "consent" in r.text  # the suggestion never bypasses consent
    order = consent_and_order_from(doc, pid, strong["id"])
    s = ok(doc.get(f"/api/suggestions/{strong['id']}"))
    assert s["status"] == "ordered" and s["order_id"] == order["id"]
    assert any("from suggestion" in (e["note"] or "") for e in order["events"])
    r = doc.post(f"/api/suggestions/{strong['id']}/decline", json={"reason": "too late"})
    assert r.status_code == 409

    # signed Positive through the lab: the funnel counts it
    tech = sqlite_portal.login("technologist")
    sample = accession_and_upload(tech, order["id"], tmp_path)
    ok(tech.post(f"/api/samples/{sample['id']}/jobs"), 202)
    sqlite_portal.run_jobs()
    ok(sqlite_portal.login("director").post(f"/api/orders/{order['id']}/signout", json={}), 201)
    assert ok(doc.get(f"/api/orders/{order['id']}"))["result"] == "Positive"
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        assert funnel_counts(db, "case-find") == {
            "candidates": 2, "suggested": 2, "declined": 1, "ordered": 1, "cancelled": 0, "positive": 1
        }  # fmt: skip
        assert funnel_counts(db, "screen")["candidates"] == 0
        rows = [
            json.dumps({c.name: str(getattr(s, c.name)) for c in Suggestion.__table__.columns})
            for s in db.scalars(select(Suggestion))
        ]
        steps = db.scalars(select(AuditEntry.action).where(AuditEntry.entity == "suggestion"))
        assert set(steps) == {"decline", "reopen", "order"}
    m = ok(sqlite_portal.login("coordinator").get("/api/sponsor/metrics"))
    assert m["funnels"]["case_finding"] == {
        "candidates": "<5", "suggested": "<5", "declined": "<5", "ordered": "<5", "cancelled": 0,
        "positive": "<5",
    }  # fmt: skip
    assert m["funnels"]["screening"]["candidates"] == 0
    page = ok(sqlite_portal.login("coordinator").get("/sponsor")).text
    assert "Case finding (labs)" in page and "not counted yet" not in page

    # no patient name anywhere in suggestions: table, API, pages
    shown = [*rows, json.dumps(ok(doc.get("/api/suggestions"))), ok(doc.get("/suggestions")).text]
    shown.append(json.dumps(ok(coord.get("/api/suggestion-imports"))))
    for text in shown:
        assert "Grace" not in text and "Hopper" not in text


def _consent():
    from datetime import date

    from whimscreen.program.consent import CURRENT_VERSION

    return {
        "given_by": "Parent Example",
        "relationship": "parent",
        "consented_on": date.today().isoformat(),
        "version": CURRENT_VERSION,
    }


def consent_and_order_from(doc, pid: int, suggestion_id: int) -> dict:
    ok(doc.post(f"/api/patients/{pid}/consent", json=_consent()), 201)
    return ok(doc.post(f"/api/patients/{pid}/orders", json={"suggestion_id": suggestion_id}), 201)


def test_screen_candidates_become_one_suggestion_per_sample(sqlite_portal, outputs, tmp_path):
    truth = outputs["truth"]
    tsv = addressed(outputs["screen"], tmp_path / "screen.tsv", dict.fromkeys(truth, DOC))
    coord = sqlite_portal.login("coordinator")
    batch = _import(coord, tsv)
    assert batch["source"] == "screen" and batch["suggested"] == len(truth) == 2
    mine = {s["candidate"]: s for s in ok(sqlite_portal.login("physician").get("/api/suggestions"))}
    assert set(mine) == set(truth)
    for sample, c_name in truth.items():
        (variant,) = mine[sample]["evidence"]["variants"]
        assert variant["hgvs_c"].endswith(c_name) and c_name in mine[sample]["summary"]
        assert variant["classification"] in mine[sample]["summary"]
    # the same file again: refused by the database's unique constraint, nothing added
    r = _import(coord, tsv, 409)
    assert "already imported" in r["detail"]
    assert len(ok(coord.get("/api/suggestion-imports"))) == 1


def test_the_database_allows_one_suggestion_per_candidate_and_file(portal, outputs, tmp_path):
    tsv = addressed(outputs["case-find"], tmp_path / "a.tsv", {"WHIM-1": DOC})
    _import(portal.login("coordinator"), tsv)
    with pytest.raises(IntegrityError), unit_of_work(portal.app.state.sessions) as db:
        s = db.scalars(select(Suggestion)).one()
        copy = {c.name: getattr(s, c.name) for c in Suggestion.__table__.columns if c.name != "id"}
        db.add(Suggestion(**copy))
        db.flush()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda lines: [lines[0].replace("\tphysician_email", "")] + lines[1:], "line 1: no physician_email"),
        (lambda lines: ["a\tb"] + lines[1:], "line 1: not a candidates.tsv"),
        (lambda lines: lines[:2] + [lines[2].replace("\t6\t", "\tsix\t", 1)] + lines[3:], "line 3: score"),
        (lambda lines: lines[:3] + [lines[3] + "\textra"] + lines[4:], "line 4: 7 fields, expected 6"),
        (lambda lines: lines[:1] + [lines[1].replace("WHIM-1", "Ada Lovelace")] + lines[2:], "line 2: 'Ada"),
        (
            lambda lines: lines[:2] + [lines[2].replace(DOC, "nobody@example.org")] + lines[3:],
            "line 3: nobody",
        ),
        (lambda lines: lines[:2] + [lines[2].replace(DOC, "tech@example.org")] + lines[3:], "line 3: tech"),
        (lambda lines: lines[:-1] + [lines[-1] + DOC], "line 6: patient CYCLIC-1 has score -4"),
    ],
)
def test_a_bad_file_is_refused_whole_naming_its_line(sqlite_portal, outputs, tmp_path, edit, message):
    good = addressed(outputs["case-find"], tmp_path / "good.tsv", {"WHIM-1": DOC, "WHIM_MILD-1": DOC})
    bad = tmp_path / "bad.tsv"
    bad.write_text("\n".join(edit(good.read_text().splitlines())) + "\n")
    coord = sqlite_portal.login("coordinator")
    r = _import(coord, bad, 422)
    assert "bad.tsv " + message in r["detail"], r["detail"]
    assert "\n" not in r["detail"]
    assert ok(coord.get("/api/suggestion-imports")) == []
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        assert db.scalars(select(Suggestion)).all() == [] and db.scalars(select(SuggestionImport)).all() == []


def test_an_import_is_withdrawn_except_what_was_acted_on(sqlite_portal, outputs, tmp_path):
    tsv = addressed(outputs["case-find"], tmp_path / "w.tsv", {"WHIM-1": DOC, "WHIM_MILD-1": DOC})
    coord, doc = sqlite_portal.login("coordinator"), sqlite_portal.login("physician")
    batch = _import(coord, tsv)
    mine = {s["candidate"]: s["id"] for s in ok(doc.get("/api/suggestions"))}
    ok(doc.post(f"/api/suggestions/{mine['WHIM_MILD-1']}/decline", json={"reason": "not WHIM-like"}))
    r = coord.post(f"/api/suggestion-imports/{batch['id']}/withdraw", json={"reason": ""})
    assert r.status_code == 422
    done = ok(
        coord.post(f"/api/suggestion-imports/{batch['id']}/withdraw", json={"reason": "wrong physician"})
    )
    assert done == {"withdrawn": 1}
    status = {s["candidate"]: (s["status"], s["reason"]) for s in ok(doc.get("/api/suggestions"))}
    assert status == {
        "WHIM-1": ("withdrawn", "wrong physician"),
        "WHIM_MILD-1": ("declined", "not WHIM-like"),
    }
    # a withdrawn suggestion cannot be ordered from (the order is not placed either)
    pid = eligible_patient(doc)
    ok(doc.post(f"/api/patients/{pid}/consent", json=_consent()), 201)
    r = doc.post(f"/api/patients/{pid}/orders", json={"suggestion_id": mine["WHIM-1"]})
    assert r.status_code == 409
    assert ok(doc.get("/api/orders")) == []
    r = coord.post(f"/api/suggestion-imports/{batch['id']}/withdraw", json={"reason": "again"})
    assert r.status_code == 409
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        counts = funnel_counts(db, "case-find")
        assert counts["suggested"] == 1 and counts["candidates"] == 2  # the declined one was acted on
        actions = {(a.entity, a.action) for a in db.scalars(select(AuditEntry))}
        assert {("suggestion_import", "import"), ("suggestion_import", "withdraw")} <= actions


def test_the_pages_import_list_and_decline(sqlite_portal, outputs, tmp_path):
    tsv = addressed(outputs["case-find"], tmp_path / "p.tsv", {"WHIM-1": DOC})
    coord = sqlite_portal.login("coordinator")
    with open(tsv, "rb") as fh:
        r = coord.post(
            "/coordinator/suggestions",
            data={"csrf_token": coord.headers["X-CSRF-Token"]},
            files={"file": ("p.tsv", fh, "text/plain")},
            follow_redirects=False,
        )
    assert r.status_code == 303
    assert "p.tsv" in ok(coord.get("/coordinator/suggestions")).text
    doc = sqlite_portal.login("physician")
    page = ok(doc.get("/suggestions")).text
    assert "WHIM-1" in page and "Consider CXCR4 testing" in page
    pid = eligible_patient(doc)
    assert "In answer to a suggestion" in ok(doc.get(f"/patients/{pid}")).text
    (s,) = ok(doc.get("/api/suggestions"))
    r = doc.post(
        f"/suggestions/{s['id']}/decline",
        data={"csrf_token": doc.headers["X-CSRF-Token"], "reason": "followed elsewhere"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and ok(doc.get("/api/suggestions"))[0]["status"] == "declined"


def test_a_file_saved_by_a_spreadsheet_is_read(sqlite_portal, outputs, tmp_path):
    """A BOM, CRLF line ends and the blank last cells dropped: the same candidates, the blank ones counted."""
    good = addressed(outputs["case-find"], tmp_path / "good.tsv", {"WHIM-1": DOC})
    lines = [line.rstrip("\t") for line in good.read_text().splitlines()]
    saved = tmp_path / "saved.tsv"
    saved.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    batch = _import(sqlite_portal.login("coordinator"), saved)
    assert (batch["candidates"], batch["suggested"]) == (2, 1)
    (s,) = ok(sqlite_portal.login("physician").get("/api/suggestions"))
    assert s["candidate"] == "WHIM-1" and s["file_row"] == 2


def _ordered_from_suggestion(portal, outputs, tmp_path) -> dict:
    """WHIM-1 of the case-find output suggested to the physician, who orders from it."""
    tsv = addressed(outputs["case-find"], tmp_path / "addressed.tsv", {"WHIM-1": DOC})
    _import(portal.login("coordinator"), tsv)
    doc = portal.login("physician")
    (s,) = ok(doc.get("/api/suggestions"))
    return consent_and_order_from(doc, eligible_patient(doc), s["id"])


def test_positive_counts_through_the_replacement_of_a_rejected_sample(sqlite_portal, outputs, tmp_path):
    order = _ordered_from_suggestion(sqlite_portal, outputs, tmp_path)
    tech = sqlite_portal.login("technologist")
    sample = ok(tech.post(f"/api/orders/{order['id']}/accession", json={"specimen_type": "saliva"}), 201)
    ok(tech.post(f"/api/samples/{sample['id']}/reject", json={"reason": "haemolysed"}))
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        assert funnel_counts(db, "case-find")["positive"] == 0
        new = db.scalars(select(Order).where(Order.replaces_id == order["id"])).one()
        new.status, new.result_category = "reported", "Positive"
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        assert funnel_counts(db, "case-find") == {
            "candidates": 2, "suggested": 1, "declined": 0, "ordered": 1, "cancelled": 0, "positive": 1
        }  # fmt: skip


def test_an_order_cancelled_after_a_suggestion_is_not_counted_as_ordered(sqlite_portal, outputs, tmp_path):
    order = _ordered_from_suggestion(sqlite_portal, outputs, tmp_path)
    doc = sqlite_portal.login("physician")
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        counts = funnel_counts(db, "case-find")
        assert (counts["ordered"], counts["cancelled"]) == (1, 0)
    ok(doc.post(f"/api/orders/{order['id']}/cancel", json={"reason": "patient moved away"}))
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        assert funnel_counts(db, "case-find") == {
            "candidates": 2, "suggested": 1, "declined": 0, "ordered": 0, "cancelled": 1, "positive": 0
        }  # fmt: skip
    page = ok(sqlite_portal.login("coordinator").get("/sponsor")).text
    assert "<th>cancelled</th>" in page
