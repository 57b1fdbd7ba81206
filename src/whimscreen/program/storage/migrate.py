"""Apply the Alembic migrations (``migrations/``) to a database URL; used on server start and in tests."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config

from whimscreen.program.storage.db import normalize_url


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("whimscreen.program.storage") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
