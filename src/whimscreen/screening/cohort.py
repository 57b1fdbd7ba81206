"""The inputs of a cohort screen: paths, globs and manifests expanded to files, and the work cut in batches.

A manifest is a CSV with the header ``sample,path,build`` (build may be empty; a relative path is taken
from the manifest's folder).  Index files (.tbi, .csi, .bai, .crai, .fai) matched by a glob are skipped.
"""

from __future__ import annotations

import csv
import glob
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from whimscreen.errors import InputFileError
from whimscreen.reference.locus import Locus

INDEX_SUFFIXES = (".tbi", ".csi", ".bai", ".crai", ".fai", ".gzi")
MANIFEST_HEADER = ["sample", "path", "build"]
#: small files per task: enough that scheduling overhead stays small, few enough to spread the work
FILES_PER_BATCH = 50
#: a batch closes when its files add up to this many bytes
BYTES_PER_BATCH = 64 << 20
#: re-called at the locus: one per task
ALIGNMENT_SUFFIXES = (".bam", ".cram")
#: samples of a joint-called VCF screened per task (their genotype columns only are decoded)
SAMPLES_PER_BATCH = 500


@dataclass(frozen=True)
class Input:
    path: str
    sample: str | None = None  # from a manifest; else read from the file
    build: str | None = None


@dataclass(frozen=True)
class ScreenContext:
    """What every task needs, sent to the workers once: the locus, whether to use the knowledge base (and
    which: the command line gives the data home's active release; None means the package's, loaded by each
    worker), the lab's population table, the genome FASTA CRAMs were written with, the caller's minimum
    depth."""

    locus: Locus
    use_kb: bool = True
    knowledge_base: object | None = None  # interpretation.knowledge_base.KnowledgeBase
    population: object | None = None  # interpretation.population_table.PopulationTable
    reference_fasta: str | None = None
    min_depth: int = 20

    @cached_property
    def key(self) -> str:
        """What a screened result depends on besides the file: a different key starts the state afresh."""
        from whimscreen import __version__

        pop = getattr(self.population, "source", None)
        kb = "none" if not self.use_kb else getattr(self.knowledge_base, "version", "package")
        return "|".join(
            [__version__, self.locus.info.sha256, f"kb={kb}", f"pop={pop}", f"dp={self.min_depth}"]
        )


def _manifest(path: Path) -> list[Input]:
    out = []
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader, [])]
        if header[:2] != MANIFEST_HEADER[:2]:
            raise InputFileError(f"{path}: line 1: a manifest's header is 'sample,path,build', got {header}")
        for n, row in enumerate(reader, start=2):
            if not any(c.strip() for c in row):
                continue
            if len(row) < 2 or not row[0].strip() or not row[1].strip():
                raise InputFileError(f"{path}: line {n}: needs a sample and a path")
            build = row[2].strip() if len(row) > 2 and row[2].strip() else None
            if build not in (None, "GRCh38", "GRCh37"):
                raise InputFileError(f"{path}: line {n}: unknown build {build!r} (GRCh38 or GRCh37)")
            file = Path(row[1].strip())
            file = file if file.is_absolute() else path.parent / file
            out.append(Input(str(file), row[0].strip(), build))
    return out


def _is_manifest(path: Path) -> bool:
    if path.suffix.lower() not in (".csv", ".tsv", ".txt") or not path.is_file():
        return False
    with open(path, encoding="utf-8", errors="replace") as fh:
        return fh.readline().strip().lower().startswith("sample,path")


def expand_inputs(args: list[str]) -> list[Input]:
    """Paths, globs and manifests to the list of files, in order, each once.  A glob that matches nothing
    is an error (a mistyped pattern); a listed path that does not exist is screened and fails."""
    out: list[Input] = []
    seen: set[str] = set()
    for arg in args:
        path = Path(arg)
        if _is_manifest(path):
            found = _manifest(path)
        elif glob.has_magic(arg):
            names = sorted(glob.glob(arg, recursive=True))
            found = [Input(n) for n in names if Path(n).is_file() and not n.endswith(INDEX_SUFFIXES)]
            if not found:
                raise InputFileError(f"{arg}: the pattern matches no file")
        else:
            found = [Input(arg)]
        for item in found:
            if item.path not in seen:
                seen.add(item.path)
                out.append(item)
    if not out:
        raise InputFileError("no input files given")
    return out


def file_batches(inputs: list[Input]) -> list[list[Input]]:
    """The tasks' batches, longest work first so that it does not hold up the end: each BAM/CRAM (by its
    name: re-called at the locus, it takes longer than hundreds of VCFs) in a batch of its own, then the
    other files, largest first (a joint-called VCF's samples are then screened in their own tasks early),
    in batches of at most ``FILES_PER_BATCH`` files and about ``BYTES_PER_BATCH`` bytes."""
    sizes = {}
    for item in inputs:
        try:
            sizes[item.path] = Path(item.path).stat().st_size
        except OSError:
            sizes[item.path] = 0
    ordered = sorted(inputs, key=lambda i: (not i.path.lower().endswith(ALIGNMENT_SUFFIXES), -sizes[i.path]))
    batches: list[list[Input]] = []
    current: list[Input] = []
    size = 0
    for item in ordered:
        if item.path.lower().endswith(ALIGNMENT_SUFFIXES):
            batches.append([item])
            continue
        n = sizes[item.path]
        if current and (len(current) >= FILES_PER_BATCH or size + n > BYTES_PER_BATCH):
            batches.append(current)
            current, size = [], 0
        current.append(item)
        size += n
    if current:
        batches.append(current)
    return batches


def sample_batches(samples: list[str], size: int = SAMPLES_PER_BATCH) -> list[list[str]]:
    return [samples[i : i + size] for i in range(0, len(samples), size)]
