"""One entry point for every input: ``analyze_paths`` detects the kind of input by content, runs the
matching path to a ``SampleAnalysis`` and writes it (``output.write_analysis``).  Used by the CLI and the
portal."""

from __future__ import annotations

import gc
import gzip
import hashlib
import importlib.util
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from whimscreen.calling.caller import CallerParameters, call_variants, genotype_quality
from whimscreen.calling.model import SampleAnalysis, VariantCall
from whimscreen.calling.output import check_sample_id, write_analysis
from whimscreen.calling.pileup import Pileup
from whimscreen.calling.qc import (
    MAX_INSERTION,
    NO_COVERAGE_REASON,
    coverage_qc,
    unexplained_clips,
    unknown_coverage_qc,
)
from whimscreen.errors import AnalysisError, InputFileError
from whimscreen.reference.locus import Locus

Progress = Callable[[int], None]  # called with the number of reads processed so far


def detect_kind(path: Path) -> str:
    """'fastq', 'bam', 'cram', 'vcf' or 'ab1', from the file's first bytes (never its name)."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    with open(path, "rb") as fh:
        head = fh.read(64)
    if not head:
        raise InputFileError(f"{path}: empty file")
    if head.startswith(b"\x1f\x8b"):
        try:
            with gzip.open(path, "rb") as fh:
                head = fh.read(64)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputFileError(f"{path}: corrupt gzip/BGZF data: {exc}") from exc
        if not head:
            raise InputFileError(f"{path}: empty after decompression")
    if head.startswith(b"CRAM"):
        return "cram"
    if head.startswith(b"ABIF"):
        return "ab1"
    if head.startswith(b"BAM\x01"):
        return "bam"
    if head.startswith((b"##fileformat=VCF", b"BCF\x02")):
        return "vcf"
    if head.startswith(b"@"):
        return "fastq"
    raise InputFileError(f"{path}: not a FASTQ, BAM, CRAM, VCF/BCF or AB1 file (unrecognised content)")


def read_primers(path: Path, locus: Locus, build: str) -> list[tuple[int, int, str | None]]:
    """Primer intervals from a BED file (0-based half-open, on ``build``; strand in column 6 when given)
    as locus-index intervals with their strand."""
    first = locus.to_build(locus.start, build)  # the locus's first base on ``build``
    out = []
    for n, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        f = line.split("\t")
        try:
            a, b = int(f[1]), int(f[2])
        except (IndexError, ValueError) as exc:
            raise InputFileError(f"{path}: line {n} is not BED (chrom, start, end)") from exc
        strand = f[5].strip() if len(f) > 5 and f[5].strip() in ("+", "-") else None
        out.append((a + 1 - first, b - first + 1, strand))
    if out and all(s is None for *_, s in out) and _amplicon_pairs(out):
        out = [(a, b, "+-"[k % 2]) for k, (a, b, _) in enumerate(out)]
    return [(a, b, s) for a, b, s in out if b > 0 and a < len(locus.sequence)]


def _amplicon_pairs(primers: list) -> bool:
    """A strandless BED listing each amplicon's left then right primer (the usual layout): pairs in
    file order, each left primer before its right one and an amplicon's length apart at most."""
    pairs = list(zip(primers[::2], primers[1::2], strict=False))
    return len(primers) % 2 == 0 and all(0 <= r[0] - l[1] <= 2000 for l, r in pairs)  # noqa: E741


def _read_calls(locus, reads, params, min_bq, min_mq, primers, build, progress, max_insertion) -> tuple:
    """Calls, QC and counts; the QC carries ``reads_aligned`` and the on-target count (reads overlapping
    the reportable range, divided by the reads read in ``_reads_analysis``)."""
    pile = Pileup(locus, min_bq=min_bq, min_mq=min_mq, primers=primers, max_insertion=max_insertion)
    target = _reportable_span(locus)
    on_target = 0
    with _fewer_collections():
        for n, (read, lo, hi) in enumerate(reads, start=1):
            end = read.ref0 + sum(k for op, k in read.cigar if op in (0, 2, 3, 7, 8))
            on_target += any(a < end and read.ref0 < b for a, b in target)
            pile.add(read, lo, hi)
            if progress and n % 5000 == 0:
                progress(n)
    counts = pile.result()
    if counts.reads_used == 0:
        raise AnalysisError("no reads aligned to the CXCR4 locus")
    calls = call_variants(locus, counts, params, build)
    offset = locus.to_build(locus.start, build) - locus.start
    indels = [c.pos - offset for c in calls if len(c.ref) != len(c.alt)]
    clips = unexplained_clips(locus, counts.clip_ends, counts.depth(), indels)
    reach = counts.reach
    qc = coverage_qc(locus, counts.depth(), params.min_depth, min_bq, build, clips, reach, max_insertion)
    return calls, replace(qc, reads_aligned=counts.reads_used), on_target


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """The read loop makes and frees millions of small objects (reads, CIGAR tuples), which refcounting
    frees; with the default thresholds the cyclic collector ran every 700 of them and re-walked the kept
    reads each time (~15% of a 200k-pair run's wall time).  It runs every 50,000 allocations in the loop,
    the caller's thresholds restored after (nothing in the loop makes reference cycles)."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _reportable_span(locus: Locus) -> list[tuple[int, int]]:
    """The reportable range as half-open locus-index intervals."""
    from whimscreen.reference.reportable import reportable_range

    return [(iv.start - locus.start, iv.end - locus.start + 1) for iv in reportable_range()]


def _fastq_reads(paths: list[Path], locus: Locus, records: list[int]):
    """Aligned reads of one FASTQ or a pair; ``records[i]`` counts the records read from ``paths[i]``."""
    from whimscreen.sequencing.align import align_records
    from whimscreen.sequencing.fastq import read_pairs

    if len(paths) > 2:
        raise InputFileError(f"FASTQ input is one file or a pair of mate files, got {len(paths)}")

    def counted():
        for pair in read_pairs(paths[0], paths[1] if len(paths) == 2 else None):
            for i in range(len(paths)):
                records[i] += 1
            yield pair

    return align_records(locus, counted())


def vcf_calls(alleles, locus: Locus, build: str, params: CallerParameters) -> list[VariantCall]:
    """The ``VariantCall`` of each VCF allele (``sequencing.vcf.VcfAllele``) on ``build``; an allele
    fraction in the mosaic band at adequate depth is flagged mosaic, as the caller would."""
    calls = []
    for a in alleles:
        mosaic = a.af is not None and params.min_af <= a.af < params.mosaic_max_af
        if mosaic and a.alt_depth is not None and a.depth:
            _, gq, mosaic = genotype_quality(a.alt_depth, a.depth, params)
        pos = locus.to_build(a.variant.pos, build)
        calls.append(
            VariantCall(
                "chr2",
                pos,
                a.variant.ref,
                a.variant.alt,
                a.genotype,
                a.gq,
                a.depth,
                a.ref_depth,
                a.alt_depth,
                a.af,
                a.filters,
                mosaic,
                {"record": a.record},
            )
        )
    return calls


def _vcf_analysis(path, locus, build, sample_name, params, min_bq):
    from whimscreen.sequencing.vcf import read_vcf

    content = read_vcf(path, locus, build, sample_name, params.min_depth)
    calls = vcf_calls(content.alleles, locus, content.build, params)
    return calls, vcf_qc(content, locus, params.min_depth, min_bq), content.build, [content.records]


def vcf_qc(content, locus: Locus, min_depth: int, min_bq: int):
    """The reportable range's coverage from a gVCF's reference blocks, or unknown for a plain VCF."""
    if content.gvcf_depth is not None:
        qc = coverage_qc(locus, content.gvcf_depth, min_depth, min_bq, content.build)
        return replace(qc, reason="depth from gVCF reference blocks (MIN_DP/DP); base quality not available")
    return unknown_coverage_qc(locus, min_depth, min_bq, content.build, NO_COVERAGE_REASON)


def analyze_paths(
    paths: list[Path],
    sample: str,
    out_dir: Path | None,
    locus: Locus,
    build: str | None = None,
    min_depth: int = 20,
    min_bq: int = 20,
    min_mq: int = 20,
    primers: Path | None = None,
    sample_name: str | None = None,
    reference_fasta: Path | None = None,
    progress: Progress | None = None,
    enrich: Callable[[dict], dict] | None = None,
    reference: Path | None = None,
    render: Callable | None = None,
    max_insertion: int = MAX_INSERTION,
    digests: tuple[dict, ...] | None = None,
) -> SampleAnalysis:
    """Analyse the input files of one sample; writes ``out_dir/sample.{vcf.gz,vcf.gz.tbi,json}`` when
    ``out_dir`` is given.  Sanger traces only: ``reference`` (single-sequence FASTA) replaces the locus,
    ``render`` draws each variant's chromatogram (``reporting.chromatogram.render``).  Read inputs:
    ``max_insertion`` is the longest insertion every reportable base must be readable for (QC).
    ``digests``: the inputs' ``file_digest`` when the caller already has them (never read twice).
    Raises a ``WhimscreenError`` (and writes nothing) on any bad input."""
    from whimscreen import __version__

    check_sample_id(sample)
    _check_parameters(build, min_depth, min_bq, min_mq)
    if not 1 <= max_insertion <= 200:
        raise AnalysisError(f"--max-insertion must be between 1 and 200, got {max_insertion}")
    paths = [Path(p) for p in paths]
    if not paths:
        raise InputFileError("no input files given")
    kinds = {detect_kind(p) for p in paths}
    if len(kinds) > 1:
        raise InputFileError(
            f"inputs of different kinds ({', '.join(sorted(kinds))}): analyse one kind per sample"
        )
    kind = kinds.pop()
    params = CallerParameters(min_depth=min_depth)
    if kind == "ab1":
        return _sanger(paths, sample, out_dir, locus, build, reference, enrich, render)
    if reference is not None:
        raise AnalysisError("--reference applies to Sanger (.ab1) traces only")
    if kind == "vcf":
        if len(paths) != 1:
            raise InputFileError("VCF input is one file")
        calls, qc, build, records = _vcf_analysis(paths[0], locus, build, sample_name, params, min_bq)
    else:
        calls, qc, build, records = _reads_analysis(
            kind,
            paths,
            locus,
            build,
            params,
            min_bq,
            min_mq,
            primers,
            reference_fasta,
            progress,
            max_insertion,
        )
    parameters = params.as_dict() | {
        "min_base_quality": min_bq,
        "min_mapping_quality": min_mq,
        "primers": str(primers) if primers else None,
        "sample_name": sample_name,
        "max_insertion_assessed": None if kind == "vcf" else max_insertion,
    }
    analysis = SampleAnalysis(
        sample,
        kind,
        build,
        qc,
        tuple(calls),
        locus.info.stamp(),
        __version__,
        parameters,
        tuple(p.name for p in paths),
        tuple(
            digest | {"records": n}
            for digest, n in zip(digests or tuple(file_digest(p) for p in paths), records, strict=True)
        ),
    )
    if out_dir is not None:
        write_analysis(analysis, Path(out_dir), locus, enrich)
    return analysis


def file_digest(path: Path) -> dict:
    """Name, size and SHA-256 of an input file, recorded with every analysis."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return {"name": path.name, "bytes": path.stat().st_size, "sha256": h.hexdigest()}


def _check_parameters(build, min_depth, min_bq, min_mq) -> None:
    if build not in (None, "GRCh38", "GRCh37"):
        raise AnalysisError(f"unknown build {build!r} (use GRCh38 or GRCh37)")
    if not 1 <= min_depth <= 100_000:
        raise AnalysisError(f"--min-depth must be between 1 and 100000, got {min_depth}")
    if not 0 <= min_bq <= 60:
        raise AnalysisError(f"--min-bq must be between 0 and 60, got {min_bq}")
    if not 0 <= min_mq <= 60:
        raise AnalysisError(f"--min-mq must be between 0 and 60, got {min_mq}")


def _reads_analysis(
    kind, paths, locus, build, params, min_bq, min_mq, primers, reference_fasta, progress, max_insertion
):
    """Calls, QC, build and the records read from each file (FASTQ: every record; BAM/CRAM: the records
    in the locus region the index led to)."""
    records = [0] * len(paths)
    src = None
    if kind == "fastq":
        if build not in (None, "GRCh38"):
            raise AnalysisError("FASTQ reads are aligned to the locus and reported on GRCh38; omit --build")
        build, reads = "GRCh38", _fastq_reads(paths, locus, records)
    else:
        from whimscreen.sequencing.bam import locus_reads, source_for

        if len(paths) != 1:
            raise InputFileError(f"{kind.upper()} input is one file, got {len(paths)}")
        src = source_for(paths[0], kind, reference_fasta)
        if build is not None and build != src.build:
            raise InputFileError(
                f"{paths[0]}: header says {src.build} (chr2 length) but --build {build} was given"
            )
        build, reads = src.build, locus_reads(src, locus, reference_fasta)
    primer_intervals = read_primers(primers, locus, build) if primers else []
    calls, qc, on_target = _read_calls(
        locus, reads, params, min_bq, min_mq, primer_intervals, build, progress, max_insertion
    )
    if src is not None:
        records = [src.records]
    total = sum(records)
    qc = replace(qc, on_target_fraction=min(1.0, on_target / total) if total else None)
    return calls, qc, build, records


def _sanger(paths, sample, out_dir, locus, build, reference, enrich, render):
    if importlib.util.find_spec("whimscreen.calling.sanger") is None:
        raise AnalysisError(f"{paths[0]}: Sanger analysis not available in this installation")
    from whimscreen.calling import sanger  # written by the Sanger work (issue 5)

    return sanger.analyze_traces(
        paths,
        sample=sample,
        out_dir=out_dir,
        locus=locus,
        build=build,
        reference=reference,
        enrich=None if reference else enrich,  # interpretation is for CXCR4 only
        render=render,
    )
