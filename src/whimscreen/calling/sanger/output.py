"""Write a Sanger analysis: the shared VCF + JSON (``calling.output``), plus one chromatogram excerpt per
variant (``DIR/ID.<n>.png`` and ``.svg``, listed under the variant as ``images``).  Against a generic
``--reference`` the JSON and VCF are written here with the target's own names (no CXCR4 annotation).
The directory is written all or nothing (``calling.result_dir``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pysam

from whimscreen.calling.model import FILTER_DESCRIPTIONS, SampleAnalysis, VariantCall
from whimscreen.calling.output import SCHEMA_VERSION, check_sample_id, to_json, write_vcf
from whimscreen.calling.result_dir import publish
from whimscreen.calling.sanger.target import Target
from whimscreen.reference.annotate import annotate
from whimscreen.sequencing.abif import BASES

EXCERPT_CALLS = 20  # calls shown on each side of the variant
_COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A"}


def variant_label(call: VariantCall, target: Target, build: str) -> str:
    if target.generic:
        return target.g_name(call_variant(call))
    names = annotate(target.locus, call.grch38(build)).to_dict()
    return f"{names['hgvs_c']} {names['hgvs_p'] or ''}".strip()


def call_variant(call: VariantCall):
    from whimscreen.reference.variant import GenomicVariant

    return GenomicVariant(call.pos, call.ref, call.alt, call.chrom)


def excerpt(rr, rv, label: str) -> dict:
    """Trace around ``rv.call`` of read ``rr`` in plus-strand orientation (reverse reads complemented)."""
    tr, pl = rr.trace, rr.placement
    lo, hi = max(0, rv.call - EXCERPT_CALLS), min(tr.length, rv.call + EXCERPT_CALLS + 1)
    spacing = float(np.median(np.diff(tr.peaks))) if tr.length > 1 else 12.0
    s0 = max(0, int(tr.peaks[lo] - spacing / 2))
    s1 = min(len(tr.channels["A"]), int(tr.peaks[hi - 1] + spacing / 2) + 1)
    chans = {b: np.asarray(tr.channels[b][s0:s1], dtype=float) for b in BASES}
    peaks = tr.peaks[lo:hi] - s0
    called = [tr.bases[i] for i in range(lo, hi)]
    refs = [pl.ref[r] if r >= 0 else " " for r in pl.index[lo:hi]]
    mark = rv.call - lo
    if pl.reverse:
        n = s1 - s0
        chans = {b: chans[_COMPLEMENT[b]][::-1] for b in BASES}
        peaks = (n - 1 - peaks)[::-1]
        called = [_COMPLEMENT.get(b, "N") for b in called[::-1]]
        refs = [_COMPLEMENT.get(b, " ") for b in refs[::-1]]
        mark = hi - lo - 1 - mark
    return {
        "channels": chans,
        "peaks": peaks,
        "called": "".join(called),
        "reference": "".join(refs),
        "mark": mark,
        "label": label,
        "read": tr.name,
        "strand": "-" if pl.reverse else "+",
    }


def _images(analysis, merged, target, tmp: Path, render) -> dict:
    """Render each variant's excerpt into ``tmp``; returns {call index: [file names]}."""
    out = {}
    for n, (call, supports) in enumerate(zip(analysis.calls, [s for _, s in merged], strict=True), 1):
        rr, rv = max(supports, key=lambda s: s[1].score)
        stem = f"{analysis.sample}.{n}"
        render(
            excerpt(rr, rv, variant_label(call, target, analysis.build)),
            tmp / f"{stem}.png",
            tmp / f"{stem}.svg",
        )
        out[n - 1] = [f"{stem}.png", f"{stem}.svg"]
    return out


def write_sanger(
    analysis: SampleAnalysis,
    merged,
    target: Target,
    out_dir: Path,
    enrich: Callable | None,
    render: Callable | None,
) -> None:
    """The result directory (``result_dir.publish``: all or nothing): VCF + index, the images when
    ``render`` is given, the JSON last."""
    check_sample_id(analysis.sample)
    merged = sorted(merged, key=lambda m: (m[0].pos, m[0].ref, m[0].alt))
    names = {
        i: [f"{analysis.sample}.{i + 1}.png", f"{analysis.sample}.{i + 1}.svg"] if render else []
        for i in range(len(analysis.calls))
    }
    doc = _generic_document(analysis, target) if target.generic else to_json(analysis, target.locus)
    for i, v in enumerate(doc["variants"]):
        v["images"] = names[i]
    if enrich:
        doc = enrich(doc)

    def write_files(folder: Path) -> None:
        if render:
            _images(analysis, merged, target, folder, render)
        if target.generic:
            _write_generic_vcf(analysis, target, folder)
        else:
            write_vcf(analysis, folder)

    publish(out_dir, analysis.sample, write_files, doc)


def _generic_document(analysis: SampleAnalysis, target: Target) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "sample": analysis.sample,
        "input_kind": analysis.input_kind,
        "build": None,
        "reference": analysis.reference,
        "software": {"name": "whimscreen", "version": analysis.software_version},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": list(analysis.inputs),
        "input_files": list(analysis.input_files),
        "parameters": analysis.parameters,
        "qc": analysis.qc.to_dict(),
        "variants": [_generic_variant(c, target) for c in analysis.calls],
    }


def _write_generic_vcf(analysis: SampleAnalysis, target: Target, tmp: Path) -> None:
    filters = sorted({f for c in analysis.calls for f in c.filters})
    lines = [
        "##fileformat=VCFv4.3",
        f"##source=WHIMscreen {analysis.software_version}",
        f"##contig=<ID={target.chrom},length={len(target.sequence)}>",
        '##FILTER=<ID=PASS,Description="All filters passed">',
    ]
    lines += [f'##FILTER=<ID={f},Description="{FILTER_DESCRIPTIONS.get(f, "")}">' for f in filters]
    lines += [
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality (Phred-like)">',
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", analysis.sample]),
    ]
    for c in analysis.calls:
        lines.append(
            "\t".join(
                [
                    c.chrom,
                    str(c.pos),
                    ".",
                    c.ref,
                    c.alt,
                    ".",
                    ";".join(c.filters) or "PASS",
                    ".",
                    "GT:GQ",
                    f"{c.genotype}:{c.gq}",
                ]
            )
        )
    plain = tmp / f"{analysis.sample}.vcf"
    plain.write_text("\n".join(lines) + "\n")
    pysam.tabix_index(str(plain), preset="vcf", force=True)


def _generic_variant(c: VariantCall, target: Target) -> dict:
    return {
        "chrom": c.chrom,
        "pos": c.pos,
        "ref": c.ref,
        "alt": c.alt,
        "genotype": c.genotype,
        "gq": c.gq,
        "af": None if c.af is None else round(c.af, 4),
        "depth": c.depth,
        "ref_depth": c.ref_depth,
        "alt_depth": c.alt_depth,
        "filters": list(c.filters),
        "mosaic": c.mosaic,
        "evidence": c.evidence,
        "hgvs_g": target.g_name(call_variant(c)),
    }
