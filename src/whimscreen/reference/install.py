"""Install a lab's validated genome as the active locus, refusing anything that disagrees with the facts.

``install(fasta, build, home)`` extracts the CXCR4 locus (gene plus flank) from a genome FASTA (``chr2`` or
``2`` naming, plain or bgzipped with a faidx index), and verifies it: the coding sequence at the annotated
coordinates must equal the candidate coding sequence and translate to P61073, and every ClinVar anchor's
reference bases must be there.  The first mismatch is named and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from whimscreen.errors import ReferenceDataError
from whimscreen.reference import sources
from whimscreen.reference.coords import from_build, to_build
from whimscreen.reference.locus import Locus, LocusProvider, ReferenceInfo, locus_bounds, sha256
from whimscreen.reference.refget import refget_accession_from_digest
from whimscreen.reference.sequence import translate

if TYPE_CHECKING:
    import pysam

CONTIG_NAMES = ("chr2", "2", "NC_000002.12", "NC_000002.11")
#: chr2 lengths, to tell the builds apart in FASTA and BAM headers (GRC assembly reports).
CHR2_LENGTH = {"GRCh38": 242_193_529, "GRCh37": 243_199_373}
#: bases read at a time while digesting the whole chromosome (memory stays bounded)
DIGEST_CHUNK = 4 << 20


def _reference_dir(home: Path) -> Path:
    return home / "reference"


def _open(fasta: Path) -> pysam.FastaFile:
    import pysam

    if not fasta.is_file():
        raise ReferenceDataError(f"{fasta}: no such file")
    try:
        return pysam.FastaFile(str(fasta))
    except (OSError, ValueError) as exc:
        try:  # build the index (.fai, and .gzi for bgzip) once, then open again
            pysam.faidx(str(fasta))
            return pysam.FastaFile(str(fasta))
        except (OSError, ValueError, pysam.utils.SamtoolsError) as exc2:
            raise ReferenceDataError(
                f"{fasta}: cannot read as an indexed FASTA (plain, or bgzip + faidx): {exc2 or exc}"
            ) from exc2


def verify(locus: Locus, build: str) -> tuple[str, ...]:
    """The checks a locus passes; raises ``ReferenceDataError`` naming the first failure."""
    from whimscreen.reference.demo import extract_cds

    checks = []
    cds, candidate = extract_cds(locus), sources.candidate_cds()
    if len(cds) != len(candidate):
        raise ReferenceDataError(f"coding sequence has {len(cds)} bases, expected {len(candidate)}")
    for i, (got, want) in enumerate(zip(cds, candidate, strict=True), start=1):
        if got != want:
            raise ReferenceDataError(
                f"c.{i} is {got} in this genome but {want} in the verified coding sequence"
            )
    checks.append("CDS equals the candidate coding sequence (1059 nt)")
    if translate(cds) != sources.protein() + "*":
        raise ReferenceDataError("the coding sequence does not translate to P61073")
    checks.append("CDS translates to P61073 (352 aa + stop)")
    import hgvs.parser

    parser = hgvs.parser.Parser()
    for anchor in sources.clinvar_anchors():
        name = anchor.grch38 if build == "GRCh38" else anchor.grch37
        var = parser.parse_hgvs_variant(name)
        start, end = var.posedit.pos.start.base, var.posedit.pos.end.base
        want = var.posedit.edit.ref
        got = locus.fetch(from_build(start, build), from_build(end, build))
        if got != want:
            raise ReferenceDataError(
                f"ClinVar {anchor.clinvar_id} ({name}): reference is {got}, expected {want}"
            )
        checks.append(f"ClinVar {anchor.clinvar_id} reference bases ({name})")
    return tuple(checks)


def _chrom_digest(fa: pysam.FastaFile, contig: str, length: int) -> str:
    """The refget accession of the whole contig, streamed in ``DIGEST_CHUNK`` pieces (upper-cased)."""
    h = hashlib.sha512()
    for a in range(0, length, DIGEST_CHUNK):
        h.update(fa.fetch(contig, a, min(a + DIGEST_CHUNK, length)).upper().encode("ascii"))
    return refget_accession_from_digest(h)


def extract(fasta: Path, build: str) -> tuple[str, dict]:
    """The locus bases and the chromosome they came from (``chrom_refget``, ``chrom_length``)."""
    fa = _open(fasta)
    contig = next((c for c in CONTIG_NAMES if c in fa.references), None)
    if contig is None:
        raise ReferenceDataError(f"{fasta}: no chromosome 2 (looked for {', '.join(CONTIG_NAMES)})")
    length = fa.get_reference_length(contig)
    other = "GRCh37" if build == "GRCh38" else "GRCh38"
    if length == CHR2_LENGTH[other]:
        raise ReferenceDataError(f"{fasta}: {contig} has the {other} length ({length}); --build says {build}")
    start38, end38 = locus_bounds()
    a, b = to_build(start38, build), to_build(end38, build)
    if b > length:
        raise ReferenceDataError(f"{fasta}: {contig} is {length} bp, too short for the locus ({a}-{b})")
    chrom = {"chrom_refget": _chrom_digest(fa, contig, length), "chrom_length": length}
    return fa.fetch(contig, a - 1, b).upper(), chrom


def install(fasta: Path, build: str, home: Path) -> ReferenceInfo:
    if build not in sources.BUILDS:
        raise ReferenceDataError(f"unknown build {build!r} (use GRCh38 or GRCh37)")
    seq, chrom = extract(Path(fasta), build)
    start38, _ = locus_bounds()
    probe = Locus("chr2", start38, seq, ReferenceInfo("installed", "", sha256(seq)))
    try:
        checks = verify(probe, build)
    except ReferenceDataError as exc:
        raise ReferenceDataError(f"{fasta} ({build}) refused: {exc}") from exc
    info = {
        "build": build,
        "source": str(Path(fasta).resolve()),
        "sha256": sha256(seq),
        "checks": list(checks),
        "installed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "region": f"chr2:{to_build(start38, build)}-{to_build(start38 + len(seq) - 1, build)}",
        **chrom,
    }
    target = _reference_dir(home)
    target.mkdir(parents=True, exist_ok=True)
    _atomic_write(target / f"{build}.locus.txt", seq)
    _atomic_write(target / f"{build}.json", json.dumps(info, indent=2))
    return InstalledLocusProvider(home).locus().info


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


class InstalledLocusProvider(LocusProvider):
    """The locus a lab installed under ``home`` (GRCh38 preferred over GRCh37)."""

    def __init__(self, home: Path):
        self.home = Path(home)

    def _build(self) -> str | None:
        for build in sources.BUILDS:
            if (_reference_dir(self.home) / f"{build}.json").is_file():
                return build
        return None

    def available(self) -> bool:
        return self._build() is not None

    def locus(self) -> Locus:
        build = self._build()
        if build is None:
            raise ReferenceDataError(f"no reference installed under {self.home}")
        meta = json.loads((_reference_dir(self.home) / f"{build}.json").read_text())
        seq = (_reference_dir(self.home) / f"{build}.locus.txt").read_text().strip()
        if sha256(seq) != meta["sha256"]:
            raise ReferenceDataError(
                f"{_reference_dir(self.home)}: installed locus does not match its checksum"
            )
        info = ReferenceInfo(
            kind="installed",
            description=f"{build} locus {meta['region']} extracted from the lab's genome",
            sha256=meta["sha256"],
            source=meta["source"],
            checks=tuple(meta["checks"]),
            installed_at=meta["installed_at"],
            chrom_refget=meta.get("chrom_refget", ""),
            chrom_build=build if meta.get("chrom_refget") else "",
            chrom_length=meta.get("chrom_length", 0),
        )
        return Locus("chr2", locus_bounds()[0], seq, info)
