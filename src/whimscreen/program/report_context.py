"""The data a signed report shows, gathered from the program's records and the analysis document."""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from whimscreen.calling.detection import KIND_METHOD, DetectionTable, detection_limit, shipped_table
from whimscreen.program.storage.models import Order, Sample, User

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


def qc_statement(qc: dict, kind: str | None = None) -> str:
    if not qc:
        return "No quality-control data."
    if qc.get("fully_covered"):
        if kind == "ab1":
            return (
                "Every base of the reportable range was read by at least one Sanger trace of good quality "
                f"(median base quality >= {qc.get('min_base_quality')})."
            )
        how = f" ({qc['reason']})" if qc.get("reason") else ""
        return (
            "Every base of the reportable range was covered at the QC minimum "
            f"(>= {qc.get('min_depth')}x){how}."
        )
    gaps = qc.get("uncovered") or []
    why = qc.get("reason") or f"{len(gaps)} region(s) below the QC minimum of {qc.get('min_depth')}x"
    return f"The reportable range was NOT fully covered: {why}."


def _pct(vaf: float) -> str:
    return f"{vaf * 100:g}%"


def _types_above(limit) -> str:
    """'; indels alone: 50%' for each variant type whose own limit is higher than the pooled one."""
    names = {"SNV": "SNVs", "indel": "indels"}
    out = []
    for kind, own in limit.by_type.items():
        if own is None:
            out.append(f"; {names.get(kind, kind)} alone: not reached")
        elif limit.vaf_95 is not None and own > limit.vaf_95:
            out.append(f"; {names.get(kind, kind)} alone: {_pct(own)}")
    return "".join(out)


def limits_statement(kind: str | None, qc: dict, table: DetectionTable | None = None) -> str:
    """What the method cannot see, from the measured detection limits (``calling.detection``, the table
    ``bench/detection_limit.py`` generates; ``table`` replaces the shipped one in tests): the lowest allele
    fraction detected in >= 95% of simulated cases, for NGS at the sample's own minimum depth over the
    reportable range (the report's reader needs it to judge a Negative for mosaicism)."""
    if kind == "vcf":
        return (
            "Variant calls were taken from the VCF supplied; the detection limits are those of the "
            "laboratory and caller that produced it."
        )
    method = KIND_METHOD.get(kind or "")
    if method == "sanger":
        limit = detection_limit("sanger", table=table)
        if limit is None or limit.vaf_95 is None:
            return (
                "Sanger sequencing: no measured detection limit is available; mosaic variants can be missed."
            )
        return (
            f"Sanger sequencing: variants at allele fractions ≥ {_pct(limit.vaf_95)} were detected in ≥ 95% "
            f"of simulated cases (validation of {limit.generated}{_types_above(limit)}); a mosaic variant "
            f"present in fewer than {_pct(limit.vaf_95)} of the DNA molecules can be missed."
        )
    if method != "ngs":
        return ""
    depth, where = qc.get("min_observed_depth"), "this sample's minimum depth over the reportable range"
    if depth is None:
        depth, where = qc.get("min_depth"), "the QC minimum depth"
    if depth is None:
        return ""
    limit = detection_limit("ngs", depth, table=table)
    if limit is None:
        tab = table or shipped_table()
        lowest = min(tab.depths("ngs"), default=None)
        return (
            f"At {where} ({depth}x) the detection limit was not measured (validation of {tab.generated} "
            f"starts at {lowest}x); variants, mosaic ones in particular, can be missed."
        )
    measured = f"validation of {limit.generated}, measured at {limit.depth}x{_types_above(limit)}"
    if limit.vaf_95 is None:
        return (
            f"At {where} ({depth}x), not even heterozygous variants were detected in ≥ 95% of simulated "
            f"cases ({measured}); variants can be missed."
        )
    return (
        f"At {where} ({depth}x), variants at allele fractions ≥ {_pct(limit.vaf_95)} were detected in "
        f"≥ 95% of simulated cases ({measured}); lower fractions can be missed."
    )


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
