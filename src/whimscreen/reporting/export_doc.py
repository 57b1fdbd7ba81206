"""Reading the report document (docs/report.md, the contract of ``reporting/document.py``) for the exporters.

Every exporter reads the document through ``need`` and ``opt`` so that a document missing a key the
export cannot do without fails with one line naming the key (``ExportError``), never with a KeyError or a
validation traceback from the models that check the output.
"""

from __future__ import annotations

from whimscreen.errors import ExportError

#: keys every export needs (dotted paths into the document)
REQUIRED = (
    "report_id",
    "status",
    "subject.sample_id",
    "result.category",
    "test.transcript",
    "test.build",
    "variants",
)
#: keys every entry of ``variants`` needs
REQUIRED_VARIANT = (
    "hgvs_c",
    "classification",
    "grch38.chrom",
    "grch38.pos",
    "grch38.ref",
    "grch38.alt",
)
STATUSES = ("DRAFT", "FINAL", "AMENDED", "CORRECTED")
CATEGORIES = ("Positive", "Negative", "Uncertain", "Inconclusive", "Detected", "Not detected")
#: a relative's known familial variant test is exported as the finding it is (export_codes, phenopacket):
#: Detected a positive finding of the family's variant, Not detected a negative one (for that variant only)


def _walk(doc: dict, path: str):
    node = doc
    for part in path.split("."):
        if not isinstance(node, dict) or node.get(part) is None:
            return None
        node = node[part]
    return node


def need(doc: dict, path: str, what: str):
    """The value at ``path``; ``ExportError`` naming ``what`` (the export) and the key when absent."""
    value = _walk(doc, path)
    if value is None or value == "":
        raise ExportError(f"{what}: the report document has no {path!r}")
    return value


def opt(doc: dict, path: str):
    """The value at ``path``, or None when any part of it is absent."""
    return _walk(doc, path)


def check(doc: dict, what: str) -> None:
    """Refuse a document the exports cannot represent, naming the first problem."""
    if not isinstance(doc, dict):
        raise ExportError(f"{what}: the report document is not a mapping ({type(doc).__name__})")
    for path in REQUIRED:
        need(doc, path, what)
    if doc["status"] not in STATUSES:
        raise ExportError(f"{what}: status {doc['status']!r} is not one of {', '.join(STATUSES)}")
    category = doc["result"]["category"]
    if category not in CATEGORIES:
        raise ExportError(f"{what}: result category {category!r} is not one of {', '.join(CATEGORIES)}")
    if not isinstance(doc["variants"], list):
        raise ExportError(f"{what}: 'variants' is not a list")
    for i, variant in enumerate(doc["variants"], start=1):
        for path in REQUIRED_VARIANT:
            need(variant, path, f"{what}, variant {i}")
