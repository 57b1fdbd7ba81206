"""The C YAML parser reads the interpretation data exactly as the pure-Python safe loader does."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from whimscreen.interpretation import yaml_data

NAMES = sorted(
    p.name
    for p in (resources.files("whimscreen.interpretation") / "data").iterdir()
    if p.name.endswith(".yaml")
)


def test_every_yaml_file_is_checked():
    assert {"cxcr4_spec.yaml", "report_text.yaml"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_c_loader_gives_the_same_data(name):
    fast, pure = yaml_data.load(name), yaml_data.load(name, loader=yaml.SafeLoader)
    assert fast == pure and repr(fast) == repr(pure)  # same values, types and key order


def test_the_loader_is_a_safe_one():
    assert yaml_data.LOADER in (getattr(yaml, "CSafeLoader", None), yaml.SafeLoader)
    with pytest.raises(yaml.YAMLError):
        yaml.load("!!python/object/apply:os.system ['true']", Loader=yaml_data.LOADER)  # noqa: S506
