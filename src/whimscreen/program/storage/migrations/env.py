"""Alembic environment: the URL comes from the config (set by ``migrate.alembic_config``) or the settings."""

from alembic import context

from whimscreen.program.storage.db import make_engine
from whimscreen.program.storage.models import Base

config = context.config


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from whimscreen.settings import get_settings

    return get_settings().resolved_database_url()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=Base.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # several server processes start together: one migrates, the others wait, then find it done
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
