"""The ``whimscreen`` command line: one Typer sub-app or command per module, registered here."""

from __future__ import annotations

import atexit
import gc
import os
import sys

# No command does linear algebra, yet OpenBLAS (numpy's) starts a worker thread per CPU at import that
# spins ~0.1 s of CPU time waiting for work; one thread unless the user chose otherwise (set before
# anything, the screen's worker server included, imports numpy).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


#: the exit status of the command once ``main`` has ended (the last one, if called again in a process)
EXIT_STATUS: list[int] = []


def _start_screen_workers() -> None:
    """``whimscreen screen`` on a local cluster: the fork server of its worker processes starts first,
    before the command line parser (Typer) is imported, so that its imports (Dask, the screening code) run
    on another core while this process does its own.  The command also ends by ``_quick_exit``."""
    args = sys.argv[1:]
    if args[:1] != ["screen"] or any(a in ("--help", "-h") or a.startswith("--scheduler") for a in args):
        return
    atexit.register(_quick_exit)  # first of all: the last exit handler to run
    from whimscreen.screening.engine import start_worker_server

    start_worker_server()


def _quick_exit() -> None:
    """After every other exit handler (the local cluster is closed, the outputs are written and closed),
    leave without tearing down the screen's heap object by object (~0.04 s after Dask's imports), with
    the command's exit status.  When ``main`` did not end (an exception escaped it), the interpreter ends
    as usual, reporting it."""
    if not EXIT_STATUS:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            return  # the interpreter reports it as usual
    os._exit(EXIT_STATUS[-1])


_start_screen_workers()

import typer  # noqa: E402

from whimscreen.errors import WhimscreenError  # noqa: E402

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="WHIMscreen: genetic testing for WHIM syndrome."
)


#: command name -> (module under whimscreen.cli, attribute, "command" or "group").  Only the module of the
#: command being run is imported (each pulls in its own heavy libraries: numpy, pysam, hgvs, SQLAlchemy...);
#: ``whimscreen --help`` and an unknown name import them all.
COMMANDS = {
    "reference": ("reference", "app", "group"),
    "variant": ("variant", "variant", "command"),
    "examples": ("examples", "examples", "command"),
    "analyze": ("analyze", "analyze", "command"),
    "analyze-run": ("analyze_run", "analyze_run", "command"),
    "classify": ("classify", "classify", "command"),
    "kb": ("kb", "app", "group"),
    "report": ("report", "report", "command"),
    "lab": ("lab", "app", "group"),
    "screen": ("screen", "screen", "command"),
    "case-find": ("case_find", "case_find", "command"),
    "serve": ("serve", "serve", "command"),
    "demo": ("serve", "demo", "command"),
    "admin": ("admin", "app", "group"),
    "backup": ("backup", "backup", "command"),
    "restore": ("backup", "restore", "command"),
}


@app.callback()
def _root() -> None:
    """WHIMscreen: genetic testing for WHIM syndrome."""  # keeps ``app`` a group with one command


def _register(only: str | None = None) -> None:
    """Register the command ``only`` (a name of ``COMMANDS``), or every command when ``only`` is None or
    not a command name (help, a typo: click then lists them all)."""
    import importlib

    names = [only] if only in COMMANDS else list(COMMANDS)
    registered = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    for name in names:
        if name in registered:
            continue
        module, attr, kind = COMMANDS[name]
        target = getattr(importlib.import_module(f"whimscreen.cli.{module}"), attr)
        if kind == "group":
            app.add_typer(target, name=name)
        else:
            app.command(name)(target)


def _command_name(argv: list[str]) -> str | None:
    """The command the arguments name: the first one (the root takes no options but --help)."""
    return argv[1] if len(argv) > 1 else None


def main() -> None:
    # Importing a command's libraries creates a few hundred thousand objects that live as long as the
    # process; the cyclic garbage collector would scan them again and again while they are created (~0.05 s
    # of CPU in a one-trace analysis).  It is paused while they are imported, and they are then frozen (left
    # out of later collections) until the command ends; it runs as usual for the command's own work.
    # The process ends with the command: at exit the heap is frozen again, so that the collector does not
    # walk it once more while the interpreter shuts down (0.1-0.4 s after a screen's imports of Dask).
    atexit.register(gc.freeze)
    gc.disable()
    try:
        _register(_command_name(sys.argv))
    finally:
        gc.freeze()
        gc.enable()
    try:
        _run()
    except SystemExit as exc:
        EXIT_STATUS.append(_status(exc.code))
        raise
    else:
        EXIT_STATUS.append(0)
    finally:
        gc.unfreeze()


def _status(code) -> int:
    """The process's exit status for ``sys.exit(code)`` (a message is printed and gives 1)."""
    if code is None:
        return 0
    return code & 0xFF if isinstance(code, int) else 1


def _run() -> None:
    try:
        app(standalone_mode=False)
    except WhimscreenError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Abort:
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors carry their own exit code
        if _is_usage_error(exc):
            exc.show()
            sys.exit(exc.exit_code)
        sys.exit(internal_error(exc))


def _is_usage_error(exc: BaseException) -> bool:
    """A click usage error, from click itself or from the copy of click that Typer >= 0.16 vendors."""
    import click

    try:
        from typer import _click as vendored

        kinds = (click.ClickException, vendored.exceptions.ClickException)
    except (ImportError, AttributeError):
        kinds = (click.ClickException,)
    return isinstance(exc, kinds)


def internal_error(exc: BaseException) -> int:
    """An exception WHIMscreen did not raise on purpose: one line, never a traceback; exit status 1 is kept
    for this (a bad input is a ``WhimscreenError``, exit 2)."""
    where = ""
    tb = exc.__traceback__
    while tb is not None:
        if "whimscreen" in tb.tb_frame.f_code.co_filename:
            name = tb.tb_frame.f_code.co_filename.rsplit("whimscreen", 1)[-1].lstrip("/")
            where = f" at {name}:{tb.tb_lineno}"
        tb = tb.tb_next
    text = " ".join(str(exc).split())[:300]
    typer.echo(f"error: internal error ({type(exc).__name__}: {text}{where}); please report it", err=True)
    return 1
