"""Login throttling: exponential back-off per (account, address) and per address, counted atomically.

Every attempt is counted *before* the password is checked (a compare-and-swap on the counter row, each in
its own short committed transaction), so parallel attempts cannot slip past the limit: of 50 simultaneous
wrong passwords only ``FREE`` are really checked.  A success clears its (account, address) counter.

- per (account, address): ``PAIR.free`` attempts, then a wait of ``base`` seconds doubling with each further
  failure (capped).  Only that address waits: the owner logging in from elsewhere is not locked out.
- per address (any accounts): ``ADDRESS.free`` attempts, then the same back-off with a longer base.
Counters reset once ``window`` has passed since the first counted failure and no wait is pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from whimscreen.program.errors import Throttled
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import LoginThrottle, utcnow


@dataclass(frozen=True)
class Policy:
    free: int  # attempts allowed without waiting
    base: timedelta  # the first wait; doubled with each further failure
    cap: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(hours=1)

    def wait_after(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return min(self.cap, self.base * 2 ** (failures - self.free))


PAIR = Policy(free=5, base=timedelta(seconds=30))
ADDRESS = Policy(free=30, base=timedelta(minutes=1))
_TRIES = 200


def pair_key(email: str, address: str) -> str:
    return f"acct:{email.strip().lower()}|{address}"[:320]


def address_key(address: str) -> str:
    return f"addr:{address}"[:320]


def _take(factory: sessionmaker[Session], key: str, policy: Policy) -> None:
    """Count one attempt on ``key`` or raise Throttled; atomic against parallel attempts."""
    for _ in range(_TRIES):
        try:
            with unit_of_work(factory) as db:
                row = db.get(LoginThrottle, key)
                # the time is read once the row is: on SQLite (BEGIN IMMEDIATE) the get may have waited for a
                # parallel attempt's commit, whose "next allowed" would otherwise lie in this attempt's future
                now = utcnow()
                if row is None:
                    db.add(
                        LoginThrottle(
                            key=key, failures=1, window_start=now, next_allowed_at=now + policy.wait_after(1)
                        )
                    )
                    db.flush()
                    return
                seen = (row.failures, row.window_start, row.next_allowed_at)
                if row.next_allowed_at > now:
                    raise Throttled(_message(row.next_allowed_at - now))
                fresh = now - row.window_start >= policy.window
                failures = 1 if fresh else row.failures + 1
                done = db.execute(
                    update(LoginThrottle)
                    .where(
                        LoginThrottle.key == key,
                        LoginThrottle.failures == seen[0],
                        LoginThrottle.window_start == seen[1],
                        LoginThrottle.next_allowed_at == seen[2],
                    )
                    .values(
                        failures=failures,
                        window_start=now if fresh else row.window_start,
                        next_allowed_at=now + policy.wait_after(failures),
                    )
                    .execution_options(synchronize_session=False)
                )
                if done.rowcount == 1:
                    return
        except (IntegrityError, OperationalError):  # a parallel attempt won the insert or the lock
            pass
    raise Throttled("too many simultaneous login attempts; try again in a minute")


def _message(wait: timedelta) -> str:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    return f"too many failed logins from this address; try again in {seconds} s"


def reserve(factory: sessionmaker[Session], email: str, address: str) -> None:
    """Count this attempt (per account+address, then per address) before any password is checked."""
    _take(factory, pair_key(email, address), PAIR)
    _take(factory, address_key(address), ADDRESS)


def succeeded(db: Session, email: str, address: str) -> None:
    """The password was right: this (account, address) starts afresh; the address gets its attempt back."""
    db.execute(delete(LoginThrottle).where(LoginThrottle.key == pair_key(email, address)))
    db.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == address_key(address), LoginThrottle.failures > 0)
        .values(failures=LoginThrottle.failures - 1)
        .execution_options(synchronize_session=False)
    )


def pending_wait(db: Session, email: str, address: str) -> datetime | None:
    row = db.scalar(select(LoginThrottle).where(LoginThrottle.key == pair_key(email, address)))
    return row.next_allowed_at if row else None


def purge_expired(db: Session, now: datetime | None = None) -> int:
    """Delete counters that can no longer slow anyone: their window is over and no wait is pending (the
    next attempt would start afresh anyway).  Keeps the table as small as the recent attackers."""
    now = now or utcnow()
    window = max(PAIR.window, ADDRESS.window)
    done = db.execute(
        delete(LoginThrottle)
        .where(LoginThrottle.window_start <= now - window, LoginThrottle.next_allowed_at <= now)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount
