"""One typed settings object, built on demand (never at import), from ``WHIMSCREEN_*`` variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WHIMSCREEN_", extra="ignore")

    #: application data: installed reference, SQLite database, uploads, reports
    home: Path = Path.home() / ".local" / "share" / "whimscreen"
    #: SQLAlchemy URL; the embedded default is a SQLite file under ``home``
    database_url: str | None = None
    secret_key: str | None = None

    def resolved_database_url(self) -> str:
        import os

        url = self.database_url or os.environ.get("DATABASE_URL")
        return url or f"sqlite:///{self.home / 'whimscreen.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
