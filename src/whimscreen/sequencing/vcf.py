"""VCF/BCF records over the locus: sample chosen, multi-allelics split, normalized on the bundled reference.

Either build (from the header's chr2 length, or given); a REF that disagrees with the reference is an
error naming the record.  gVCF reference blocks (``END`` with ``<NON_REF>``) give per-base coverage.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from cyvcf2 import VCF

from whimscreen.errors import InputFileError, VariantError
from whimscreen.reference.locus import Locus
from whimscreen.reference.variant import GenomicVariant, normalize
from whimscreen.sequencing.bam import build_from_header

_SYMBOLIC = ("<", "*", ".")
# cyvcf2 warns when an indexed region holds no record: for a locus without variants that is the answer
warnings.filterwarnings("ignore", message="no intervals found", category=UserWarning)


@dataclass(frozen=True)
class VcfAllele:
    variant: GenomicVariant  # GRCh38, normalized
    genotype: str  # "0/1" or "1/1"
    gq: int | None
    depth: int | None
    ref_depth: int | None
    alt_depth: int | None
    af: float | None
    filters: tuple[str, ...]
    record: str  # as written in the file, for messages and evidence


@dataclass
class VcfContent:
    build: str
    sample: str
    alleles: list[VcfAllele] = field(default_factory=list)
    gvcf_depth: np.ndarray | None = None  # per locus index, from reference blocks and sites (gVCF only)


def _open(path: Path) -> VCF:
    try:
        return VCF(str(path), lazy=True)
    except Exception as exc:  # cyvcf2 raises a bare Exception for a header it cannot parse
        raise InputFileError(f"{path}: cannot open as VCF/BCF: {exc}") from exc


def _build(path: Path, vcf: VCF, build: str | None) -> tuple[str, str | None]:
    lengths = dict(zip(vcf.seqnames, vcf.seqlens, strict=False)) if vcf.seqlens else {}
    if any(n in lengths for n in ("chr2", "2", "NC_000002.12", "NC_000002.11")):
        found, contig = build_from_header(path, lengths)
        if build and build != found:
            raise InputFileError(f"{path}: header says {found} (chr2 length) but --build {build} was given")
        return found, contig
    if build is None:
        raise InputFileError(f"{path}: the header has no chr2 contig length to tell the build; pass --build")
    return build, None


def _sample(path: Path, vcf: VCF, name: str | None) -> int:
    samples = list(vcf.samples)
    if not samples:
        raise InputFileError(f"{path}: no sample columns (genotypes are needed)")
    if name is None:
        if len(samples) > 1:
            raise InputFileError(
                f"{path}: {len(samples)} samples ({', '.join(samples)}); choose one with --sample-name"
            )
        return 0
    if name not in samples:
        raise InputFileError(f"{path}: no sample {name!r} (samples: {', '.join(samples)})")
    return samples.index(name)


def _records(path: Path, vcf: VCF, contig: str | None, start: int, end: int):
    try:
        indexed = any(Path(f"{path}{ext}").exists() for ext in (".tbi", ".csi"))
        if contig is not None and indexed:
            yield from vcf(f"{contig}:{start}-{end}")
            return
        for rec in vcf:
            if rec.CHROM in ("chr2", "2", "NC_000002.12", "NC_000002.11") and start <= rec.POS <= end:
                yield rec
    except (OSError, ValueError, StopIteration) as exc:
        raise InputFileError(f"{path}: cannot read records (truncated or corrupt?): {exc}") from exc


def _format_int(rec, key: str, i: int) -> int | None:
    try:
        value = rec.format(key)
    except KeyError:
        return None
    if value is None:
        return None
    v = value[i].ravel()
    return int(v[0]) if v.size and v[0] >= 0 and v[0] > -(2**31) + 8 else None


def _alleles(path: Path, locus: Locus, rec, s: int, build: str) -> list[VcfAllele]:
    gt = rec.genotypes[s]
    calls = [a for a in gt[:-1] if a is not None and a >= 0]
    text = f"{rec.CHROM}:{rec.POS}:{rec.REF}:{','.join(rec.ALT)}"
    filters = tuple(rec.FILTER.split(";")) if rec.FILTER else ()
    ad = None
    try:
        ad_all = rec.format("AD")
        if ad_all is not None:
            ad = [int(x) for x in ad_all[s]]
    except KeyError:
        pass
    dp, gq = _format_int(rec, "DP", s), _format_int(rec, "GQ", s)
    out = []
    for i, alt in enumerate(rec.ALT, start=1):
        copies = calls.count(i)
        if copies == 0 or alt.startswith(_SYMBOLIC):
            continue
        pos38 = locus.from_build(rec.POS, build)
        try:
            v = normalize(locus, GenomicVariant(pos38, rec.REF.upper(), alt.upper()))
        except VariantError as exc:
            raise InputFileError(f"{path}: record {text}: {exc}") from exc
        ref_d = ad[0] if ad and len(ad) > i and ad[0] >= 0 else None
        alt_d = ad[i] if ad and len(ad) > i and ad[i] >= 0 else None
        depth = dp if dp is not None else (sum(x for x in ad if x >= 0) if ad else None)
        af = alt_d / depth if alt_d is not None and depth else None
        gt_text = "1/1" if copies == 2 or (copies == 1 and len(calls) == 1) else "0/1"
        out.append(VcfAllele(v, gt_text, gq, depth, ref_d, alt_d, af, filters, text))
    return out


def read_vcf(
    path: Path, locus: Locus, build: str | None = None, sample_name: str | None = None, min_depth: int = 20
) -> VcfContent:
    content = read_vcf_or_samples(path, locus, build, sample_name, min_depth, multi_sample_ok=False)
    assert isinstance(content, VcfContent)
    return content


def read_vcf_or_samples(
    path: Path,
    locus: Locus,
    build: str | None = None,
    sample_name: str | None = None,
    min_depth: int = 20,
    multi_sample_ok: bool = True,
) -> VcfContent | list[str]:
    """As ``read_vcf``, opening the file once; a multi-sample file without ``sample_name`` gives its sample
    names (``multi_sample_ok``) instead of an error, for the caller to read in batches."""
    path = Path(path)
    vcf = _open(path)
    try:
        if multi_sample_ok and sample_name is None and len(vcf.samples) > 1:
            return list(vcf.samples)
        build, contig = _build(path, vcf, build)
        s = _sample(path, vcf, sample_name)
        start, end = locus.bounds(build)
        content = VcfContent(build, list(vcf.samples)[s])
        depth = np.zeros(len(locus.sequence), np.int64)
        seen: set[GenomicVariant] = set()
        for rec in _records(path, vcf, contig, start, end):
            if rec.INFO.get("END") is not None and all(a.startswith("<") for a in rec.ALT):
                content.gvcf_depth = depth
                dp = _format_int(rec, "MIN_DP", s) or _format_int(rec, "DP", s) or 0
                a = max(locus.from_build(rec.POS, build), locus.start) - locus.start
                b = min(locus.from_build(int(rec.INFO["END"]), build), locus.end) - locus.start
                depth[a : b + 1] = np.maximum(depth[a : b + 1], dp)
                continue
            dp = _format_int(rec, "DP", s)
            if dp is not None:
                a = locus.from_build(rec.POS, build) - locus.start
                depth[a : a + len(rec.REF)] = np.maximum(depth[a : a + len(rec.REF)], dp)
            for allele in _alleles(path, locus, rec, s, build):
                if allele.variant not in seen:
                    seen.add(allele.variant)
                    content.alleles.append(allele)
        return content
    finally:
        vcf.close()


def locus_sites(path: Path, locus: Locus, build: str | None = None):
    """(build, records over the locus) of a sites-only VCF such as a population release: no sample is
    needed.  The records are read through the index when there is one, else streamed (never loaded whole)."""
    path = Path(path)
    vcf = _open(path)
    build, contig = _build(path, vcf, build)
    start, end = locus.bounds(build)

    def records():
        try:
            yield from _records(path, vcf, contig, start, end)
        finally:
            vcf.close()

    return build, records()


def vcf_samples(path: Path) -> list[str]:
    """The sample columns of a VCF/BCF (the header only is read)."""
    vcf = _open(Path(path))
    try:
        return list(vcf.samples)
    finally:
        vcf.close()


def read_vcf_samples(
    path: Path, locus: Locus, samples: list[str], build: str | None = None
) -> tuple[str, dict[str, list[VcfAllele]]]:
    """(build, alleles per sample) for a batch of the samples of a joint-called VCF/BCF.

    The locus region is read once (through the index when there is one, else streamed) and only the
    batch's genotype columns are decoded (cyvcf2 ``samples=``), so memory follows the batch, not the
    cohort.  Samples without a non-reference genotype get an empty list."""
    path = Path(path)
    try:
        vcf = VCF(str(path), lazy=True, samples=list(samples))
    except Exception as exc:  # cyvcf2 raises a bare Exception for a header it cannot parse
        raise InputFileError(f"{path}: cannot open as VCF/BCF: {exc}") from exc
    try:
        names = list(vcf.samples)
        missing = sorted(set(samples) - set(names))
        if missing:
            raise InputFileError(f"{path}: no sample {missing[0]!r}")
        build, contig = _build(path, vcf, build)
        start, end = locus.bounds(build)
        out: dict[str, list[VcfAllele]] = {n: [] for n in names}
        seen: dict[str, set[GenomicVariant]] = {n: set() for n in names}
        for rec in _records(path, vcf, contig, start, end):
            if rec.INFO.get("END") is not None and all(a.startswith("<") for a in rec.ALT):
                continue
            carriers = np.flatnonzero(np.isin(rec.gt_types, (1, 3)))  # HET, HOM_ALT
            for s in carriers:
                for allele in _alleles(path, locus, rec, int(s), build):
                    if allele.variant not in seen[names[s]]:
                        seen[names[s]].add(allele.variant)
                        out[names[s]].append(allele)
        return build, out
    finally:
        vcf.close()
