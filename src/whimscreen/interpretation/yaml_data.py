"""The interpretation layer's YAML files (data/), parsed with libyaml's C parser when PyYAML has it.

``yaml.CSafeLoader`` builds the same Python objects as ``yaml.SafeLoader`` (the same safe constructor over
a C parser) in a tenth of the time: reading the two files cost a one-trace analysis ~0.05 s of CPU.
tests/interpretation/test_yaml_data.py checks both loaders give the same data for every file here.
"""

from __future__ import annotations

from importlib import resources

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(name: str, loader=LOADER):
    """``data/<name>`` of ``whimscreen.interpretation``, parsed."""
    text = (resources.files("whimscreen.interpretation") / "data" / name).read_text()
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader (CSafeLoader or SafeLoader)
