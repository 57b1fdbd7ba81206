"""The growing lists come in pages: /api/orders and /api/patients answer ``limit`` records from ``offset``
with the total in X-Total-Count, orders filter by status, and an order list costs the same number of
queries whatever its length (events and waitlist positions loaded together, not one query per order); a page
and its total come from one statement (a window count), a page past the end still knows the total; the
physician's patients page pages its patients and shows the newest orders."""

from __future__ import annotations

from sqlalchemy import event

from tests.web.flow import accession_and_upload, consent_and_order, eligible_patient, ok
from whimscreen.web.schemas import TOTAL


def _queries(portal, client, path: str, **params) -> tuple[int, object]:
    seen = []

    def count(*_args, **_kw):
        seen.append(1)

    event.listen(portal.app.state.engine, "before_cursor_execute", count)
    try:
        r = client.get(path, params=params)
    finally:
        event.remove(portal.app.state.engine, "before_cursor_execute", count)
    return len(seen), r


def _statements(portal, client, path: str, **params) -> tuple[list[str], object]:
    seen: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()).lower())

    event.listen(portal.app.state.engine, "before_cursor_execute", keep)
    try:
        r = client.get(path, params=params)
    finally:
        event.remove(portal.app.state.engine, "before_cursor_execute", keep)
    return seen, r


def test_a_page_and_its_total_come_from_one_statement_and_past_the_end_the_total_stays(portal):
    doc = portal.login("physician")
    ids = [eligible_patient(doc, f"Pat {n}") for n in range(3)]
    seen, r = _statements(portal, doc, "/api/patients", limit=2)
    assert [p["id"] for p in ok(r)] == ids[:2] and r.headers[TOTAL] == "3"
    assert sum(" from patients" in s for s in seen) == 1  # the page and its total together
    last = doc.get("/api/patients", params={"limit": 2, "offset": 2})
    assert [p["id"] for p in ok(last)] == ids[2:] and last.headers[TOTAL] == "3"
    past = doc.get("/api/patients", params={"limit": 2, "offset": 5})
    assert ok(past) == [] and past.headers[TOTAL] == "3"  # no row carries it: counted apart
    other = portal.login("physician2")
    none = other.get("/api/patients")
    assert ok(none) == [] and none.headers[TOTAL] == "0"
    orders_seen, orders = _statements(portal, doc, "/api/orders", limit=1)
    assert ok(orders) == [] and orders.headers[TOTAL] == "0"
    assert sum(" from orders" in s and "order_events" not in s for s in orders_seen) == 1


def test_orders_and_patients_in_pages_with_the_total_and_a_fixed_query_count(sqlite_portal, tmp_path):
    doc = sqlite_portal.login("physician")
    ids = [consent_and_order(doc, eligible_patient(doc, f"Pat {n}"))["id"] for n in range(2)]
    queries_for_2, _ = _queries(sqlite_portal, doc, "/api/orders")
    ids += [consent_and_order(doc, eligible_patient(doc, f"Pat {n}"))["id"] for n in range(2, 6)]
    queries_for_6, r = _queries(sqlite_portal, doc, "/api/orders")
    assert queries_for_6 == queries_for_2  # no query per order
    assert [o["id"] for o in ok(r)] == sorted(ids, reverse=True) and r.headers[TOTAL] == "6"
    assert all(o["events"] for o in r.json())

    page = doc.get("/api/orders", params={"limit": 4, "offset": 4})
    assert [o["id"] for o in ok(page)] == sorted(ids, reverse=True)[4:] and page.headers[TOTAL] == "6"
    patients = doc.get("/api/patients", params={"limit": 2, "offset": 1})
    assert [p["name"] for p in ok(patients)] == ["Pat 1", "Pat 2"] and patients.headers[TOTAL] == "6"
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"status": "lost"}):
        assert doc.get("/api/orders", params=bad).status_code == 422, bad

    tech = sqlite_portal.login("technologist")
    accession_and_upload(tech, ids[0], tmp_path)
    received = tech.get("/api/orders", params={"status": ["received", "sequencing"]})
    assert [o["id"] for o in ok(received)] == [ids[0]] and received.headers[TOTAL] == "1"
    worklist = tech.get("/api/orders", params={"limit": 2})
    assert [o["id"] for o in ok(worklist)] == sorted(ids)[:2] and worklist.headers[TOTAL] == "6"
    mine = doc.get("/api/orders", params={"status": "ordered"})
    assert ids[0] not in [o["id"] for o in ok(mine)] and mine.headers[TOTAL] == "5"


def test_the_patients_page_pages_its_patients(sqlite_portal, monkeypatch):
    from whimscreen.web.routes import patients as route

    doc = sqlite_portal.login("physician")
    for n in range(3):
        consent_and_order(doc, eligible_patient(doc, f"Pat {n}"))
    monkeypatch.setattr(route, "PAGE_SIZE", 2)
    first = ok(doc.get("/patients")).text
    assert "Pat 0" in first and "Pat 1" in first and "Pat 2</a>" not in first
    assert "Patients 1–2 of 3" in first and 'href="/patients?offset=2"' in first
    assert "The newest 2 of 3 orders" in first
    second = ok(doc.get("/patients", params={"offset": 2})).text
    assert "Pat 2</a>" in second and "Pat 0</a>" not in second and 'href="/patients?offset=0"' in second


def test_the_coordinators_open_orders_in_pages_and_not_in_the_title(sqlite_portal, monkeypatch):
    from whimscreen.web.routes import coordinator as route

    doc = sqlite_portal.login("physician")
    ids = [consent_and_order(doc, eligible_patient(doc, f"Pat {n}"))["id"] for n in range(3)]
    coord = sqlite_portal.login("coordinator")
    listed = coord.get("/api/coordinator/orders", params={"limit": 2, "offset": 1})
    assert [o["id"] for o in ok(listed)] == ids[1:] and listed.headers[TOTAL] == "3"
    monkeypatch.setattr(route, "PAGE_SIZE", 2)
    page = ok(coord.get("/coordinator")).text
    title = page[page.index("<title>") : page.index("</title>")]
    assert "form" not in title and "Open orders" not in title  # the table once rendered inside <title>
    assert page.count('id="open-orders"') == 1 and f"/orders/{ids[2]}/cancel" not in page
    assert "Open orders 1–2 of 3" in page and 'href="/coordinator?offset=2#open-orders"' in page
    assert f"/orders/{ids[2]}/cancel" in ok(coord.get("/coordinator", params={"offset": 2})).text


def test_the_lab_worklist_in_pages(sqlite_portal, monkeypatch):
    from whimscreen.web.routes import lab as route

    doc = sqlite_portal.login("physician")
    ids = [consent_and_order(doc, eligible_patient(doc, f"Pat {n}"))["id"] for n in range(3)]
    monkeypatch.setattr(route, "PAGE_SIZE", 2)
    tech = sqlite_portal.login("technologist")
    first = ok(tech.get("/lab")).text
    assert f'href="/orders/{ids[0]}"' in first and f'href="/orders/{ids[2]}"' not in first
    assert "Orders 1–2 of 3, oldest first" in first and 'href="/lab?offset=2"' in first
    second = ok(tech.get("/lab", params={"offset": 2})).text
    assert f'href="/orders/{ids[2]}"' in second and f'href="/orders/{ids[0]}"' not in second
