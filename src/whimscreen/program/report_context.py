"""The data a signed report shows, gathered from the program's records and the analysis document."""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from whimscreen.program.storage.models import Order, Sample, User
from whimscreen.reporting.method import limits_statement, qc_statement

ZYGOSITY = {"0/1": "heterozygous", "1/1": "homozygous"}


def _zygosity(v: dict) -> str:
    z = v.get("zygosity") or ZYGOSITY.get(v.get("genotype"), v.get("genotype"))
    return f"mosaic (VAF {v['af']:.0%})" if z == "mosaic" and v.get("af") is not None else z


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


def _variant_row(v: dict, images: list[Path] = ()) -> dict:
    c = v.get("classification") or {}
    return {
        "chromatograms": [_data_uri(p) for p in images],
        # the analysis drew an excerpt but its file is gone: the report says so instead of dropping it
        "chromatogram_missing": not images and any(n.endswith(".png") for n in v.get("images") or []),
        "hgvs_c": v.get("hgvs_c"),
        "hgvs_p": v.get("hgvs_p"),
        "hgvs_g": v.get("hgvs_g"),
        "consequence": v.get("consequence"),
        "genotype": _zygosity(v),
        "af": v.get("af"),
        "depth": v.get("depth"),
        "filters": v.get("filters") or [],
        "in_reportable_range": v.get("in_reportable_range", True),
        "classification": v.get("reported_classification") or c.get("classification"),
        "computed": c.get("classification"),
        "asserted": c.get("knowledge_base_classification"),
        "decision": v.get("director_decision"),
        "criteria": ", ".join(f"{x['code']} ({x['strength']})" for x in c.get("criteria", [])),
        "evidence": [f"{x['code']} ({x['strength']}): {x['justification']}" for x in c.get("criteria", [])],
        "mechanism": (c.get("mechanism") or {}).get("statement"),
    }


def report_context(
    db: Session,
    order: Order,
    sample: Sample,
    analysis: dict,
    signer: User,
    signed_at: datetime,
    comment,
    images: dict[int, list[Path]] | None = None,
) -> dict:
    """``images``: chromatogram PNGs by variant index (``chromatograms.variant_images``), embedded."""
    patient, physician = order.patient, db.get(User, order.physician_id)
    reference = analysis.get("reference") or {}
    return {
        "patient": {
            "name": patient.name,
            "birth_date": patient.birth_date.isoformat(),
            "sex": patient.sex,
            "local_id": patient.local_id,
        },
        "physician": {"name": physician.name, "institution": physician.institution},
        "order_id": order.id,
        "accession": sample.accession,
        "specimen": sample.specimen_type,
        "received": sample.received_at.strftime("%Y-%m-%d"),
        "result": analysis.get("result") or {},
        "variants": [
            _variant_row(v, (images or {}).get(i, [])) for i, v in enumerate(analysis.get("variants", []))
        ],
        "qc": qc_statement(analysis.get("qc") or {}, analysis.get("input_kind")),
        "limits": limits_statement(analysis.get("input_kind"), analysis.get("qc") or {}),
        "input_kind": analysis.get("input_kind"),
        "build": analysis.get("build"),
        "reference": reference,
        "demo": bool(reference.get("demo")),
        "software": analysis.get("software") or {},
        "signer": signer.name,
        "signed_at": signed_at.strftime("%Y-%m-%d %H:%M UTC"),
        "comment": comment,
    }
