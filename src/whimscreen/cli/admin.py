"""``whimscreen admin create-user``: accounts from the command line (the first administrator)."""

from __future__ import annotations

import sys

import typer

app = typer.Typer(no_args_is_help=True, help="Administration of the portal's database.")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def make_user(email: str, name: str, role: str, password: str) -> None:
    from whimscreen.program import users
    from whimscreen.program.storage.db import make_engine, session_factory, unit_of_work
    from whimscreen.program.storage.migrate import upgrade
    from whimscreen.settings import get_settings

    url = get_settings().resolved_database_url()
    upgrade(url)
    engine = make_engine(url)
    try:
        with unit_of_work(session_factory(engine)) as db:
            users.create_user(db, None, email, name, password, role)
    finally:
        engine.dispose()


@app.command("create-user")
def create_user(
    email: str = typer.Option(..., "--email", help="Login email."),
    name: str = typer.Option(..., "--name", help="Full name."),
    role: str = typer.Option(
        "admin", "--role", help="admin, coordinator, director, technologist, physician."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of standard input."
    ),
) -> None:
    """Create an active account on DATABASE_URL (or the SQLite file of the data home); the password is
    asked twice (hidden) unless --password-stdin."""
    make_user(email, name, role, _password(password_stdin))
    typer.echo(f"created {role} {email.strip().lower()}")
