"""The data home (``WHIMSCREEN_HOME``) alone, read exactly as ``settings.Settings.home`` reads it.

Building ``Settings`` imports pydantic-settings (~0.25 s of CPU), more than a whole Sanger analysis is
allowed; commands that need only the data home (``analyze``, ``variant``...) read it here.  The two readings
are kept identical by tests/test_home.py (same variable, any letter case, same default).
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_HOME = Path.home() / ".local" / "share" / "whimscreen"


def data_home() -> Path:
    """``WHIMSCREEN_HOME`` (matched in any letter case, as pydantic-settings does), else the default."""
    env = {k.lower(): v for k, v in os.environ.items()}
    value = env.get("whimscreen_home")
    return DEFAULT_HOME if value is None else Path(value)
