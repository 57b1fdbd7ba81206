import atexit
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from whimscreen.reference.demo import demo_locus

IN_CI = os.environ.get("CI", "").lower() == "true"


def _test_home() -> None:
    """Tests never write into the user's data home (the CLI caches the knowledge base's mapping there): unless
    one is given, the whole run uses an empty temporary one, removed at the end."""
    if not any(k.lower() == "whimscreen_home" for k in os.environ):
        path = tempfile.mkdtemp(prefix="whimscreen-test-home-")
        os.environ["WHIMSCREEN_HOME"] = path
        atexit.register(shutil.rmtree, path, True)


_test_home()


@pytest.fixture(scope="session")
def locus():
    return demo_locus()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty application home for this test (no installed reference)."""
    path = tmp_path / "home"
    monkeypatch.setenv("WHIMSCREEN_HOME", str(path))
    from whimscreen.settings import get_settings

    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def run_cli(*args: str, home=None, check=False) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if home is not None:
        env["WHIMSCREEN_HOME"] = str(home)
    src = os.path.join(os.path.dirname(__file__), "..", "src")
    env["PYTHONPATH"] = os.path.abspath(src) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-m", "whimscreen", *args], capture_output=True, text=True, env=env
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"whimscreen {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc


def _hypothesis_profiles() -> None:
    from hypothesis import settings

    settings.register_profile("default", max_examples=400, deadline=None)
    settings.register_profile("thorough", max_examples=5000, deadline=None)
    settings.load_profile("default")
    if os.environ.get("HYPOTHESIS_PROFILE"):
        settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


_hypothesis_profiles()
