"""The ``whimscreen`` command line: one Typer sub-app or command per module, registered here."""

from __future__ import annotations

import sys

import typer

from whimscreen.errors import WhimscreenError

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="WHIMscreen: genetic testing for WHIM syndrome."
)


def _register() -> None:
    from whimscreen.cli import (
        admin,
        analyze,
        analyze_run,
        backup,
        case_find,
        classify,
        examples,
        kb,
        lab,
        reference,
        report,
        screen,
        serve,
        variant,
    )

    app.add_typer(reference.app, name="reference")
    app.command("variant")(variant.variant)
    app.command("examples")(examples.examples)
    app.command("analyze")(analyze.analyze)
    app.command("analyze-run")(analyze_run.analyze_run)
    app.command("classify")(classify.classify)
    app.add_typer(kb.app, name="kb")
    app.command("report")(report.report)
    app.add_typer(lab.app, name="lab")
    app.command("screen")(screen.screen)
    app.command("case-find")(case_find.case_find)
    app.command("serve")(serve.serve)
    app.command("demo")(serve.demo)
    app.add_typer(admin.app, name="admin")
    app.command("backup")(backup.backup)
    app.command("restore")(backup.restore)


def main() -> None:
    _register()
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
