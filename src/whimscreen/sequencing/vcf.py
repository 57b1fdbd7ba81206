"""VCF/BCF records over the locus: sample chosen, multi-allelics split, normalized on the bundled reference.

Either build (from the header's chr2 length, or given); a REF that disagrees with the reference is an
error naming the record.  gVCF reference blocks (``END`` with ``<NON_REF>``) give per-base coverage.
"""

from __future__ import annotations

import re
import time
import warnings
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pysam
from cyvcf2 import VCF

from whimscreen.errors import InputFileError, VariantError, WhimscreenError
from whimscreen.reference.locus import Locus
from whimscreen.reference.variant import GenomicVariant, normalize
from whimscreen.sequencing import htslib
from whimscreen.sequencing.bam import build_from_header

_NOT_AN_ALLELE = ("<NON_REF>", "<*>", "*", ".")  # gVCF "any other allele", spanning deletion, missing
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
    records: int = 0  # records read from the file (the locus region when indexed)


_CHR2 = ("chr2", "2", "NC_000002.12", "NC_000002.11")
_FILTER_ID = re.compile(r"^[A-Za-z0-9_.+\-]+$")  # no whitespace, ';', '=', ',' or non-ASCII


def _header(
    path: Path,
    build: str | None,
    sample_name: str | None,
    need_sample: bool = True,
    locus: Locus | None = None,
) -> tuple[VCF | None, str, str | None, int | None, str | None, list[str]]:
    """Open and check the header: (vcf, build, contig, sample index, sample name).  The header's contigs
    and samples are read with pysam (cyvcf2's ``seqnames`` falls back to the index when the header has no
    contig and crashes the process on a damaged BCF); records with cyvcf2.  Both raise bare ``Exception``,
    OverflowError, UnicodeDecodeError ... on damaged headers: each becomes an ``InputFileError`` naming the
    file, htslib's own message folded in.

    With ``locus``, an indexed file whose index shows no record over the locus is not opened with cyvcf2
    (``vcf`` is None: there is nothing to read; a cohort's files mostly carry nothing there)."""
    vcf, error, nothing = None, None, False
    with htslib.captured() as said:
        try:
            with pysam.VariantFile(str(path)) as vf:
                contigs = list(vf.header.contigs.values())
                seqnames = [c.name for c in contigs]
                seqlens = [_length(c) for c in contigs]
                if None in seqlens:
                    seqlens = []
                samples = list(vf.header.samples)
                if locus is not None:
                    nothing = _nothing_at(vf, path, locus, seqnames, seqlens, build)
            if not nothing:
                vcf = VCF(str(path), lazy=True)
        except Exception as exc:  # noqa: BLE001 - pysam/cyvcf2 raise bare Exception; nothing of ours runs here
            error = exc
            if vcf is not None:
                _close(vcf)
    if error is not None:
        raise InputFileError(
            f"{path}: cannot read the VCF/BCF header: {_describe(error)}{said.suffix()}"
        ) from error
    try:
        build, contig = _build(path, seqnames, seqlens, build)
        s = _sample(path, samples, sample_name) if need_sample else None
    except WhimscreenError:
        if vcf is not None:
            _close(vcf)
        raise
    return vcf, build, contig, s, samples[s] if s is not None else None, samples


def _indexed(path: Path) -> bool:
    return any(Path(f"{path}{ext}").exists() for ext in (".tbi", ".csi"))


def _nothing_at(vf, path: Path, locus: Locus, seqnames: list, seqlens: list, build: str | None) -> bool:
    """Does the index show no record over the locus (the region ``_records`` would read)?  False when it
    shows one, when there is no index and on any problem (the records reader then meets it and names it)."""
    if not _indexed(path):
        return False
    try:
        found, contig = _build(path, seqnames, seqlens, build)
    except WhimscreenError:
        return False
    if contig is None:
        return False
    start, end = locus.bounds(found)
    try:
        return next(iter(vf.fetch(contig, start - 1, end)), None) is None
    except Exception:  # noqa: BLE001 - pysam raises ValueError, OSError ... on a damaged index or block
        return False


def _whole_text(path: Path) -> None:
    """A plain-text VCF must end with a line break: one cut inside its last record (a copy or transfer
    stopped early) would otherwise read as a shorter, valid record.  Compressed files (BGZF, BCF) carry their
    own end-of-file marker, which htslib checks."""
    try:
        with open(path, "rb") as fh:
            if fh.read(2) in (b"\x1f\x8b", b""):
                return
            fh.seek(-1, 2)
            last = fh.read(1)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    if last != b"\n":
        raise InputFileError(
            f"{path}: the file does not end with a line break: its last record is cut (truncated file?)"
        )


def _length(contig) -> int | None:
    """The ##contig length as written (htslib keeps 2^32 - 1 for any number that does not fit)."""
    text = dict(contig.header_record).get("length", "")
    return int(text) if text.isdigit() and len(text) <= 12 else None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "text that is not UTF-8 (sample names, alleles or IDs must be UTF-8)"
    text = " ".join(str(exc).split())[:200]
    if "htslib::bcf_read" in text:
        return "htslib cannot parse it"
    return text or type(exc).__name__


def _close(vcf: VCF) -> None:
    # closing a damaged file may fail too: the error that matters is already raised
    with htslib.captured(), suppress(Exception):
        vcf.close()


def _build(path: Path, seqnames: list, seqlens: list, build: str | None) -> tuple[str, str | None]:
    lengths = dict(zip(seqnames, seqlens, strict=False)) if seqlens else {}
    if any(n in lengths for n in _CHR2):
        found, contig = build_from_header(path, lengths)
        if build and build != found:
            raise InputFileError(f"{path}: header says {found} (chr2 length) but --build {build} was given")
        return found, contig
    if build is None:
        named = [n for n in _CHR2 if n in seqnames]
        if named:
            raise InputFileError(
                f"{path}: the ##contig line of {named[0]} has no valid length to tell the build; pass --build"
            )
        raise InputFileError(f"{path}: the header has no chr2 contig length to tell the build; pass --build")
    return build, None


def _sample(path: Path, samples: list, name: str | None) -> int:
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


@dataclass
class _Record:
    """The fields of one record this reader uses, taken out of cyvcf2 in one place (where it can fail)."""

    chrom: str
    pos: int
    ref: str
    alts: list
    filters: tuple
    end: int | None  # INFO END
    gt: list  # allele indices of the chosen sample (negative: missing)
    dp: int | None
    gq: int | None
    min_dp: int | None
    ad: list | None

    @property
    def text(self) -> str:
        return f"{self.chrom}:{self.pos}:{self.ref}:{','.join(self.alts)}"


def _in_region(path: Path, rec, n: int, start: int, end: int) -> bool:
    try:
        chrom, pos = rec.CHROM, int(rec.POS)
    except Exception as exc:  # noqa: BLE001 - cyvcf2: UnicodeDecodeError, OverflowError ...
        raise InputFileError(f"{path}: record {n}: cannot be read: {_describe(exc)}") from exc
    if pos < 1:
        raise InputFileError(f"{path}: record {n} ({chrom}:{pos}): POS must be a positive number")
    return chrom in _CHR2 and start <= pos <= end


def _fields(path: Path, rec, s: int, n: int) -> _Record:
    try:
        end = rec.INFO.get("END")
        gt = rec.genotypes[s] if rec.genotypes else []
        ad_all = _format(rec, "AD")
        out = _Record(
            rec.CHROM,
            int(rec.POS),
            rec.REF,
            list(rec.ALT),
            () if rec.FILTER is None else tuple(rec.FILTER.split(";")),  # None: PASS or '.'
            None if end is None else int(end),
            [a for a in gt[:-1] if a is not None],
            _format_int(rec, "DP", s),
            _format_int(rec, "GQ", s),
            _format_int(rec, "MIN_DP", s),
            None if ad_all is None else [int(x) for x in np.ravel(ad_all[s])],
        )
    except Exception as exc:  # noqa: BLE001 - cyvcf2 raises bare Exception, TypeError, UnicodeDecodeError ...
        raise InputFileError(f"{path}: record {n}: cannot be read: {_describe(exc)}") from exc
    where = f"{path}: record {n} ({out.text[:80]})"
    if out.pos < 1:
        raise InputFileError(f"{where}: POS must be a positive number")
    if any(not _FILTER_ID.match(f) for f in out.filters):
        raise InputFileError(f"{where}: FILTER {';'.join(out.filters)!r} has an empty or invalid filter ID")
    out.filters = tuple(f for f in out.filters if f != "PASS")
    if any(a > len(out.alts) for a in out.gt):
        raise InputFileError(f"{where}: the genotype names an allele the record does not have")
    return out


def _format(rec, key: str):
    try:
        return rec.format(key)
    except KeyError:
        return None


def _records(path: Path, vcf: VCF, contig: str | None, start: int, end: int):
    """(record number, record) over the locus, through the index when there is one; any reading failure
    names the file, the record number (counted from the first record read) and htslib's own message."""
    n, t0 = 0, time.monotonic()
    indexed = contig is not None and _indexed(path)
    region = f"{contig}:{start}-{end}" if indexed else None
    try:
        for rec in vcf(region) if indexed else vcf:
            n += 1
            yield n, rec
    except WhimscreenError:
        raise
    except Exception as exc:  # noqa: BLE001 - cyvcf2/htslib: bare Exception, OSError, StopIteration ...
        text = _describe(exc)
        if "index" in text and n == 0:
            raise InputFileError(
                f"{path}: the index (.tbi/.csi) cannot be read (empty, corrupt or not this file's); "
                f"re-index with 'tabix -p vcf {path}' or 'bcftools index {path}'"
            ) from exc
        # a read that took long (htslib adds each undeclared INFO key to the header: 100,000 of them take
        # minutes) is not repeated for htslib's words
        said = _diagnose(path, region, n) if time.monotonic() - t0 < DIAGNOSE_SECONDS else ""
        raise InputFileError(
            f"{path}: cannot read record {n + 1} (malformed, truncated or corrupt): {said or text}"
        ) from exc


DIAGNOSE_SECONDS = 10.0


def _diagnose(path: Path, region: str | None, n: int) -> str:
    """htslib's own words on record ``n + 1``: read the records again up to it with htslib's messages on,
    captured (only on the error path; reading silenced keeps the terminal clean)."""
    with htslib.captured() as said:
        try:
            htslib.set_level(htslib.DEFAULT_LEVEL)
            vcf = VCF(str(path), lazy=True)
            for k, _ in enumerate(vcf(region) if region else vcf):
                if k > n:
                    break
        except Exception:  # noqa: BLE001 - the failure being diagnosed
            pass
        finally:
            htslib.set_level(0)
    return said.message()


def _format_int(rec, key: str, i: int) -> int | None:
    value = _format(rec, key)
    if value is None:
        return None
    v = value[i].ravel()
    return int(v[0]) if v.size and v[0] >= 0 and v[0] > -(2**31) + 8 else None


def _alleles(path: Path, locus: Locus, rec: _Record, build: str) -> list[VcfAllele]:
    calls = [a for a in rec.gt if a >= 0]
    ad, dp, gq, text = rec.ad, rec.dp, rec.gq, rec.text
    out = []
    for i, alt in enumerate(rec.alts, start=1):
        copies = calls.count(i)
        if copies == 0 or alt in _NOT_AN_ALLELE:
            continue
        if alt.startswith("<") or "[" in alt or "]" in alt:
            raise InputFileError(
                f"{path}: record {text}: the sample carries the symbolic/structural allele {alt[:40]}, which "
                "this test cannot assess from a VCF (assess it separately)"
            )
        pos38 = locus.from_build(rec.pos, build)
        try:
            v = normalize(locus, GenomicVariant(pos38, rec.ref.upper(), alt.upper()))
        except VariantError as exc:
            raise InputFileError(f"{path}: record {text}: {exc}") from exc
        ref_d = ad[0] if ad and len(ad) > i and ad[0] >= 0 else None
        alt_d = ad[i] if ad and len(ad) > i and ad[i] >= 0 else None
        depth = dp if dp is not None else (sum(x for x in ad if x >= 0) if ad else None)
        af = alt_d / depth if alt_d is not None and depth else None
        gt_text = "1/1" if copies == 2 or (copies == 1 and len(calls) == 1) else "0/1"
        out.append(VcfAllele(v, gt_text, gq, depth, ref_d, alt_d, af, rec.filters, text))
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
    _whole_text(path)
    multi = multi_sample_ok and sample_name is None
    vcf, build, contig, s, sample, samples = _header(
        path, build, sample_name, need_sample=not multi, locus=locus
    )
    try:
        if multi:
            if len(samples) > 1:
                return list(samples)
            s = _sample(path, samples, None)
            sample = samples[s]
        start, end = locus.bounds(build)
        content = VcfContent(build, sample)
        if vcf is None:  # the index shows no record over the locus
            return content
        depth = np.zeros(len(locus.sequence), np.int64)
        seen: set[GenomicVariant] = set()
        with htslib.silenced():
            for n, raw in _records(path, vcf, contig, start, end):
                content.records += 1
                if not _in_region(path, raw, n, start, end):
                    continue
                rec = _fields(path, raw, s, n)
                if rec.end is not None and all(a.startswith("<") for a in rec.alts):
                    content.gvcf_depth = depth
                    dp = rec.min_dp or rec.dp or 0
                    a = max(locus.from_build(rec.pos, build), locus.start) - locus.start
                    b = min(locus.from_build(rec.end, build), locus.end) - locus.start
                    depth[a : b + 1] = np.maximum(depth[a : b + 1], dp)
                    continue
                if rec.dp is not None:
                    a = locus.from_build(rec.pos, build) - locus.start
                    depth[a : a + len(rec.ref)] = np.maximum(depth[a : a + len(rec.ref)], rec.dp)
                for allele in _alleles(path, locus, rec, build):
                    if allele.variant not in seen:
                        seen.add(allele.variant)
                        content.alleles.append(allele)
        return content
    finally:
        if vcf is not None:
            _close(vcf)


def locus_sites(path: Path, locus: Locus, build: str | None = None):
    """(build, records over the locus) of a sites-only VCF such as a population release (no sample is
    needed), read through the index when there is one, else streamed: never loaded whole."""
    path = Path(path)
    vcf, build, contig, _, _, _ = _header(path, build, None, need_sample=False)
    start, end = locus.bounds(build)

    def records():
        try:
            with htslib.silenced():
                for n, rec in _records(path, vcf, contig, start, end):
                    if _in_region(path, rec, n, start, end):
                        yield rec
        finally:
            _close(vcf)

    return build, records()


def vcf_samples(path: Path) -> list[str]:
    """The sample columns of a VCF/BCF (the header only is read)."""
    with htslib.captured() as said:
        try:
            with pysam.VariantFile(str(path)) as vf:
                return list(vf.header.samples)
        except Exception as exc:  # noqa: BLE001 - pysam raises bare Exception, OSError, ValueError ...
            raise InputFileError(
                f"{path}: cannot read the VCF/BCF header: {_describe(exc)}{said.suffix()}"
            ) from exc


def read_vcf_samples(
    path: Path, locus: Locus, samples: list[str], build: str | None = None
) -> tuple[str, dict[str, list[VcfAllele]]]:
    """(build, alleles per sample) for a batch of the samples of a joint-called VCF/BCF.

    The locus region is read once (through the index when there is one, else streamed) and only the
    batch's genotype columns are decoded (cyvcf2 ``samples=``), so memory follows the batch, not the
    cohort.  Samples without a non-reference genotype get an empty list."""
    path = Path(path)
    header, build, contig, _, _, _ = _header(path, build, None, need_sample=False)
    _close(header)
    with htslib.captured() as said:
        try:
            vcf = VCF(str(path), lazy=True, samples=list(samples))
        except Exception as exc:  # noqa: BLE001 - cyvcf2 raises a bare Exception
            raise InputFileError(f"{path}: cannot open as VCF/BCF: {_describe(exc)}{said.suffix()}") from exc
    try:
        names = list(vcf.samples)
        missing = sorted(set(samples) - set(names))
        if missing:
            raise InputFileError(f"{path}: no sample {missing[0]!r}")
        start, end = locus.bounds(build)
        out: dict[str, list[VcfAllele]] = {n: [] for n in names}
        seen: dict[str, set[GenomicVariant]] = {n: set() for n in names}
        with htslib.silenced():
            for n, raw in _records(path, vcf, contig, start, end):
                if not _in_region(path, raw, n, start, end):
                    continue
                try:
                    carriers = np.flatnonzero(np.isin(raw.gt_types, (1, 3)))  # HET, HOM_ALT
                except Exception as exc:  # noqa: BLE001 - cyvcf2 on damaged genotypes
                    raise InputFileError(f"{path}: record {n}: cannot be read: {_describe(exc)}") from exc
                for s in carriers:
                    rec = _fields(path, raw, int(s), n)
                    if rec.end is not None and all(a.startswith("<") for a in rec.alts):
                        continue
                    for allele in _alleles(path, locus, rec, build):
                        if allele.variant not in seen[names[s]]:
                            seen[names[s]].add(allele.variant)
                            out[names[s]].append(allele)
        return build, out
    finally:
        _close(vcf)
