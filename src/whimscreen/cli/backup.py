"""``whimscreen backup DEST`` / ``whimscreen restore SRC``: the database with its uploads and reports."""

from __future__ import annotations

from pathlib import Path

import typer


def backup(dest: Path = typer.Argument(..., help="New directory to write the backup into.")) -> None:
    """Back up the database (SQLite: online copy) and the files of the data home into DEST."""
    from whimscreen.program.backup import backup as run
    from whimscreen.program.backup import pg_guidance
    from whimscreen.settings import get_settings

    s = get_settings()
    manifest = run(s.resolved_database_url(), s.home, dest)
    typer.echo(f"backup written to {dest}: {len(manifest['files'])} files ({manifest['database']})")
    if manifest["database"] != "sqlite":
        typer.echo(pg_guidance(s.resolved_database_url(), dest))


def restore(src: Path = typer.Argument(..., help="A directory written by `whimscreen backup`.")) -> None:
    """Restore a backup into the configured database and data home (stop the server first). The current
    data is moved to HOME/pre-restore-<time>/, not deleted."""
    from whimscreen.program.backup import pg_guidance
    from whimscreen.program.backup import restore as run
    from whimscreen.settings import get_settings

    s = get_settings()
    url = s.resolved_database_url()
    manifest = run(url, s.home, src)
    typer.echo(f"restored {src} into {s.home}; previous data kept in {manifest['moved_aside']}")
    if manifest["database"] != "sqlite":
        typer.echo(pg_guidance(url, src, restore=True))
