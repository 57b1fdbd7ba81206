"""``whimscreen.cli.main`` pauses the garbage collector only while the command's libraries are imported, then
freezes those objects for the command's run: the command itself runs with the collector on, and nothing is
left frozen or paused afterwards (for callers in the same process)."""

from __future__ import annotations

import gc
import sys

import pytest

from whimscreen import cli
from whimscreen.errors import InputFileError


def test_the_command_runs_with_the_collector_on_and_nothing_stays_frozen(monkeypatch, capsys, tmp_path):
    from whimscreen.cli import analyze

    seen = {}

    def probe(*args, **kwargs):
        seen["enabled"], seen["frozen"] = gc.isenabled(), gc.get_freeze_count()
        raise InputFileError("probe.ab1: stop here")

    monkeypatch.setattr(analyze, "analyze_paths", probe)
    out = str(tmp_path / "o")
    argv = ["whimscreen", "analyze", str(tmp_path / "probe.ab1"), "--sample", "X", "--out", out]
    monkeypatch.setattr(sys, "argv", argv)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 2 and capsys.readouterr().err == "error: probe.ab1: stop here\n"
    assert seen["enabled"] is True and seen["frozen"] > 10_000  # the imported libraries' objects
    assert gc.isenabled() and gc.get_freeze_count() == 0
