"""The work of one Dask task: a batch of files, or a batch of a joint-called VCF's samples.

Each file is hashed (SHA-256, streamed) first: a hash already screened with the same context is not
screened again.  A file that cannot be read becomes a ``failed`` entry naming the problem; it never stops
the batch.  Variants are named by the reference layer (``annotate``) and classified by the interpretation
(``classify``); both are cached per worker process, since a cohort repeats the same few variants.
"""

from __future__ import annotations

from pathlib import Path

from whimscreen.calling.caller import CallerParameters
from whimscreen.calling.model import CoverageQC, VariantCall
from whimscreen.calling.pipeline import analyze_paths, detect_kind, file_digest, vcf_calls, vcf_qc
from whimscreen.calling.qc import NO_COVERAGE_REASON, unknown_coverage_qc
from whimscreen.errors import WhimscreenError
from whimscreen.interpretation.classify import classify
from whimscreen.interpretation.knowledge_base import load_cached
from whimscreen.interpretation.reportable import describe_uncovered, in_reportable_range
from whimscreen.reference.annotate import annotate
from whimscreen.screening.cohort import Input, ScreenContext
from whimscreen.sequencing.vcf import read_vcf_or_samples

COHORT_KINDS = ("vcf", "bam", "cram")
JOINT_COVERAGE_REASON = "a joint-called VCF carries no per-base coverage of the reportable range"
_CACHE: dict[tuple, tuple[dict, dict]] = {}
_CACHE_LIMIT = 50_000


def _named_and_classified(call: VariantCall, build: str, ctx: ScreenContext) -> tuple[dict, dict]:
    g = call.grch38(build)
    key = (ctx.key, g.pos, g.ref, g.alt)
    hit = _CACHE.get(key)
    if hit is None:
        names = annotate(ctx.locus, g).to_dict()
        kb = None if not ctx.use_kb else ctx.knowledge_base or load_cached(ctx.locus)
        cls = classify(names, None, kb, ctx.population).to_dict()
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        hit = _CACHE[key] = (names, cls)
    return hit


def _zygosity(call: VariantCall) -> str:
    return call.zygosity


def variant_row(call: VariantCall, build: str, ctx: ScreenContext) -> dict:
    names, c = _named_and_classified(call, build, ctx)
    criteria = ", ".join(f"{x['code']} ({x['strength']}, {x['points']:+d})" for x in c["criteria"])
    return {
        "hgvs_c": names.get("hgvs_c"),
        "hgvs_p": names.get("hgvs_p"),
        "hgvs_g": names.get("hgvs_g"),
        "grch38": f"chr2:{names['grch38']['pos']}:{names['grch38']['ref']}:{names['grch38']['alt']}",
        "consequence": names.get("consequence"),
        "zygosity": _zygosity(call),
        "genotype": call.genotype,
        "af": None if call.af is None else round(call.af, 4),
        "depth": call.depth,
        "alt_depth": call.alt_depth,
        "filters": list(call.filters),
        "in_reportable_range": in_reportable_range(names),
        "classification": c["classification"],
        "points": c["points"],
        "criteria": criteria or "no criterion met",
        "knowledge_base_classification": c.get("knowledge_base_classification"),
        "review_required": c["review_required"],
        "review_reasons": c["review_reasons"],
    }


def coverage(qc: CoverageQC) -> dict:
    """The coverage of the reportable range as far as the input allows (None: not measurable)."""
    measured = qc.covered_bases is not None
    return {
        "measured": measured,
        "fully_covered": qc.fully_covered if measured else None,
        "covered_bases": qc.covered_bases,
        "reportable_bases": qc.reportable_bases,
        "min_depth": qc.min_depth,
        "mean_depth": None if qc.mean_depth is None else round(qc.mean_depth, 1),
        "uncovered": describe_uncovered(list(qc.uncovered)) if measured and qc.uncovered else "",
        "reason": qc.reason or "",
    }


def sample_result(sample, item_path, sha, kind, build, calls, qc, ctx: ScreenContext) -> dict:
    return {
        "sample": sample,
        "file": str(item_path),
        "sha256": sha,
        "kind": kind,
        "build": build,
        "coverage": coverage(qc),
        "variants": [variant_row(c, build, ctx) for c in calls],
    }


def _alignment_sample(path: Path, kind: str, ctx: ScreenContext) -> str | None:
    import pysam

    try:
        with pysam.AlignmentFile(
            str(path), "rc" if kind == "cram" else "rb", reference_filename=ctx.reference_fasta
        ) as af:
            names = {rg.get("SM") for rg in af.header.to_dict().get("RG", []) if rg.get("SM")}
    except (OSError, ValueError):
        return None  # the analysis reports the real problem
    return names.pop() if len(names) == 1 else None


def _screen_file(item: Input, ctx: ScreenContext, done) -> dict:
    path = Path(item.path)
    if not path.is_file():
        return {"status": "failed", "file": item.path, "error": f"{path}: no such file"}
    digest = file_digest(path)
    sha = digest["sha256"]
    if sha in done:
        return {"status": "cached", "file": item.path, "sha256": sha, "sample": item.sample}
    kind = detect_kind(path)
    if kind not in COHORT_KINDS:
        raise WhimscreenError(f"{path}: a {kind.upper()} file is not a cohort input (VCF/BCF, BAM or CRAM)")
    if kind == "vcf":
        return _screen_vcf(item, path, sha, ctx)
    sample = item.sample or _alignment_sample(path, kind, ctx) or path.name.split(".")[0]
    analysis = analyze_paths(
        [path],
        "screen",
        None,
        ctx.locus,
        build=item.build,
        min_depth=ctx.min_depth,
        reference_fasta=Path(ctx.reference_fasta) if ctx.reference_fasta else None,
        digests=(digest,),
    )
    result = sample_result(
        sample, item.path, sha, analysis.input_kind, analysis.build, analysis.calls, analysis.qc, ctx
    )
    return {"status": "done", "file": item.path, "sha256": sha, "samples": [result]}


def _screen_vcf(item: Input, path: Path, sha: str, ctx: ScreenContext) -> dict:
    """A VCF/BCF read once: a single sample (or the manifest's sample of a multi-sample file) is screened
    here; a joint-called file comes back with its sample names."""
    content = read_vcf_or_samples(path, ctx.locus, item.build, item.sample if _multi(path, item) else None)
    if isinstance(content, list):
        return {"status": "joint", "file": item.path, "sha256": sha, "samples": content, "build": item.build}
    params = CallerParameters(min_depth=ctx.min_depth)
    calls = vcf_calls(content.alleles, ctx.locus, content.build, params)
    qc = (
        _plain_qc(ctx, content.build)
        if content.gvcf_depth is None
        else vcf_qc(content, ctx.locus, ctx.min_depth, 20)
    )
    result = sample_result(
        item.sample or content.sample, item.path, sha, "vcf", content.build, calls, qc, ctx
    )
    return {"status": "done", "file": item.path, "sha256": sha, "samples": [result]}


def _multi(path: Path, item: Input) -> bool:
    """Is the manifest's sample to be chosen among several?  (Reading the header once more only then.)"""
    if item.sample is None:
        return False
    from whimscreen.sequencing.vcf import vcf_samples

    return len(vcf_samples(path)) > 1


_PLAIN_QC: dict[tuple, CoverageQC] = {}


def _plain_qc(ctx: ScreenContext, build: str) -> CoverageQC:
    """The (unknown) coverage of a plain VCF: the same for every file, computed once per process."""
    key = (ctx.key, build)
    if key not in _PLAIN_QC:
        _PLAIN_QC[key] = unknown_coverage_qc(ctx.locus, ctx.min_depth, 20, build, NO_COVERAGE_REASON)
    return _PLAIN_QC[key]


def screen_files(batch: list[Input], ctx: ScreenContext, done=frozenset()) -> list[dict]:
    """One entry per file of the batch: ``done`` (with its sample results), ``cached`` (hash already
    screened), ``joint`` (a multi-sample VCF: its samples are screened in their own batches) or
    ``failed`` (with the reason)."""
    out = []
    for item in batch:
        try:
            out.append(_screen_file(item, ctx, done))
        except WhimscreenError as exc:
            out.append({"status": "failed", "file": item.path, "error": str(exc)})
        except Exception as exc:  # a file no reader expected: recorded, the cohort goes on
            out.append(
                {"status": "failed", "file": item.path, "error": f"{item.path}: {type(exc).__name__}: {exc}"}
            )
    return out


def screen_joint(path: str, sha: str, samples: list[str], build: str | None, ctx: ScreenContext) -> dict:
    """The results of a batch of a joint VCF's samples, reading the locus region once."""
    from whimscreen.sequencing.vcf import read_vcf_samples

    try:
        build, alleles = read_vcf_samples(Path(path), ctx.locus, samples, build)
    except WhimscreenError as exc:
        return {"status": "failed", "file": path, "error": str(exc), "samples": samples}
    params = CallerParameters(min_depth=ctx.min_depth)
    qc = unknown_coverage_qc(ctx.locus, ctx.min_depth, 20, build, JOINT_COVERAGE_REASON)
    results = [
        sample_result(s, path, sha, "vcf", build, vcf_calls(alleles[s], ctx.locus, build, params), qc, ctx)
        for s in samples
    ]
    return {"status": "done", "file": path, "sha256": sha, "samples": results}
