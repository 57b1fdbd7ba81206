"""Keep htslib (inside pysam and cyvcf2) off the user's terminal and fold its message into ours.

htslib writes ``[E::bgzf_read] ...`` lines straight to file descriptor 2, and pysam's ``__dealloc__`` of a
file that failed to close prints "Exception ignored in ..." through Python's unraisable hook.  Both would
appear above (or instead of) the one-line error a user must get.

- ``captured()``: around a bounded library call (open, header, close).  Redirects fd 2 into a temporary
  file for the duration and keeps what htslib said (``.said``), for the error message.  The temporary
  files are kept for the next call (one per nesting depth, per process): a cohort opens thousands of files.
- ``silenced()``: around reading records (a generator that yields to the caller in between): htslib log
  level 0 in both libraries and unraisable exceptions kept, not printed; fd 2 is left alone.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from contextlib import contextmanager, suppress

_LOCK = threading.RLock()  # fd 2 is process-wide: one redirection at a time
_SCRATCH: dict[int, list] = {}  # pid -> temporary files by nesting depth (a forked child makes its own)
_DEPTH = 0
DEFAULT_LEVEL = 3  # htslib's default (HTS_LOG_WARNING)


def set_level(level: int) -> int:
    import pysam

    old = pysam.set_verbosity(level)
    try:
        from cyvcf2.cyvcf2 import set_htslib_log_level

        set_htslib_log_level(level)
    except ImportError:  # pragma: no cover - cyvcf2 is a declared dependency
        pass
    return old


class Captured:
    said: str = ""
    ignored: list  # exceptions pysam raised in __dealloc__ (kept, not printed)

    def __init__(self) -> None:
        self.ignored = []

    def message(self) -> str:
        """htslib's own lines, joined, without its ``[E::func]`` prefixes; '' when it said nothing."""
        said = [ln.strip() for ln in self.said.splitlines() if ln.strip()]
        errors = [ln for ln in said if ln.startswith("[E::")]  # errors first: warnings may be many
        lines: list[str] = []
        for line in errors or said:
            if line.startswith("[") and "] " in line:
                line = line.split("] ", 1)[1]
            if line not in lines:
                lines.append(line)
        text = "; ".join(lines[:3]) + (f" (and {len(lines) - 3} more)" if len(lines) > 3 else "")
        return text[:300]

    def suffix(self) -> str:
        m = self.message()
        return f" (htslib: {m})" if m else ""


@contextmanager
def _scratch():
    """An empty temporary file, reused by the next call at the same nesting depth (under ``_LOCK``)."""
    global _DEPTH
    files = _SCRATCH.setdefault(os.getpid(), [])
    if len(files) <= _DEPTH:
        files.append(tempfile.TemporaryFile())  # noqa: SIM115 - kept open for reuse, closed at exit
    tmp = files[_DEPTH]
    tmp.seek(0)
    tmp.truncate()
    _DEPTH += 1
    try:
        yield tmp
    finally:
        _DEPTH -= 1


@contextmanager
def captured():
    """Redirect fd 2 (htslib's stderr) into a temporary file; yields a ``Captured``."""
    out = Captured()
    with _LOCK, _scratch() as tmp:
        sys.stderr.flush()
        saved = os.dup(2)
        hook = sys.unraisablehook
        sys.unraisablehook = lambda u: out.ignored.append(u.exc_value)
        os.dup2(tmp.fileno(), 2)
        try:
            yield out
        finally:
            with suppress(OSError, ValueError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            sys.unraisablehook = hook
            size = tmp.seek(0, os.SEEK_END)
            tmp.seek(0)
            head = tmp.read(10_000)
            if size > 20_000:  # keep the start and the end (the error often follows many warnings)
                tmp.seek(size - 10_000)
                head += b"\n" + tmp.read()
            out.said = head.decode("utf-8", "replace")


@contextmanager
def silenced():
    """htslib log level 0 and unraisable exceptions kept while reading records; yields the list of them."""
    ignored: list = []
    hook = sys.unraisablehook
    sys.unraisablehook = lambda u: ignored.append(u.exc_value)
    old = set_level(0)
    try:
        yield ignored
    finally:
        set_level(old if old is not None else DEFAULT_LEVEL)
        sys.unraisablehook = hook
