"""One typed settings object, built on demand (never at import), from ``WHIMSCREEN_*`` variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from whimscreen.home import DEFAULT_HOME


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WHIMSCREEN_", extra="ignore")

    #: application data: installed reference, SQLite database, uploads, reports
    home: Path = DEFAULT_HOME  # read without pydantic by whimscreen.home.data_home (kept identical)
    #: SQLAlchemy URL; the embedded default is a SQLite file under ``home``
    database_url: str | None = None
    secret_key: str | None = None
    #: per server process: database connections requests may hold at once (one each); requests beyond
    #: wait, without a thread, for a free connection (503 after ``db_pool_timeout`` seconds)
    db_pool_size: int = 20
    #: extra connections for the job worker and start-up work (never used by requests)
    db_max_overflow: int = 5
    db_pool_timeout: float = 10.0
    #: threads running the sync endpoints (anyio's pool); must exceed ``db_pool_size``
    threads: int = 40
    #: sessions end after this many minutes without a request, and this many hours after login
    idle_timeout_minutes: float = 30
    session_hours: float = 8
    #: comma-separated addresses or networks of reverse proxies whose X-Forwarded-For is honoured
    trusted_proxies: str = ""
    #: analysis worker processes and the wall-time limit of one analysis
    job_workers: int = 2
    job_timeout_seconds: float = 3600
    #: report PDFs rendered by this many child processes per server process (0: in the request's thread)
    report_processes: int = 1
    #: e-mail copies of report notices (program/mailer.py); no host = e-mail off (the demo's default)
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_from: str = "whimscreen@localhost"
    smtp_starttls: bool = True
    smtp_user: str | None = None
    smtp_password: str | None = None

    def proxies(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.trusted_proxies.split(",") if p.strip())

    def resolved_database_url(self) -> str:
        import os

        url = self.database_url or os.environ.get("DATABASE_URL")
        return url or f"sqlite:///{self.home / 'whimscreen.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
