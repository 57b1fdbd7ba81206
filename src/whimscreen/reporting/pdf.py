"""A plain signed PDF report from a context dict (``templates/report.html`` rendered by WeasyPrint).

The context is built by the program (``program/report_context.py``); this module only lays it out.
The demo banner is printed whenever the analysis ran on the demo reference.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

DEMO_WARNING = "DEMO REFERENCE — NOT FOR CLINICAL USE"


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("whimscreen.reporting", "templates"), autoescape=select_autoescape(["html"])
    )


def render_html(context: dict) -> str:
    return _env().get_template("report.html").render(**context, demo_warning=DEMO_WARNING)


def render_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(context)).write_pdf()
