"""The sponsor's view: the de-identified export carries no name, birth date, record number, institution or
unshifted date; small cells are suppressed in the aggregates; the page draws its charts."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select

from tests.web.flow import consent_and_order, eligible_patient, ok
from whimscreen.program.sponsor_export import pseudonym, shift_days
from whimscreen.program.sponsor_metrics import percentiles, yield_row
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import Order


def test_the_export_has_no_direct_identifier_and_shifted_dates(sqlite_portal):
    doc = sqlite_portal.login("physician")
    p = ok(
        doc.post(
            "/api/patients",
            json={
                "name": "Ada Lovelace-Example",
                "birth_date": "2012-03-04",
                "sex": "female",
                "local_id": "MRN-4711",
            },
        ),
        201,
    )
    pid = p["id"]
    for days, anc, alc in ((200, 400, 700), (20, 350, 650)):
        taken = (datetime.now(UTC).date() - timedelta(days=days)).isoformat()
        ok(doc.post(f"/api/patients/{pid}/counts", json={"taken_on": taken, "anc": anc, "alc": alc}), 201)
    ok(doc.put(f"/api/patients/{pid}/clinical", json={"recurrent_infections": True, "warts": True}))
    consent_and_order(doc, pid)
    coord = sqlite_portal.login("coordinator")
    text = ok(coord.get("/api/sponsor/export.csv")).text
    packets = ok(coord.get("/api/sponsor/phenopackets.json"))
    parquet = ok(coord.get("/api/sponsor/export.parquet"))
    assert parquet.headers["content-type"] == "application/vnd.apache.parquet"
    table = pq.read_table(io.BytesIO(parquet.content))
    typed = table.to_pylist()
    today = datetime.now(UTC).date()
    secret = sqlite_portal.app.state.secret
    for exported in (text, json.dumps(packets), json.dumps(typed, default=str), str(table.schema)):
        for identifier in ("Ada", "Lovelace", "2012-03-04", "MRN-4711", "Test Hospital", "doc@example.org"):
            assert identifier not in exported
        for real in (
            today,
            today - timedelta(days=1),
            today - timedelta(days=20),
            today - timedelta(days=200),
        ):
            assert real.isoformat() not in exported  # order, consent and count dates never appear unshifted
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["patient"] == pseudonym(secret, pid) and row["patient"] != str(pid)
    shift = shift_days(secret, pid)
    assert shift != 0 and row["ordered_on"] == (today + timedelta(days=shift)).isoformat()
    assert row["age_at_order"] == str(today.year - 2012 - ((today.month, today.day) < (3, 4)))
    assert set(row["criteria_met"].split(";")) >= {"neutropenia", "warts", "recurrent-infections"}
    (parquet_row,) = typed  # the same row, typed
    assert parquet_row["patient"] == row["patient"] and parquet_row["order"] == row["order"]
    assert parquet_row["ordered_on"] == today + timedelta(days=shift)
    assert parquet_row["criteria_met"] == row["criteria_met"].split(";")
    assert parquet_row["reported_on"] is None and parquet_row["days_order_to_report"] is None
    assert table.schema.field("ordered_on").type == pa.date32() and tuple(table.column_names) == tuple(row)
    (packet,) = packets
    assert packet["subject"] == {
        "id": row["patient"],
        "sex": "FEMALE",
        "timeAtLastEncounter": {"age": {"iso8601duration": f"P{row['age_at_order']}Y"}},
    }
    assert {f["type"]["id"] for f in packet["phenotypicFeatures"]} >= {
        "HP:0001875",
        "HP:0200043",
        "HP:0002719",
    }
    assert packet["interpretations"][0]["progressStatus"] == "IN_PROGRESS"
    audit = ok(sqlite_portal.login("admin").get("/api/admin/audit"))
    assert sum(1 for e in audit if e["entity"] == "sponsor_export") == 3


def test_small_cells_are_suppressed(sqlite_portal):
    assert yield_row("x", 1, 3) == {"group": "x", "tested": "<5", "positive": "<5", "yield": None}
    assert yield_row("x", 2, 40)["yield"] is None and yield_row("x", 2, 40)["positive"] == "<5"
    assert yield_row("x", 0, 7) == {"group": "x", "tested": 7, "positive": 0, "yield": 0.0}
    assert yield_row("x", 5, 20)["yield"] == 0.25
    assert percentiles([1.0, 2.0, 3.0]) == {"n": "<5", "median_days": None, "p90_days": None}
    assert percentiles([float(d) for d in range(1, 11)]) == {"n": 10, "median_days": 5.0, "p90_days": 9.0}
    doc = sqlite_portal.login("physician")
    pid = eligible_patient(doc)
    consent_and_order(doc, pid)
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        order = db.scalars(select(Order)).one()
        order.status, order.result_category = "reported", "Positive"
        order.reported_at = order.created_at + timedelta(days=12)
    m = ok(sqlite_portal.login("coordinator").get("/api/sponsor/metrics"))
    assert m["yield_overall"] == {
        "group": "all reported orders",
        "tested": "<5",
        "positive": "<5",
        "yield": None,
    }
    assert m["yield_by_referral_source"] == [
        {"group": "Test Hospital", "tested": "<5", "positive": "<5", "yield": None}
    ]
    assert m["turnaround"]["order_to_report"]["median_days"] is None
    assert m["enrolled"] == 1 and m["enrollment"][-1]["enrolled"] == 1


def test_the_page_draws_enrollment_and_links_the_exports(sqlite_portal):
    doc = sqlite_portal.login("physician")
    consent_and_order(doc, eligible_patient(doc))
    page = ok(sqlite_portal.login("coordinator").get("/sponsor")).text
    assert "<svg" in page and "<polyline" in page and "capacity" in page
    assert "/api/sponsor/export.csv" in page and "withheld" in page
