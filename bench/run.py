"""Every bench in one command: ``python bench/run.py [--quick]``; each module writes its table to docs/."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# each a module with main(quick) -> str
BENCHES = [
    "ngs",
    "sanger",
    "memory",
    "mappy_leak",
    "sanger_speed",
    "detection_limit",
    "cohort_screen",
    "server_gc",
]

if __name__ == "__main__":
    quick = "--quick" in sys.argv
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    for name in only or BENCHES:
        print(importlib.import_module(name).main(quick=quick))
