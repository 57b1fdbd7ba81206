"""Which knowledge base is active in a data home, for processes without the database (the command line, the
portal's job processes): ``HOME/kb/active.json`` names the active release and its SHA-256 (written by the
program after an activation is committed); no marker means the package's knowledge base.  A release file
missing or changed since it was registered is refused, never read."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from whimscreen.errors import InterpretationError
from whimscreen.interpretation.knowledge_base import KnowledgeBase, load, load_cached
from whimscreen.reference.locus import Locus

MARKER = "active.json"


def marker_path(home: Path) -> Path:
    return Path(home) / "kb" / MARKER


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def release_file(named: dict) -> Path:
    """The release file a marker (or a registered release) names, checked against its SHA-256."""
    path = Path(named["path"])
    if not path.is_file() or sha256_of(path) != named["sha256"]:
        raise InterpretationError(
            f"knowledge-base release {named['version']}: {path} is missing or was changed"
        )
    return path


def active_in_home(home: Path | None, locus: Locus, cache_dir: Path | None = None) -> KnowledgeBase:
    """The knowledge base the data home's marker names (the package's when there is none)."""
    marker = marker_path(home) if home is not None else None
    if marker is None or not marker.is_file():
        return load(locus, cache_dir=cache_dir) if cache_dir is not None else load_cached(locus)
    path = release_file(json.loads(marker.read_text()))
    return load(locus, path, cache_dir=cache_dir) if cache_dir is not None else load_cached(locus, path)


def named_release(named: dict | None, locus: Locus, cache_dir: Path | None = None) -> KnowledgeBase:
    """The knowledge base of a release named as in the marker ({version, path, sha256}; None: the
    package's) — what a job process is handed by the program, which read it from the database."""
    if named is None:
        return load(locus, cache_dir=cache_dir) if cache_dir is not None else load_cached(locus)
    path = release_file(named)
    return load(locus, path, cache_dir=cache_dir) if cache_dir is not None else load_cached(locus, path)
