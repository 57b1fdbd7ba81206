"""A checksummed on-disk cache of the knowledge base's mapping: each entry's HGVS name parsed (hgvs grammar)
and annotated on the locus.  Recomputing it costs a one-trace Sanger analysis more than its calling does.

The file is named by a SHA-256 key over everything the mapping depends on: the knowledge-base text, the
locus (chromosome, start, sequence), the shipped reference data, the source of the reference layer, of
``knowledge_base.py``, this module and ``errors.py``, Biopython's version and the hgvs package's files
(path, size, modification time).  Any change gives another key, so a stale mapping is never read.
The file also holds the SHA-256 of its payload and is ignored (recomputed and rewritten) when that does
not match or it cannot be read.  It is written to a temporary file and renamed into place; a cache
directory that cannot be written only means the mapping is recomputed next time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import tempfile
from pathlib import Path

from whimscreen.reference.locus import Locus, sha256

PREFIX = "kb-mapping-"
_WHIMSCREEN = Path(__file__).resolve().parents[1]
_SOURCES = (
    *sorted((_WHIMSCREEN / "reference").glob("*.py")),
    _WHIMSCREEN / "interpretation" / "knowledge_base.py",
    _WHIMSCREEN / "interpretation" / "kb_cache.py",
    _WHIMSCREEN / "errors.py",
)


def _package_files(name: str) -> str:
    """Path, size and modification time of every file of an installed package (without importing it)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return f"{name}: not installed"
    root = Path(next(iter(spec.submodule_search_locations)))
    out = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            st = path.stat()
            out.append(f"{path.relative_to(root)} {st.st_size} {st.st_mtime_ns}")
    return "\n".join(out)


def key(kb_text: str, locus: Locus) -> str | None:
    """The cache key, or None when an input cannot be read (e.g. sources shipped as bytecode only: then
    nothing is cached)."""
    import Bio

    from whimscreen.reference.sources import data_digest

    h = hashlib.sha256()
    try:
        parts = (
            kb_text,
            f"{locus.chrom}:{locus.start}:{sha256(locus.sequence)}",
            data_digest(),
            *(f"{p.name}\n{p.read_text()}" for p in _SOURCES),
            f"biopython {Bio.__version__}",
            _package_files("hgvs"),
        )
    except OSError:
        return None
    for part in parts:
        h.update(hashlib.sha256(part.encode()).digest())
    return h.hexdigest()


def _digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def read(cache_dir: Path, cache_key: str) -> dict | None:
    """The cached mapping under ``cache_key``, or None (absent, unreadable, or its checksum is wrong)."""
    try:
        doc = json.loads((Path(cache_dir) / f"{PREFIX}{cache_key}.json").read_text())
        if doc["key"] == cache_key and doc["sha256"] == _digest(doc["payload"]):
            return doc["payload"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def write(cache_dir: Path, cache_key: str, payload: dict) -> None:
    """Store ``payload`` under ``cache_key`` (replacing older mappings); failures are ignored."""
    cache_dir = Path(cache_dir)
    text = json.dumps({"key": cache_key, "sha256": _digest(payload), "payload": payload}, sort_keys=True)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=f".{PREFIX}", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(text)
            os.replace(tmp, cache_dir / f"{PREFIX}{cache_key}.json")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        for old in cache_dir.glob(f"{PREFIX}*.json"):
            if old.name != f"{PREFIX}{cache_key}.json":
                with contextlib.suppress(OSError):
                    old.unlink()
    except OSError:
        pass
