"""Background upkeep of one server process, outside any request: e-mail copies of notices
(``mailer.send_pending``) and the purge of login-throttle counters that can no longer slow anyone
(``throttle.purge_expired``).  A daemon thread runs both every ``interval`` seconds until stopped; a failure
of one round (a database hiccup) is retried the next round and never ends the thread."""

from __future__ import annotations

import contextlib
import threading

from sqlalchemy.orm import Session, sessionmaker

from whimscreen.program import mailer, throttle
from whimscreen.program.storage.db import unit_of_work


def run_once(factory: sessionmaker[Session], smtp: mailer.SmtpConfig) -> dict:
    sent = mailer.send_pending(factory, smtp)
    with unit_of_work(factory) as db:
        purged = throttle.purge_expired(db)
    return sent | {"throttle_purged": purged}


class Housekeeper:
    def __init__(self, factory: sessionmaker[Session], smtp: mailer.SmtpConfig, interval: float = 10):
        self.factory, self.smtp, self.interval = factory, smtp, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="whimscreen-housekeeping", daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):  # retried next round; the rows stay as they were
                run_once(self.factory, self.smtp)
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
