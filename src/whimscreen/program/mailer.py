"""E-mail copies of notices (report ready, amended, corrected) through a configured SMTP sender.

Notices marked for e-mail are written with the transaction that caused them (``notifications.notify``,
``email_status='pending'``); ``send_pending`` sends them afterwards, outside any request, so a slow or
failing mail server never delays or undoes a sign-out.  Each row is claimed by a conditional update (one
sender wins when several server processes run), then marked ``sent`` or ``failed`` with the error.  With no
SMTP host configured (the demo) notices are marked ``off``: shown in the portal only.  The message holds no
result details beyond what the notice says; the physician reads the report in the portal.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import Notification, User, utcnow

SUBJECT = "WHIMscreen: a CXCR4 report needs your attention"


@dataclass(frozen=True)
class SmtpConfig:
    host: str | None
    port: int = 587
    sender: str = "whimscreen@localhost"
    starttls: bool = True
    user: str | None = None
    password: str | None = None
    timeout: float = 20

    @classmethod
    def from_settings(cls, s) -> SmtpConfig:
        return cls(s.smtp_host, s.smtp_port, s.smtp_from, s.smtp_starttls, s.smtp_user, s.smtp_password)


def _message(config: SmtpConfig, to: str, text: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = config.sender, to, SUBJECT
    msg.set_content(f"{text}\n\nSign in to the WHIMscreen portal to read the report.\n")
    return msg


def _send(config: SmtpConfig, msg: EmailMessage) -> None:
    with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
        if config.starttls:
            smtp.starttls()
        if config.user:
            smtp.login(config.user, config.password or "")
        smtp.send_message(msg)


def send_pending(factory: sessionmaker[Session], config: SmtpConfig, limit: int = 50) -> dict[str, int]:
    """Send (or, with e-mail off, mark ``off``) the pending notices; returns counts by outcome."""
    counts = {"sent": 0, "failed": 0, "off": 0}
    with unit_of_work(factory) as db:
        q = select(Notification.id).where(Notification.email_status == "pending").order_by(Notification.id)
        ids = list(db.scalars(q.limit(limit)))
    for note_id in ids:
        with unit_of_work(factory) as db:
            claimed = db.execute(
                update(Notification)
                .where(Notification.id == note_id, Notification.email_status == "pending")
                .values(email_status="sending")
            ).rowcount
        if not claimed:
            continue
        outcome, error = "off", None
        if config.host:
            with unit_of_work(factory) as db:
                note = db.get(Notification, note_id)
                to, text = db.get(User, note.user_id).email, note.message
            try:
                _send(config, _message(config, to, text))
                outcome = "sent"
            except (OSError, smtplib.SMTPException) as exc:
                outcome, error = "failed", f"{type(exc).__name__}: {exc}"[:500]
        with unit_of_work(factory) as db:
            note = db.get(Notification, note_id)
            note.email_status, note.email_error = outcome, error
            note.emailed_at = utcnow() if outcome == "sent" else None
        counts[outcome] += 1
    return counts
