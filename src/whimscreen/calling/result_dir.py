"""A sample's result directory, all or nothing.

``publish`` builds the whole result in a staging directory beside ``DIR`` (``.DIR.whimscreen-tmp-XXXX``),
writes the analysis JSON last with its manifest (``files``: name, bytes and SHA-256 of every other file
of the directory) and then swaps the staging directory in with one ``renameat2(RENAME_EXCHANGE)``: at
every instant ``DIR`` is the complete old result or the complete new one, never a mix.  The old result,
now under the staging name, is then deleted.  A directory is complete when, and only when, its JSON's
manifest says so (``check_result``).

Where the exchange is not available (not Linux, or a file system without it) the old ``DIR`` is renamed
aside (``.DIR.whimscreen-old-XXXX``) and the new one renamed in; a run killed between the two renames
leaves no ``DIR`` and the next run puts the old one back before anything else.

Each staging directory is ``flock``-ed by its run: the next run deletes every staging directory whose
lock it can take (its run is dead) and reports it (``WhimscreenWarning``); a live run's is left alone.
Directories are made with mode 0777 and files 0666, both less the process umask, whatever the input.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import secrets
import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

from whimscreen.errors import AnalysisError, WhimscreenWarning

STAGING = ".whimscreen-tmp-"
ASIDE = ".whimscreen-old-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _checkpoint(step: str) -> None:
    """Called between the steps of ``publish`` (tests kill the process here)."""


def publish(out_dir: Path, sample: str, write_files: Callable[[Path], None], document: dict) -> Path:
    """Write ``out_dir`` as a whole: ``write_files(staging)`` writes every file but the JSON, then the
    JSON (``document`` plus its manifest) is written and the directory swapped in.  Returns the path of
    the JSON.  ``out_dir`` may not exist, be empty or hold an earlier result of ``sample`` (replaced as a
    whole); anything else is refused before any work."""
    out_dir = Path(out_dir).resolve()
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    with _locked(parent):
        recover(out_dir)
        _check_replaceable(out_dir, sample)
    stage = parent / f".{out_dir.name}{STAGING}{secrets.token_hex(4)}"
    os.mkdir(stage, 0o777)  # the umask applies, as to every file written below
    fd = os.open(stage, os.O_RDONLY)
    try:
        _lock(fd, blocking=True)
        _checkpoint("staged")
        write_files(stage)
        _checkpoint("files written")
        json_name = f"{sample}.json"
        document = document | {"files": manifest(stage, exclude=json_name)}
        (stage / json_name).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
        _sync(stage)
        _checkpoint("manifest written")
        with _locked(parent):
            _check_replaceable(out_dir, sample)
            _swap(stage, out_dir)
            _fsync_dir(parent)
        _checkpoint("swapped")
        shutil.rmtree(stage, ignore_errors=True)  # the old result (or nothing) now lies here
        return out_dir / json_name
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)  # the partial new result, or the old one after the swap
        if not out_dir.exists():
            recover(out_dir)  # the old result set aside (no exchange here) goes back
        raise
    finally:
        os.close(fd)


def manifest(folder: Path, exclude: str | None = None) -> list[dict]:
    """Name, size and SHA-256 of every file of ``folder`` (sorted by name), ``exclude`` left out."""
    out = []
    for f in sorted(folder.iterdir()):
        if f.name == exclude:
            continue
        if not f.is_file() or f.is_symlink():
            raise AnalysisError(f"{f}: a result directory holds plain files only")
        out.append({"name": f.name, "bytes": f.stat().st_size, "sha256": sha256(f)})
    return out


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_result(out_dir: Path, sample: str) -> list[str]:
    """Problems that make ``out_dir`` not a complete result of ``sample`` (empty list: complete): the JSON
    is missing or unreadable, has no manifest, a listed file is missing or differs, a file is unlisted."""
    out_dir = Path(out_dir)
    doc_path = out_dir / f"{sample}.json"
    try:
        doc = json.loads(doc_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{doc_path}: {exc}"]
    listed = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(listed, list):
        return [f"{doc_path}: no manifest ('files')"]
    problems = []
    names = {doc_path.name}
    for entry in listed:
        f = out_dir / entry["name"]
        names.add(entry["name"])
        if not f.is_file():
            problems.append(f"{f}: listed in the manifest but missing")
        elif f.stat().st_size != entry["bytes"] or sha256(f) != entry["sha256"]:
            problems.append(f"{f}: differs from the manifest (size or SHA-256)")
    problems += [f"{f}: not in the manifest" for f in sorted(out_dir.iterdir()) if f.name not in names]
    return problems


def recover(out_dir: Path) -> list[str]:
    """Undo what a killed run left beside ``out_dir``: put an old result set aside back when ``out_dir``
    is missing, delete staging directories of dead runs.  Each action is reported as a warning and
    returned."""
    out_dir = Path(out_dir).resolve()
    notes = []
    aside = sorted(out_dir.parent.glob(f".{out_dir.name}{ASIDE}*"), key=lambda p: p.stat().st_mtime)
    if aside and not out_dir.exists():
        os.rename(aside.pop(), out_dir)
        notes.append(f"{out_dir}: restored the previous result set aside by an interrupted run")
    for old in aside:
        shutil.rmtree(old, ignore_errors=True)
        notes.append(f"{old}: removed the previous result left by an interrupted run")
    for stage in out_dir.parent.glob(f".{out_dir.name}{STAGING}*"):
        if stage.is_dir() and _abandoned(stage):
            shutil.rmtree(stage, ignore_errors=True)
            notes.append(f"{stage}: removed the temporary directory of an interrupted run")
    for note in notes:
        warnings.warn(note, WhimscreenWarning, stacklevel=2)
    return notes


def _check_replaceable(out_dir: Path, sample: str) -> None:
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise AnalysisError(f"{out_dir}: exists and is not a directory")
    foreign = sorted(f.name for f in out_dir.iterdir() if not f.name.startswith(f"{sample}."))
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise AnalysisError(
            f"{out_dir}: holds files that are not a result of sample {sample} ({shown}); a result "
            f"directory holds one sample and is replaced as a whole: choose a new or empty --out"
        )


def _swap(stage: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(stage, out_dir)
        return
    if _exchange(stage, out_dir):
        return
    aside = out_dir.parent / f".{out_dir.name}{ASIDE}{secrets.token_hex(4)}"
    os.rename(out_dir, aside)
    _checkpoint("set aside")
    os.rename(stage, out_dir)
    os.rename(aside, stage)  # deleted with the staging name by the caller


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False when not supported here."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, f"cannot swap {a} and {b}: {os.strerror(err)}")


def _abandoned(stage: Path) -> bool:
    try:
        fd = os.open(stage, os.O_RDONLY)
    except OSError:
        return False
    try:
        return _lock(fd, blocking=False)
    finally:
        os.close(fd)


def _lock(fd: int, blocking: bool) -> bool:
    try:
        import fcntl
    except ImportError:  # no flock here: never take a staging directory for abandoned
        return blocking
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Serialise the check-and-swap of runs writing into the same parent directory."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        _lock(fd, blocking=True)
        yield
    finally:
        os.close(fd)


def _sync(folder: Path) -> None:
    for f in folder.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
