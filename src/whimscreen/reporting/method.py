"""What the test did and what it cannot see: the method, quality and limitation statements of a report.

The detection limits are the measured ones (``calling.detection``, the table ``bench/detection_limit.py``
generates); the analysis parameters are those the analysis recorded.  The laboratory's own wording for its
platform, design and confirmation policy (lab identity) is printed when given.
"""

from __future__ import annotations

from whimscreen.calling.detection import KIND_METHOD, DetectionTable, detection_limit, shipped_table

KIND_NAME = {
    "fastq": "next-generation sequencing (reads, FASTQ)",
    "bam": "next-generation sequencing (aligned reads, BAM)",
    "cram": "next-generation sequencing (aligned reads, CRAM)",
    "vcf": "variant calls supplied as VCF",
    "ab1": "Sanger sequencing (capillary traces, AB1)",
}


def method_text(kind: str | None, parameters: dict | None, lab_methods: dict | None = None) -> str:
    """One paragraph: the input, how WHIMscreen analysed it (with its thresholds), the lab's design text."""
    p = parameters or {}
    method = KIND_METHOD.get(kind or "")
    parts = [f"Input: {KIND_NAME.get(kind or '', kind or 'not recorded')}."]
    if method == "ngs":
        parts.append(
            "Reads were aligned to the CXCR4 locus with minimap2 (mappy) and variants called by the "
            "WHIMscreen pileup caller with local realignment of insertions and deletions; a base counts "
            f"with base quality ≥ {p.get('min_base_quality', '?')} and mapping quality ≥ "
            f"{p.get('min_mapping_quality', '?')}; a reportable base needs depth ≥ "
            f"{p.get('min_depth', '?')}x."
        )
    elif method == "sanger":
        parts.append(
            "Traces were aligned to the CXCR4 locus; base calls and secondary peaks were analysed by "
            "WHIMscreen (heterozygous and mosaic calls from the peak-height ratio)."
        )
    elif kind == "vcf":
        parts.append(
            "The variant calls of the VCF were named and interpreted by WHIMscreen; coverage is the one the "
            "file states (a VCF without per-base coverage cannot support a Negative result)."
        )
    own = (lab_methods or {}).get(method or kind or "")
    if own:
        parts.append(own.strip())
    return " ".join(parts)


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
