"""What every request pays for is paid once: the session and its user come from one query, the program's
settings from one query per transaction; and reading settings once never hides what another transaction
committed before a locked read (the capacity lock that serialises enrolment decisions); pages read what they
show once, and a list of report versions leaves the PDFs in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from whimscreen.program import config
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import Setting


def _statements(portal, client, path: str) -> list[str]:
    seen: list[str] = []

    def keep(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()).lower())

    event.listen(portal.app.state.engine, "before_cursor_execute", keep)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(portal.app.state.engine, "before_cursor_execute", keep)
    return seen


def test_a_read_finds_its_session_and_user_in_one_query(sqlite_portal):
    doc = sqlite_portal.login("physician")
    seen = _statements(sqlite_portal, doc, "/notifications")
    assert sum("from sessions join users" in s for s in seen) == 1
    assert [s for s in seen if "users" in s] == [s for s in seen if "from sessions join users" in s]


def test_the_study_page_reads_the_settings_once(sqlite_portal):
    coord = sqlite_portal.login("coordinator")
    assert coord.put("/api/coordinator/capacity", json={"capacity": 7}).status_code == 200
    seen = _statements(sqlite_portal, coord, "/coordinator")  # capacity, relatives, criteria
    assert sum("from settings" in s for s in seen) == 1
    assert ">7<" in coord.get("/coordinator").text.replace(" ", "")


def test_a_setting_changed_after_it_was_read_is_seen_under_the_lock(tmp_path):
    from tests.web.postgres import fresh_database
    from whimscreen.program.storage.db import make_engine, session_factory
    from whimscreen.program.storage.migrate import upgrade

    url, drop = fresh_database()
    engine = make_engine(url)
    try:
        upgrade(url)
        sessions = session_factory(engine)
        with unit_of_work(sessions) as db:
            config._set(db, "capacity", "300")
        with unit_of_work(sessions) as mine:
            assert (config.capacity(mine), config.relatives_count(mine)) == (300, False)  # read, then kept
            held = mine.get(Setting, "capacity")  # and the row object, held in this unit of work
            assert held.value == "300"
            with unit_of_work(sessions) as other:  # committed by someone else meanwhile
                config._set(other, "capacity", "5")
                config._set(other, "relatives_count_against_capacity", "true")
            assert config.relatives_count(mine) is False  # one read per transaction, as before
            assert config.capacity(mine, lock=True) == 5  # the row as committed, not the copy read first
            assert held.value == "5"
            assert config.relatives_count(mine) is True  # read again after the lock
    finally:
        engine.dispose()
        drop()


@pytest.mark.parametrize("order", ["get-then-set", "set-then-get"])
def test_a_setting_written_in_a_transaction_is_read_back_in_it(sqlite_portal, order):
    with unit_of_work(sqlite_portal.app.state.sessions) as db:
        if order == "get-then-set":
            config.capacity(db)
        config._set(db, "capacity", "42")
        assert config.capacity(db) == 42


def test_an_orders_page_lists_its_report_versions_without_reading_their_pdfs(sqlite_portal, tmp_path):
    from tests.web.family_flow import positive_proband

    doc = sqlite_portal.login("physician")
    order = positive_proband(sqlite_portal, doc, tmp_path)
    o = order["id"]
    for path in (f"/orders/{o}", f"/api/orders/{o}", f"/api/orders/{o}/reports"):
        signouts = [s for s in _statements(sqlite_portal, doc, path) if " from signouts" in s]
        assert signouts and not any("report_pdf" in s or "document_json" in s for s in signouts), path
    assert doc.get(f"/orders/{order['id']}/report.pdf").content.startswith(b"%PDF")  # read when downloaded
    page = _statements(sqlite_portal, doc, f"/orders/{order['id']}")
    assert sum(" from samples" in s for s in page) == 1  # the current sample read once
    tech = sqlite_portal.login("technologist")
    sample = tech.get(f"/api/orders/{order['id']}").json()["sample"]["id"]
    review = _statements(sqlite_portal, tech, f"/lab/samples/{sample}")
    assert sum(" from uploads" in s for s in review) == 1  # the files shown are the files compared


def test_the_request_transaction_commits_or_rolls_back_and_gives_its_connection_back(sqlite_portal):
    """``get_db`` makes the session on the loop and ends the transaction in the thread pool."""
    from sqlalchemy.orm import Session

    from whimscreen.program.errors import InvalidInput
    from whimscreen.web.deps import DB

    app, client = sqlite_portal.app, sqlite_portal.client

    def fails(db: Session = DB):
        db.add(Setting(key="probe_failed", value="1"))
        db.flush()  # written in the transaction, then the request fails
        raise InvalidInput("refused after a write")

    def succeeds(db: Session = DB):
        db.add(Setting(key="probe_kept", value="1"))
        return {"ok": True}

    app.add_api_route("/test/fails", fails, methods=["GET"])
    app.add_api_route("/test/succeeds", succeeds, methods=["GET"])
    pool = app.state.engine.pool
    assert client.get("/test/fails").status_code == 422 and pool.checkedout() == 0
    assert client.get("/test/succeeds").json() == {"ok": True} and pool.checkedout() == 0
    with unit_of_work(app.state.sessions) as db:
        assert db.get(Setting, "probe_failed") is None and db.get(Setting, "probe_kept").value == "1"
