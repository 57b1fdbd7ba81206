"""The data a signed report shows, gathered from the program's records and the analysis document."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from whimscreen.program.storage.models import Order, Sample, User

ZYGOSITY = {"0/1": "heterozygous", "1/1": "homozygous"}


def _variant_row(v: dict) -> dict:
    c = v.get("classification") or {}
    return {
        "hgvs_c": v.get("hgvs_c"),
        "hgvs_p": v.get("hgvs_p"),
        "hgvs_g": v.get("hgvs_g"),
        "consequence": v.get("consequence"),
        "genotype": ZYGOSITY.get(v.get("genotype"), v.get("genotype")),
        "af": v.get("af"),
        "depth": v.get("depth"),
        "filters": v.get("filters") or [],
        "classification": c.get("classification"),
        "criteria": ", ".join(f"{x['code']} ({x['strength']})" for x in c.get("criteria", [])),
    }


def qc_statement(qc: dict) -> str:
    if not qc:
        return "No quality-control data."
    if qc.get("fully_covered"):
        return (
            f"Every base of the reportable range was covered at the QC minimum (>= {qc.get('min_depth')}x)."
        )
    gaps = qc.get("uncovered") or []
    why = qc.get("reason") or f"{len(gaps)} region(s) below the QC minimum of {qc.get('min_depth')}x"
    return f"The reportable range was NOT fully covered: {why}."


def report_context(
    db: Session, order: Order, sample: Sample, analysis: dict, signer: User, signed_at: datetime, comment
) -> dict:
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
        "variants": [_variant_row(v) for v in analysis.get("variants", [])],
        "qc": qc_statement(analysis.get("qc") or {}),
        "input_kind": analysis.get("input_kind"),
        "build": analysis.get("build"),
        "reference": reference,
        "demo": bool(reference.get("demo")),
        "software": analysis.get("software") or {},
        "signer": signer.name,
        "signed_at": signed_at.strftime("%Y-%m-%d %H:%M UTC"),
        "comment": comment,
    }
