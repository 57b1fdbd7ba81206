"""``whimscreen screen`` shows its progress bar on a terminal only: with the output going to a file or a pipe
the command does not import Rich's progress module (a transient bar would show nothing there)."""

from __future__ import annotations

import io
import sys

from whimscreen.cli.screen import progress_bar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_into_a_pipe_and_a_working_bar_on_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    with progress_bar() as progress:
        assert progress is None
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    with progress_bar() as progress:
        assert progress is not None
        progress(1, 3)
        progress(3, 3)
