"""``home.data_home`` (no pydantic) reads the data home exactly as ``Settings.home`` does."""

from __future__ import annotations

import os

import pytest

from whimscreen.home import data_home
from whimscreen.settings import Settings


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"WHIMSCREEN_HOME": "/data/whim"},
        {"whimscreen_home": "/lower/case"},
        {"WHIMSCREEN_HOME": ""},
        {"WHIMSCREEN_HOME": "relative/dir"},
        {"WHIMSCREEN_HOME": "~/tilde"},
        {"WhimScreen_Home": "/mixed", "WHIMSCREEN_HOME": "/upper"},
        {"WHIMSCREEN_HOMEX": "/not/this", "HOME_WHIMSCREEN": "/nor/this"},
    ],
)
def test_data_home_is_the_settings_home(env, monkeypatch):
    for key in [k for k in os.environ if k.lower() == "whimscreen_home"]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert data_home() == Settings().home


def test_the_analysis_cli_does_not_import_pydantic(tmp_path):
    """What makes one Sanger trace's process cheap: the analyze command never builds ``Settings``."""
    import subprocess
    import sys

    code = (
        "import sys; sys.argv = ['whimscreen', 'analyze', '--help']\n"
        "from whimscreen.cli import _command_name, _register\n"
        "_register(_command_name(sys.argv))\n"
        "import whimscreen.cli.analyze, whimscreen.cli.common\n"
        "import whimscreen.calling.pipeline, whimscreen.calling.output, whimscreen.interpretation.result\n"
        "heavy = ('pydantic_settings', 'sqlalchemy', 'ga4gh', 'requests')  # the VRS stack is for reports\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    src = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "src"))
    env = dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"
