"""The environment of a measured ``whimscreen`` command: this checkout's source, bytecode written and kept
(as an installed package has it), and the data home the bench chose."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def whimscreen_env(home: Path | None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if home is not None:
        env["WHIMSCREEN_HOME"] = str(home)
    return env
