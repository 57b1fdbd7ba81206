"""Helpers shared by CLI commands: the active locus, JSON output."""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

import typer

from whimscreen.home import data_home

if TYPE_CHECKING:
    from whimscreen.reference import Locus

BuildOption = typer.Option("GRCh38", "--build", help="Genome build: GRCh38 or GRCh37.")


def active_locus() -> Locus:
    from whimscreen.reference import get_locus

    return get_locus(data_home())


def check_build(build: str) -> str:
    from whimscreen.errors import VariantError

    if build not in ("GRCh38", "GRCh37"):
        raise VariantError(f"unknown build {build!r} (use GRCh38 or GRCh37)")
    return build


def print_json(data: dict) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@contextlib.contextmanager
def report_warnings() -> Iterator[None]:
    """Print each ``WhimscreenWarning`` raised inside as one ``warning: ...`` line on stderr."""
    from whimscreen.errors import WhimscreenWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", WhimscreenWarning)
        try:
            yield
        finally:
            for w in caught:
                if issubclass(w.category, WhimscreenWarning):
                    typer.echo(f"warning: {w.message}", err=True)
                else:
                    warnings.showwarning(w.message, w.category, w.filename, w.lineno)
