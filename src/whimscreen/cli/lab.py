"""``whimscreen lab set|show``: the laboratory identity printed on every report (stored in the portal's
database, the same setting as Admin → Laboratory; each change audited)."""

from __future__ import annotations

from contextlib import contextmanager

import typer

app = typer.Typer(no_args_is_help=True, help="The laboratory identity printed on reports.")


@contextmanager
def _database():
    """A session on the configured database (migrated first), closed with its engine."""
    from whimscreen.program.storage.db import make_engine, session_factory, unit_of_work
    from whimscreen.program.storage.migrate import upgrade
    from whimscreen.settings import get_settings

    url = get_settings().resolved_database_url()
    upgrade(url)
    engine = make_engine(url)
    try:
        with unit_of_work(session_factory(engine)) as db:
            yield db
    finally:
        engine.dispose()


def _current() -> dict:
    from whimscreen.program import lab_identity

    with _database() as db:
        return lab_identity.current(db)


def stored_identity(create: bool = False) -> dict | None:
    """The identity stored in the configured database, or None when there is no database yet."""
    from whimscreen.settings import get_settings

    s = get_settings()
    if not create and not s.database_url and not (s.home / "whimscreen.db").exists():
        import os

        if not os.environ.get("DATABASE_URL"):
            return None
    from whimscreen.program import lab_identity

    identity = _current()
    return identity if not lab_identity.missing(identity) else None


@app.command("set")
def set_(
    name: str | None = typer.Option(None, "--name", help="Laboratory name."),
    address: str | None = typer.Option(None, "--address", help="Postal address."),
    clia: str | None = typer.Option(None, "--clia", help="CLIA number (e.g. 12D3456789)."),
    cap: str | None = typer.Option(None, "--cap", help="CAP number."),
    director: list[str] = typer.Option(
        None, "--director", help="'NAME, CREDENTIALS' (repeat for several directors)."
    ),
    sponsor: str | None = typer.Option(None, "--sponsor-disclosure", help="Sponsor disclosure text."),
    footer: str | None = typer.Option(None, "--footer", help="Report footer text."),
    confirmation: str | None = typer.Option(
        None, "--confirmation-policy", help="Orthogonal confirmation policy."
    ),
    method_ngs: str | None = typer.Option(None, "--method-ngs", help="The lab's NGS platform and design."),
    method_sanger: str | None = typer.Option(None, "--method-sanger", help="The lab's Sanger design."),
) -> None:
    """Set (or change) the laboratory identity; options not given keep their value."""
    from whimscreen.program import lab_identity

    with _database() as db:
        identity = lab_identity.set_identity(
            db, None, name=name, address=address, clia=clia, cap=cap, directors=director or None,
            sponsor_disclosure=sponsor, footer=footer, confirmation_policy=confirmation,
            method_ngs=method_ngs, method_sanger=method_sanger,
        )  # fmt: skip
    _print(identity)


@app.command("show")
def show() -> None:
    """Print the laboratory identity and what is still missing before reports can be signed."""
    _print(_current())


def _print(identity: dict) -> None:
    from whimscreen.program import lab_identity

    for key in (*lab_identity.REQUIRED, *lab_identity.OPTIONAL):
        value = identity.get(key)
        if isinstance(value, list):
            value = "; ".join(value)
        typer.echo(f"{key:20} {value or '—'}")
    gaps = lab_identity.missing(identity)
    typer.echo(f"missing before signing: {', '.join(gaps)}" if gaps else "complete: reports can be signed")
