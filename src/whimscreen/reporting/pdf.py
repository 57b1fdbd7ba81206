"""The report as HTML and PDF: one template (``templates/report.html``) for both, laid out from the report
document (``document.build_document``); WeasyPrint prints the PDF.  The demo banner is printed whenever the
analysis ran on the demo reference, a DRAFT banner on every unsigned document.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from whimscreen.reference.reportable import INTRONIC_MARGIN

DEMO_WARNING = "DEMO REFERENCE — NOT FOR CLINICAL USE"


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("whimscreen.reporting", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
    )


def render_html(document: dict) -> str:
    return (
        _env()
        .get_template("report.html")
        .render(**document, demo_warning=DEMO_WARNING, range_margin=INTRONIC_MARGIN)
    )


def render_pdf(document: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_html(document)).write_pdf()
