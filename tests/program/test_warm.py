"""A server process loads the readers, the HGVS grammar and the sign-out's modules as it starts (in a
background thread), not inside its first upload or sign-out; then its start-up objects are frozen out of
the cyclic collector (a full collection over them stalled every request of the process ~0.25 s)."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
lazy = ("cyvcf2", "pysam", "hgvs.parser", "whimscreen.program.signout", "whimscreen.reporting.pedigree_svg")
from whimscreen.program import warm
assert not [m for m in lazy if m in sys.modules], [m for m in lazy if m in sys.modules]
warm.in_background().join(120)
from whimscreen.reference import parse
missing = [m for m in lazy if m not in sys.modules]
assert not missing, missing
assert parse._parser.cache_info().currsize == 1
import gc
assert gc.get_freeze_count() > 100_000, gc.get_freeze_count()  # start-up objects: out of the collector
print("warm")
"""


def test_warming_loads_what_the_first_requests_would():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0 and done.stdout.strip() == "warm", done.stderr[-2000:]
