"""Write a ``SampleAnalysis`` as ``DIR/ID.vcf.gz`` (+ ``.tbi``) and ``DIR/ID.json``, atomically.

The VCF is 4.3 with GT, GQ, DP, AD, AF, FILTER and an INFO ``MOSAIC`` flag; its header carries the
reference stamp (and the demo warning).  The JSON follows ``analysis.schema.json``; every variant carries
the reference layer's names (``annotate``), never names made here.  Files are written into a temporary
directory beside ``DIR`` and swapped in as a whole, the JSON (with its manifest ``files``) written last
(``result_dir``); on error nothing is left and an earlier result stays as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pysam

from whimscreen.calling.model import FILTER_DESCRIPTIONS, SampleAnalysis, VariantCall
from whimscreen.calling.result_dir import publish
from whimscreen.errors import AnalysisError
from whimscreen.reference.annotate import annotate
from whimscreen.reference.install import CHR2_LENGTH
from whimscreen.reference.locus import DEMO_WARNING, Locus

SCHEMA_VERSION = 1
_SAMPLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def check_sample_id(sample: str) -> str:
    if not _SAMPLE_ID.match(sample or ""):
        raise AnalysisError(
            f"sample ID {sample!r} is not usable as a file name (letters, digits, '.', '_', '-'; max 100)"
        )
    return sample


def output_paths(out_dir: Path, sample: str) -> dict[str, Path]:
    out_dir = Path(out_dir)
    return {
        "vcf": out_dir / f"{sample}.vcf.gz",
        "tbi": out_dir / f"{sample}.vcf.gz.tbi",
        "json": out_dir / f"{sample}.json",
    }


def write_analysis(
    analysis: SampleAnalysis, out_dir: Path, locus: Locus, enrich: Callable[[dict], dict] | None = None
) -> dict[str, Path]:
    """Write the result directory (``result_dir.publish``: all or nothing); returns the files' paths.
    ``enrich`` (injected by an upper layer, e.g. the interpretation) transforms the JSON document before
    it is written."""
    check_sample_id(analysis.sample)
    document = to_json(analysis, locus)  # annotate everything before touching the disk
    if enrich is not None:
        document = enrich(document)
    publish(out_dir, analysis.sample, lambda d: write_vcf(analysis, d), document)
    return output_paths(out_dir, analysis.sample)


# -- JSON -------------------------------------------------------------------------------------------------
def variant_dict(call: VariantCall, build: str, locus: Locus) -> dict:
    base = {
        "chrom": call.chrom,
        "pos": call.pos,
        "ref": call.ref,
        "alt": call.alt,
        "genotype": call.genotype,
        "zygosity": call.zygosity,
        "gq": call.gq,
        "af": None if call.af is None else round(call.af, 4),
        "depth": call.depth,
        "ref_depth": call.ref_depth,
        "alt_depth": call.alt_depth,
        "filters": list(call.filters),
        "mosaic": call.mosaic,
        "evidence": call.evidence,
    }
    names = annotate(locus, call.grch38(build)).to_dict()
    return base | {k: v for k, v in names.items() if k not in base}


def to_json(analysis: SampleAnalysis, locus: Locus) -> dict:
    from whimscreen import __version__

    doc = {
        "schema_version": SCHEMA_VERSION,
        "sample": analysis.sample,
        "input_kind": analysis.input_kind,
        "build": analysis.build,
        "reference": analysis.reference,
        "software": {"name": "whimscreen", "version": analysis.software_version or __version__},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": list(analysis.inputs),
        "input_files": list(analysis.input_files),
        "parameters": analysis.parameters,
        "qc": analysis.qc.to_dict(),
        "variants": [variant_dict(c, analysis.build, locus) for c in analysis.calls],
    }
    if analysis.reference.get("demo"):
        doc["warning"] = DEMO_WARNING
    return doc


# -- VCF --------------------------------------------------------------------------------------------------
def _header(analysis: SampleAnalysis, filters: list[str]) -> list[str]:
    stamp = analysis.reference
    lines = [
        "##fileformat=VCFv4.3",
        f"##fileDate={datetime.now(UTC):%Y%m%d}",
        f"##source=WHIMscreen {analysis.software_version}",
        f"##contig=<ID=chr2,length={CHR2_LENGTH[analysis.build]},assembly={analysis.build}>",
        f"##WHIMSCREEN_INPUT_KIND={analysis.input_kind}",
        "##WHIMSCREEN_REFERENCE_STAMP=" + json.dumps(stamp, sort_keys=True, ensure_ascii=False),
    ]
    if stamp.get("demo"):
        lines.append(f"##WHIMSCREEN_REFERENCE={DEMO_WARNING}")
    else:
        lines.append(f"##WHIMSCREEN_REFERENCE={stamp.get('kind', '')} sha256={stamp.get('sha256', '')}")
    lines.append('##FILTER=<ID=PASS,Description="All filters passed">')
    for f in filters:
        desc = FILTER_DESCRIPTIONS.get(f, "See the WHIMscreen documentation").replace('"', "'")
        lines.append(f'##FILTER=<ID={f},Description="{desc}">')
    lines += [
        '##INFO=<ID=MOSAIC,Number=0,Type=Flag,Description="Allele fraction in the possible-mosaic band">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality (Phred)">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Informative depth at the site">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the REF and ALT alleles">',
        '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Alternate allele fraction">',
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", analysis.sample]),
    ]
    return lines


def _missing(value) -> str:
    return "." if value is None else str(value)


def _record(call: VariantCall) -> str:
    ad = "." if call.ref_depth is None or call.alt_depth is None else f"{call.ref_depth},{call.alt_depth}"
    af = "." if call.af is None else f"{call.af:.4f}"
    sample = ":".join([call.genotype, _missing(call.gq), _missing(call.depth), ad, af])
    qual = _missing(call.gq)
    fields = [
        "chr2",
        str(call.pos),
        ".",
        call.ref,
        call.alt,
        qual,
        ";".join(call.filters) or "PASS",
        "MOSAIC" if call.mosaic else ".",
        "GT:GQ:DP:AD:AF",
        sample,
    ]
    return "\t".join(fields)


def write_vcf(analysis: SampleAnalysis, folder: Path) -> None:
    """``folder/ID.vcf.gz`` and its ``.tbi``."""
    path = folder / f"{analysis.sample}.vcf"
    filters = sorted({f for c in analysis.calls for f in c.filters})
    lines = _header(analysis, filters) + [_record(c) for c in analysis.calls]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pysam.tabix_index(str(path), preset="vcf", force=True)  # -> path.gz and path.gz.tbi, removes path
