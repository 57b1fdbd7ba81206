"""The ``whimscreen`` command line: one Typer sub-app or command per module, registered here."""

from __future__ import annotations

import sys

import typer

from whimscreen.errors import WhimscreenError

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="WHIMscreen: genetic testing for WHIM syndrome."
)


def _register() -> None:
    from whimscreen.cli import analyze, case_find, classify, examples, kb, reference, screen, serve, variant

    app.add_typer(reference.app, name="reference")
    app.command("variant")(variant.variant)
    app.command("examples")(examples.examples)
    app.command("analyze")(analyze.analyze)
    app.command("classify")(classify.classify)
    app.add_typer(kb.app, name="kb")
    app.command("screen")(screen.screen)
    app.command("case-find")(case_find.case_find)
    app.command("serve")(serve.serve)
    app.command("demo")(serve.demo)


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
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
