"""What a server process loads once, before its first upload or sign-out asks for it.

The readers (cyvcf2, pysam), the HGVS grammar and the sign-out's modules are imported lazily so that the
command line starts fast; in a server they were loaded inside the first upload (~0.2-0.4 s) and the first
sign-out (~0.15 s) of each process, holding the interpreter lock while other requests waited.  The server
loads them in a background thread as it starts (``web/app.py``), before users arrive.

Then the start-up objects (~330,000: modules, grammar, templates, mappings) are moved out of the cyclic
garbage collector's reach (``gc.freeze``): they live as long as the process, and each full collection that
traversed them held the interpreter lock ~0.25 s, stalling every request of the process at once.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def load() -> None:
    import cyvcf2  # noqa: F401  (upload checks of VCF/BCF)
    import pysam  # noqa: F401  (upload checks of BAM/CRAM/FASTQ)

    from whimscreen.program import families, family_evidence, signout, upload_check  # noqa: F401
    from whimscreen.reference.parse import load_grammar
    from whimscreen.reporting import pedigree_svg  # noqa: F401

    load_grammar()


def freeze() -> None:
    """Collect once, then keep what is left (the process's start-up objects) out of later collections."""
    gc.collect()
    gc.freeze()


def in_background(*also: Callable[[], None]) -> threading.Thread:
    """Load (and whatever ``also`` loads, e.g. the web layer's templates), then freeze, in a daemon thread;
    a failure is logged (the first request then loads what it needs)."""

    def run() -> None:
        for step in (load, *also):
            try:
                step()
            except Exception:  # never stops the server: the lazy loading remains
                log.exception("warming the server process failed")
        freeze()

    thread = threading.Thread(target=run, name="whimscreen-warm", daemon=True)
    thread.start()
    return thread
