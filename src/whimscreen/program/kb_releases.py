"""Knowledge-base releases in the program: registered from the data home, one active at a time.

Release files are written by ``interpretation/kb_release.py`` (``whimscreen kb import-clinvar`` /
``add-curated`` or the admin page) under ``HOME/kb/releases``; ``sync`` registers each in the table
``kb_releases`` with its SHA-256 and diff.  ``activate`` (director or admin, audited) makes one the active
release (the partial unique index ``uq_kb_releases_one_active`` allows one), records the activation, and has
every signed order re-evaluated (``reclassification.reevaluate``).  The job processes have no database:
after the commit, ``HOME/kb/active.json`` names the active release for ``active_kb(home, locus)``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from whimscreen.errors import InterpretationError
from whimscreen.interpretation import kb_active, kb_release
from whimscreen.interpretation.kb_active import MARKER, marker_path  # noqa: F401 (re-exported)
from whimscreen.interpretation.knowledge_base import KnowledgeBase, load_cached
from whimscreen.program import audit
from whimscreen.program.errors import InvalidState, NotFound
from whimscreen.program.storage.models import KbActivation, KbRelease, User, utcnow
from whimscreen.program.users import require_role
from whimscreen.reference.locus import Locus

PACKAGE = "package"  # the version name that makes the package's knowledge base active again
_sha256 = kb_active.sha256_of


def sync(db: Session, home: Path) -> list[KbRelease]:
    """Register the release files not yet in the table; every release, oldest first."""
    known = set(db.scalars(select(KbRelease.version)))
    for path in kb_release.release_files(home):
        version = path.stem
        if version in known:
            continue
        diff = kb_release.read_diff(path)
        row = KbRelease(
            version=version,
            sha256=diff.get("sha256") or _sha256(path),  # as written: a file changed since is refused on use
            path=str(path),
            created_by=diff.get("created_by") or "unknown",
            diff=json.dumps(diff),
        )
        try:
            with db.begin_nested():  # another request may register the same file at the same moment
                db.add(row)
        except IntegrityError:
            pass
    return list(db.scalars(select(KbRelease).order_by(KbRelease.id)))


def active_release(db: Session) -> KbRelease | None:
    return db.scalar(select(KbRelease).where(KbRelease.active.is_(True)))


def release_at(db: Session, when) -> KbRelease | None:
    """The release active at ``when`` (None: the package's knowledge base was)."""
    q = select(KbActivation).where(KbActivation.activated_at <= when).order_by(KbActivation.id.desc())
    found = db.scalar(q.limit(1))
    return db.get(KbRelease, found.release_id) if found and found.release_id is not None else None


def kb_of(release: KbRelease | None, locus: Locus) -> KnowledgeBase:
    """A release's knowledge base, its file checked against the SHA-256 registered for it."""
    if release is None:
        return load_cached(locus)
    path = Path(release.path)
    if not path.is_file() or _sha256(path) != release.sha256:
        raise InvalidState(f"knowledge-base release {release.version}: {path} is missing or was changed")
    return load_cached(locus, path)


def active_kb(db_or_home: Session | Path | None, locus: Locus) -> KnowledgeBase:
    """The active release's knowledge base (the package's when none is active), from the database or,
    in a job process without one, from the data home's marker."""
    if isinstance(db_or_home, Session):
        return kb_of(active_release(db_or_home), locus)
    try:
        cache = Path(db_or_home) / "cache" if db_or_home is not None else None  # the KB mapping, reused
        return kb_active.active_in_home(db_or_home, locus, cache_dir=cache)
    except InterpretationError as exc:
        raise InvalidState(str(exc)) from exc


def named_active(db: Session) -> dict | None:
    """The active release as a job process is handed it ({version, path, sha256}; None: the package's)."""
    release = active_release(db)
    if release is None:
        return None
    return {"version": release.version, "path": release.path, "sha256": release.sha256}


def kb_for_job(named: dict | None, home: Path | None, locus: Locus) -> KnowledgeBase:
    """In a job process: the release the program read from the database when it started the job."""
    try:
        cache = Path(home) / "cache" if home is not None else None
        return kb_active.named_release(named, locus, cache_dir=cache)
    except InterpretationError as exc:
        raise InvalidState(str(exc)) from exc


def _write_marker(home: Path, named: dict) -> None:
    target = marker_path(home)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".active-")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(named, f)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_marker(home: Path) -> None:
    marker_path(home).unlink(missing_ok=True)


def activate_package(db: Session, actor: User, home: Path, locus: Locus) -> list:
    """The way back: no release active, the package's knowledge base in use; signed orders re-evaluated."""
    from whimscreen.program import reclassification

    require_role(actor, "director", "admin")
    if active_release(db) is not None:
        db.execute(update(KbRelease).where(KbRelease.active.is_(True)).values(active=False))
        db.add(KbActivation(release_id=None, activated_by=actor.id))
        db.flush()
    audit.record(db, actor, "activate", "kb_release", None, detail="knowledge base: the package's")
    kb = load_cached(locus)
    tasks = reclassification.reevaluate(db, kb.version, kb, home, locus, actor)
    event.listen(db, "after_commit", lambda _s: _remove_marker(home), once=True)
    return tasks


def activate(db: Session, actor: User, version: str, home: Path, locus: Locus) -> tuple[KbRelease, list]:
    """Make ``version`` the active release and re-evaluate every signed order; (release, tasks created).
    Activating the active release again re-evaluates and creates no duplicate task."""
    from whimscreen.program import reclassification

    require_role(actor, "director", "admin")
    sync(db, home)
    release = db.scalar(select(KbRelease).where(KbRelease.version == version))
    if release is None:
        raise NotFound(f"no knowledge-base release {version}")
    kb = kb_of(release, locus)  # refuses a missing or altered file before anything changes
    if kb.problems:
        raise InvalidState(f"release {version} does not validate: {'; '.join(kb.problems[:3])}")
    if not release.active:
        db.execute(update(KbRelease).where(KbRelease.active.is_(True)).values(active=False))
        db.flush()
        release.active, release.activated_at, release.activated_by = True, utcnow(), actor.id
        db.add(KbActivation(release_id=release.id, activated_by=actor.id))
        db.flush()
    audit.record(db, actor, "activate", "kb_release", release.id, detail=f"knowledge base {version}")
    tasks = reclassification.reevaluate(db, release.version, kb, home, locus, actor)
    named = named_active(db)
    event.listen(db, "after_commit", lambda _s: _write_marker(home, named), once=True)
    return release, tasks


def diff_of(release: KbRelease) -> dict:
    return json.loads(release.diff or "{}")
