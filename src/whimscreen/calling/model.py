"""The result of analysing one sample, whatever the input (FASTQ, BAM/CRAM, VCF, Sanger trace).

Every input path produces a ``SampleAnalysis`` and writes it through ``whimscreen.calling.output``, so the
interpretation layer and the portal read one shape (``analysis.schema.json``).  Positions are VCF-style
(1-based, indels with their anchor base, left-normalized) on the build analyzed; ``grch38()`` gives the
GRCh38 form the reference layer names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whimscreen.reference.coords import from_build
from whimscreen.reference.variant import GenomicVariant

INPUT_KINDS = ("fastq", "bam", "cram", "vcf", "ab1")
BUILDS = ("GRCh38", "GRCh37")
GENOTYPES = ("0/1", "1/1")

#: FILTER values any caller may set, with the VCF header description (docs/ngs-calling.md explains each).
FILTER_DESCRIPTIONS = {
    "LowDepth": "Fewer informative reads than the minimum depth at the site",
    "LowGQ": "Genotype quality below the minimum",
    "StrandBias": "Alternate allele seen (almost) only on one strand while the reference is on both",
    "LowBaseQuality": "Mean base quality of the alternate allele below the minimum",
    "LowMappingQuality": "Mean mapping quality of the alternate-allele reads below the minimum",
    "NearIndel": "Low-fraction SNV inside a much better supported indel: likely reads misaligned at its edge",
    "LowAF": "Allele fraction below the mosaic band at this depth: reported for review, not a call",
    "SingleStrand": "Sanger: seen on one strand only while a good-quality read of the other strand covers it",
    "NotInReference": "Reference allele could not be confirmed against the locus",
    "ConflictingIndels": "Sanger: another indel called within 10 bp; this one is not seen on both strands",
}


@dataclass(frozen=True)
class VariantCall:
    chrom: str
    pos: int  # on the build analyzed
    ref: str
    alt: str
    genotype: str  # "0/1" or "1/1"
    gq: int | None  # Phred genotype quality; None when the input did not carry one
    depth: int | None  # reads (or samples of signal) informative at the site
    ref_depth: int | None
    alt_depth: int | None
    af: float | None  # alternate allele fraction
    filters: tuple[str, ...] = ()  # empty = PASS
    mosaic: bool = False  # allele fraction in the possible-mosaic band at adequate depth
    evidence: dict = field(default_factory=dict)  # caller-specific details (strand counts, qualities ...)

    def __post_init__(self) -> None:
        if self.genotype not in GENOTYPES:
            raise ValueError(f"genotype must be one of {GENOTYPES}, got {self.genotype!r}")
        object.__setattr__(self, "filters", tuple(self.filters))

    @property
    def passed(self) -> bool:
        return not self.filters

    @property
    def zygosity(self) -> str:
        """heterozygous, homozygous, or mosaic (allele fraction in the possible-mosaic band)."""
        if self.mosaic:
            return "mosaic"
        return "homozygous" if self.genotype == "1/1" else "heterozygous"

    def grch38(self, build: str) -> GenomicVariant:
        """This call as a GRCh38 ``GenomicVariant`` (the form ``annotate`` takes)."""
        return GenomicVariant(from_build(self.pos, build), self.ref, self.alt)


@dataclass(frozen=True)
class CoverageQC:
    """Coverage of the reportable range (docs/reportable-range.md) at ``min_depth`` and ``min_base_quality``.

    ``fully_covered`` False means the sample can never be reported Negative; ``reason`` says why when the
    coverage could not be measured at all (e.g. a plain VCF).
    """

    min_depth: int
    min_base_quality: int
    reportable_bases: int
    covered_bases: int | None  # None when unknown
    uncovered: tuple[tuple[int, int], ...]  # GRCh38 1-based inclusive intervals
    uncovered_build: tuple[tuple[int, int], ...]  # the same on the build analyzed
    fully_covered: bool
    mean_depth: float | None
    min_observed_depth: int | None = None
    reason: str | None = None
    reads_aligned: int | None = None  # read inputs: reads aligned to the locus and counted
    on_target_fraction: float | None = None  # read inputs: reads on the reportable range / reads read

    def __post_init__(self) -> None:
        object.__setattr__(self, "uncovered", tuple(tuple(iv) for iv in self.uncovered))
        object.__setattr__(self, "uncovered_build", tuple(tuple(iv) for iv in self.uncovered_build))

    def to_dict(self) -> dict:
        return {
            "min_depth": self.min_depth,
            "min_base_quality": self.min_base_quality,
            "reportable_bases": self.reportable_bases,
            "covered_bases": self.covered_bases,
            "fully_covered": self.fully_covered,
            "mean_depth": None if self.mean_depth is None else round(self.mean_depth, 1),
            "min_observed_depth": self.min_observed_depth,
            "uncovered": [{"start": a, "end": b} for a, b in self.uncovered],
            "uncovered_build": [{"start": a, "end": b} for a, b in self.uncovered_build],
            "reason": self.reason,
            "reads_aligned": self.reads_aligned,
            "on_target_fraction": _rounded(self.on_target_fraction, 4),
        }


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


@dataclass(frozen=True)
class SampleAnalysis:
    sample: str
    input_kind: str  # one of INPUT_KINDS
    build: str  # build of the input coordinates (output positions are on this build)
    qc: CoverageQC
    calls: tuple[VariantCall, ...]
    reference: dict  # locus.info.stamp()
    software_version: str
    parameters: dict = field(default_factory=dict)
    inputs: tuple[str, ...] = ()  # input file names
    input_files: tuple[dict, ...] = ()  # {"name", "bytes", "sha256", "records"} of each input (provenance)

    def __post_init__(self) -> None:
        if self.input_kind not in INPUT_KINDS:
            raise ValueError(f"input_kind must be one of {INPUT_KINDS}, got {self.input_kind!r}")
        if self.build not in BUILDS:
            raise ValueError(f"build must be one of {BUILDS}, got {self.build!r}")
        object.__setattr__(self, "calls", tuple(sorted(self.calls, key=lambda c: (c.pos, c.ref, c.alt))))
        object.__setattr__(self, "inputs", tuple(self.inputs))
        object.__setattr__(self, "input_files", tuple(self.input_files))
