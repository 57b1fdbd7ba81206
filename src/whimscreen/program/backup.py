"""Backup and restore of a portal: the database together with the files under the data home.

A backup is a directory: ``whimscreen.db`` (SQLite, copied with sqlite3's online backup API, so the
server may keep running), the ``uploads/`` and ``analyses/`` trees and the ``secret_key``, and
``whimscreen-backup.json`` listing every file with its SHA-256.  Signed reports live in the database.
It is written into a temporary directory and renamed at the end: a backup is complete or absent.

PostgreSQL: the database is dumped with ``pg_dump`` (guidance printed; the command line holds credentials
the operator controls), the files are backed up here.  ``restore`` checks every file against the manifest
before touching anything, moves the current data aside (``HOME/pre-restore-<time>/``: a way back), puts
the backup in place and rewrites the stored upload paths when the data home moved.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from whimscreen.errors import ProgramError

MANIFEST = "whimscreen-backup.json"
DB_FILE = "whimscreen.db"
TREES = ("uploads", "analyses")
FILES = ("secret_key",)


class BackupError(ProgramError):
    """A backup or restore that cannot be done as asked (nothing was changed)."""


def _sqlite_path(url: str) -> Path | None:
    u = make_url(url)
    if not u.drivername.startswith("sqlite"):
        return None
    if not u.database or u.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(u.database)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def pg_guidance(url: str, dest: Path, restore: bool = False) -> str:
    safe = make_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
    if restore:
        return (
            "PostgreSQL: restore the database first, into an empty database, with\n"
            f"  pg_restore --clean --if-exists --no-owner -d '{safe}' {dest / 'whimscreen.pgdump'}\n"
            "(the password from PGPASSWORD or ~/.pgpass); the files were restored here."
        )
    return (
        "PostgreSQL: dump the database next to these files with\n"
        f"  pg_dump -Fc -f {dest / 'whimscreen.pgdump'} '{safe}'\n"
        "(the password from PGPASSWORD or ~/.pgpass). Keep both together: the uploads are referenced by it."
    )


def backup(url: str, home: Path, dest: Path) -> dict:
    """Write a backup directory ``dest`` (which must not exist yet); returns its manifest."""
    home, dest = Path(home), Path(dest)
    if dest.exists():
        raise BackupError(f"{dest}: already exists; give a new directory for the backup")
    dest.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        source = _sqlite_path(url)
        if source is not None:
            if not source.exists():
                raise BackupError(f"{source}: no such database")
            src, out = sqlite3.connect(source), sqlite3.connect(stage / DB_FILE)
            try:
                src.backup(out)  # consistent even while the server writes
            finally:
                out.close()
                src.close()
        for tree in TREES:
            if (home / tree).is_dir():
                shutil.copytree(home / tree, stage / tree)
        for name in FILES:
            if (home / name).is_file():
                shutil.copy2(home / name, stage / name)
        files = sorted(p for p in stage.rglob("*") if p.is_file())
        manifest = {
            "format": 1,
            "created_at": datetime.now(UTC).isoformat(),
            "database": "sqlite" if source is not None else "postgresql",
            "home": str(home.resolve()),
            "files": [
                {"path": str(p.relative_to(stage)), "size": p.stat().st_size, "sha256": _sha256(p)}
                for p in files
            ],
        }
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=1))
        os.replace(stage, dest)
        return manifest
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _verified(src: Path) -> dict:
    try:
        manifest = json.loads((src / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src}: not a WHIMscreen backup ({MANIFEST} unreadable: {exc})") from None
    for f in manifest["files"]:
        path = src / f["path"]
        if not path.is_file() or _sha256(path) != f["sha256"]:
            raise BackupError(f"{src}: {f['path']} is missing or differs from the manifest; nothing restored")
    return manifest


def restore(url: str, home: Path, src: Path) -> dict:
    """Put backup ``src`` in place for database ``url`` and data home ``home`` (server stopped)."""
    home, src = Path(home), Path(src)
    manifest = _verified(src)
    target = _sqlite_path(url)
    if (target is not None) != (manifest["database"] == "sqlite"):
        raise BackupError(
            f"{src}: a {manifest['database']} backup cannot be restored into {make_url(url).drivername}"
        )
    home.mkdir(parents=True, exist_ok=True)
    aside = home / f"pre-restore-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}"
    aside.mkdir()
    if target is not None:
        staged = target.with_name(target.name + ".restoring")
        src_db, out = sqlite3.connect(src / DB_FILE), sqlite3.connect(staged)
        try:
            src_db.backup(out)
        finally:
            out.close()
            src_db.close()
        for suffix in ("", "-wal", "-shm"):
            current = target.with_name(target.name + suffix)
            if current.exists():
                os.replace(current, aside / current.name)
        os.replace(staged, target)
    for tree in TREES:
        if (home / tree).exists():
            os.replace(home / tree, aside / tree)
        if (src / tree).is_dir():
            shutil.copytree(src / tree, home / tree)
    for name in FILES:
        if (home / name).exists():
            os.replace(home / name, aside / name)
        if (src / name).is_file():
            shutil.copy2(src / name, home / name)
    manifest["moved_aside"] = str(aside)
    manifest["paths_rewritten"] = _rewrite_paths(url, manifest["home"], str(home.resolve()))
    return manifest


def _rewrite_paths(url: str, old_home: str, new_home: str) -> int:
    """Upload rows store absolute paths: point them into the new data home."""
    if old_home == new_home:
        return 0
    from sqlalchemy import select

    from whimscreen.program.storage.db import make_engine, session_factory, unit_of_work
    from whimscreen.program.storage.models import Upload

    engine = make_engine(url)
    try:
        with unit_of_work(session_factory(engine)) as db:
            n = 0
            for upload in db.scalars(select(Upload)):
                if upload.path.startswith(old_home + os.sep):
                    upload.path = new_home + upload.path[len(old_home) :]
                    n += 1
            return n
    finally:
        engine.dispose()
