"""What every request pays for is paid once: the session and its user come from one query, the program's
settings from one query per transaction; and reading settings once never hides what another transaction
committed before a locked read (the capacity lock that serialises enrolment decisions)."""

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
