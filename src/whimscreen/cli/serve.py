"""``whimscreen serve``: the portal on the configured database; ``whimscreen demo``: a seeded demo study."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from whimscreen.settings import get_settings


def _run(app, host: str, port: int) -> None:
    import uvicorn

    # proxy headers are applied by the app itself, from WHIMSCREEN_TRUSTED_PROXIES only (web/app.py)
    uvicorn.run(app, host=host, port=port, proxy_headers=False, log_level="info")


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
) -> None:
    """Run the portal on DATABASE_URL (default: a SQLite file in the data directory); migrates first."""
    from whimscreen.program.storage.migrate import upgrade
    from whimscreen.web.app import config_from_settings, create_app

    cfg = config_from_settings()
    upgrade(cfg.database_url)
    typer.echo(f"database: {_safe(cfg.database_url)}")
    _first_run(cfg.database_url)
    _run(create_app(cfg), host, port)


def _first_run(url: str) -> None:
    """No active administrator yet: offer to create one (interactive), or say how."""
    import sys

    from whimscreen.program import users
    from whimscreen.program.storage.db import make_engine, session_factory, unit_of_work

    engine = make_engine(url)
    try:
        with unit_of_work(session_factory(engine)) as db:
            if users.active_admins(db):
                return
    finally:
        engine.dispose()
    typer.echo(
        "No administrator account yet. Create one with:\n"
        "  whimscreen admin create-user --email EMAIL --name NAME --role admin"
    )
    if sys.stdin.isatty() and typer.confirm("Create the first administrator now?", default=True):
        from whimscreen.cli.admin import _password, make_user

        email = typer.prompt("Email")
        name = typer.prompt("Name")
        make_user(email, name, "admin", _password(False))
        typer.echo(f"administrator {email} created")


def demo(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    home: Path = typer.Option(None, "--home", help="Demo data directory (default: DATA_DIR/demo)."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Seed only, do not start the server."),
) -> None:
    """Seed a demo study (a user per role, demo patients and data) and start the portal: on DATABASE_URL
    when set (e.g. PostgreSQL), else on a SQLite file in the demo directory."""
    from dataclasses import replace

    from whimscreen.program.demo_seed import seed
    from whimscreen.program.storage.migrate import upgrade
    from whimscreen.web.app import _default_runner, config_from_settings, create_app

    settings = get_settings()
    home = home or settings.home / "demo"
    url = settings.database_url or os.environ.get("DATABASE_URL") or f"sqlite:///{home / 'demo.db'}"
    home.mkdir(parents=True, exist_ok=True)
    upgrade(url)
    app = create_app(replace(config_from_settings(), home=home, database_url=url))
    accounts = seed(app.state.sessions, home, _default_runner(home))
    typer.echo(
        f"demo study in {home} (database {_safe(url)}). "
        "DEMO ACCOUNTS — demo passwords, never use them for real data:"
    )
    for role, email, password in accounts:
        typer.echo(f"  {role:<13} {email:<30} {password}")
    typer.echo(f"demo sequencing files to upload: {home / 'demo-data'}")
    if not no_serve:
        typer.echo(f"open http://{host}:{port}/")
        _run(app, host, port)


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
