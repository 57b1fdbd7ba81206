"""An official ClinVar release read for CXCR4, streamed and never loaded whole.

Two of ClinVar's published files are read:

* the weekly VCF ``clinvar.vcf.gz`` (GRCh38; ID = VariationID; INFO ``GENEINFO`` "CXCR4:7852",
  ``CLNSIG``, ``CLNREVSTAT``, ``CLNHGVS``, ``ALLELEID``; header ``##fileDate``), with pysam: through its tabix
  index over the locus when there is one, else every record in turn;
* the monthly ``variant_summary.txt.gz`` (tab-delimited, header ``#AlleleID``; the GRCh38 rows of gene
  symbol CXCR4), with gzip + csv, one line at a time.

Every CXCR4 record is named by the reference layer (VCF alleles -> left-normalized ``GenomicVariant`` ->
``annotate``), as the knowledge base's own rows are; a record that cannot be named (no VCF alleles, outside
the locus, a REF that disagrees with the reference) is listed as a problem, never dropped silently.  A file
that cannot be read as what it claims to be is one ``InputFileError`` naming the file and the problem.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from whimscreen.errors import InputFileError, VariantError
from whimscreen.reference.annotate import annotate
from whimscreen.reference.locus import Locus
from whimscreen.reference.variant import GenomicVariant, normalize
from whimscreen.sequencing import htslib

GENE_SYMBOL, GENE_ID = "CXCR4", "7852"
CHROMS = ("2", "chr2")
VCF_INFO = ("ALLELEID", "CLNSIG", "CLNREVSTAT", "GENEINFO")
SUMMARY_COLUMNS = (
    "#AlleleID",
    "Type",
    "Name",
    "GeneID",
    "GeneSymbol",
    "ClinicalSignificance",
    "LastEvaluated",
    "Assembly",
    "Chromosome",
    "ReviewStatus",
    "VariationID",
    "PositionVCF",
    "ReferenceAlleleVCF",
    "AlternateAlleleVCF",
)
TRANSCRIPT = "NM_003467.3:"


@dataclass(frozen=True)
class ClinVarRecord:
    """One ClinVar variation of CXCR4 as the release states it, named by our reference layer."""

    variation_id: str
    allele_id: str
    classification: str  # ClinVar's aggregate germline classification, ClinVar's words
    review_status: str
    name: str  # ClinVar's own name (CLNHGVS or Name)
    variant: GenomicVariant
    hgvs_c: str  # on NM_003467.3, without the transcript prefix (as the knowledge base writes it)
    hgvs_p: str
    last_evaluated: str = ""
    source: str = ""  # the file it was read from


@dataclass(frozen=True)
class ClinVarRelease:
    date: str  # YYYYMMDD of the release
    files: dict[str, str]  # file name -> SHA-256
    records: tuple[ClinVarRecord, ...]
    problems: tuple[str, ...] = ()
    filtered_out: int = 0  # records of other genes (or the other assembly) read and skipped
    read: dict[str, int] = field(default_factory=dict)  # file name -> records/lines read

    @property
    def label(self) -> str:
        return f"clinvar.{self.date}"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _words(value) -> str:
    """ClinVar's VCF writes spaces as underscores and splits lists on commas (pysam gives a tuple)."""
    if value is None:
        return ""
    text = ",".join(value) if isinstance(value, tuple) else str(value)
    return " ".join(text.replace("_", " ").split()).replace(" ,", ",")


def _named(locus: Locus, pos: int, ref: str, alt: str) -> tuple[GenomicVariant, str, str]:
    """(normalized variant, c. without prefix, p.) or VariantError."""
    if not re.fullmatch(r"[ACGTNacgtn]+", ref or "") or not re.fullmatch(r"[ACGTNacgtn]+", alt or ""):
        raise VariantError(f"no VCF alleles to name ({ref or '-'} > {alt or '-'})")
    variant = normalize(locus, GenomicVariant(locus.from_build(pos, "GRCh38"), ref.upper(), alt.upper()))
    ann = annotate(locus, variant)
    c = ann.hgvs_c[len(TRANSCRIPT) :] if ann.hgvs_c.startswith(TRANSCRIPT) else ann.hgvs_c
    return ann.variant, c, ann.hgvs_p or ""  # no p. outside the coding sequence


# -- the weekly VCF ----------------------------------------------------------------------------------------
def _vcf_records(path: Path, vf, locus: Locus) -> Iterator:
    """Through the tabix/CSI index over the locus when there is one, else every record."""
    indexed = any(Path(f"{path}{ext}").exists() for ext in (".tbi", ".csi"))
    if not indexed:
        yield from vf
        return
    contigs = set(vf.index.keys()) if vf.index is not None else set()
    contig = next((c for c in CHROMS if c in contigs), None)
    if contig is None:
        return  # the index lists no chromosome 2: nothing of the locus in this file
    start, end = locus.bounds("GRCh38")
    yield from vf.fetch(contig, start - 1, end)


def _date(path: Path, vf) -> str:
    found = next((r.value for r in vf.header.records if r.key == "fileDate"), None)
    if not found:
        raise InputFileError(f"{path}: no ##fileDate header line (is this ClinVar's clinvar.vcf.gz?)")
    digits = re.sub(r"\D", "", found)
    if len(digits) != 8:
        raise InputFileError(f"{path}: ##fileDate={found} is not a date")
    return digits


def read_vcf(path: Path, locus: Locus) -> ClinVarRelease:
    """The CXCR4 records of ClinVar's weekly VCF (GRCh38)."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    records, problems, skipped, n = [], [], 0, 0
    with htslib.captured() as said:
        try:
            vf = pysam.VariantFile(str(path))
        except Exception as exc:  # noqa: BLE001 - pysam raises bare Exception, OSError, ValueError ...
            why = str(exc)
            if "compressed by method" in why:
                why = "gzip but not BGZF (ClinVar publishes it bgzipped; recompress with 'bgzip')"
            raise InputFileError(f"{path}: cannot read as a VCF: {why}{said.suffix()}") from exc
    with vf:
        date = _date(path, vf)
        reference = next((r.value for r in vf.header.records if r.key == "reference"), "")
        if reference and reference != "GRCh38":
            raise InputFileError(f"{path}: ##reference={reference}; the GRCh38 release is needed")
        missing = [k for k in VCF_INFO if k not in vf.header.info]
        if missing:
            raise InputFileError(f"{path}: no INFO {', '.join(missing)} in the header (not a ClinVar VCF)")
        try:
            with htslib.silenced():
                for rec in _vcf_records(path, vf, locus):
                    n += 1
                    genes = {g.split(":")[0] for g in (rec.info.get("GENEINFO") or "").split("|")}
                    if GENE_SYMBOL not in genes:
                        skipped += 1
                        continue
                    found = _vcf_record(path, locus, rec, problems)
                    if found is not None:
                        records.append(found)
        except (OSError, ValueError, zlib.error) as exc:
            raise InputFileError(f"{path}: cannot read record {n + 1} (truncated or corrupt): {exc}") from exc
    name = path.name
    return ClinVarRelease(date, {name: _sha256(path)}, tuple(records), tuple(problems), skipped, {name: n})


def _vcf_record(path: Path, locus: Locus, rec, problems: list[str]) -> ClinVarRecord | None:
    vid = str(rec.id or "")
    hgvs = _words(rec.info.get("CLNHGVS")) if "CLNHGVS" in rec.header.info else ""
    alts = ",".join(rec.alts or ["."])
    where = f"{path.name}: VariationID {vid or '?'} ({rec.chrom}:{rec.pos} {rec.ref}>{alts})"
    if not rec.alts or len(rec.alts) != 1:
        problems.append(f"{where}: cannot be named: {len(rec.alts or ())} ALT alleles")
        return None
    try:
        variant, c, p = _named(locus, rec.pos, rec.ref, rec.alts[0])
    except VariantError as exc:
        problems.append(f"{where}: cannot be named: {exc}")
        return None
    return ClinVarRecord(
        vid,
        str(rec.info.get("ALLELEID") or ""),
        _words(rec.info.get("CLNSIG")),
        _words(rec.info.get("CLNREVSTAT")),
        hgvs,
        variant,
        c,
        p,
        source=path.name,
    )


# -- the monthly variant_summary ---------------------------------------------------------------------------
def _summary_date(path: Path, given: str | None) -> str:
    if given:
        digits = re.sub(r"\D", "", given)
        if len(digits) not in (6, 8):
            raise InputFileError(f"{path}: release date {given!r} is not YYYY-MM or YYYY-MM-DD")
        return digits
    m = re.search(r"(\d{4})-?(\d{2})(?:-?(\d{2}))?", path.name)
    if m is None:
        raise InputFileError(
            f"{path}: the file name carries no release date (variant_summary_YYYY-MM.txt.gz); "
            "give --release-date"
        )
    return "".join(g for g in m.groups() if g)


def read_variant_summary(path: Path, locus: Locus, release_date: str | None = None) -> ClinVarRelease:
    """The GRCh38 CXCR4 rows of ClinVar's monthly variant_summary.txt.gz, one line at a time."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    date = _summary_date(path, release_date)
    records, problems, skipped, n = [], [], 0, 0
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader, None)
            if not header or not header[0].startswith("#AlleleID"):
                raise InputFileError(f"{path}: the first line is not variant_summary's '#AlleleID' header")
            missing = [c for c in SUMMARY_COLUMNS if c not in header]
            if missing:
                raise InputFileError(f"{path}: no column {', '.join(missing)} in the header")
            col = {c: header.index(c) for c in SUMMARY_COLUMNS}
            for line, fields in enumerate(reader, start=2):
                n += 1
                if len(fields) < len(header):
                    raise InputFileError(
                        f"{path}: line {line} has {len(fields)} fields, the header {len(header)}"
                    )
                row = {c: fields[i] for c, i in col.items()}
                genes = {g.strip() for g in row["GeneSymbol"].split(";")}
                if GENE_SYMBOL not in genes or row["Assembly"] != "GRCh38":
                    skipped += 1
                    continue
                found = _summary_record(path, locus, row, problems)
                if found is not None:
                    records.append(found)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error) as exc:
        raise InputFileError(
            f"{path}: cannot read line {n + 2} (not gzip, truncated or corrupt): {exc}"
        ) from exc
    name = path.name
    return ClinVarRelease(date, {name: _sha256(path)}, tuple(records), tuple(problems), skipped, {name: n})


def _summary_record(path: Path, locus: Locus, row: dict, problems: list[str]) -> ClinVarRecord | None:
    vid, pos = row["VariationID"], row["PositionVCF"]
    ref, alt = row["ReferenceAlleleVCF"], row["AlternateAlleleVCF"]
    where = f"{path.name}: VariationID {vid} ({row['Name']})"
    try:
        if not pos.isdigit() or int(pos) < 1:
            raise VariantError(f"no VCF position ({row['Type']})")
        variant, c, p = _named(locus, int(pos), ref if ref != "na" else "", alt if alt != "na" else "")
    except VariantError as exc:
        problems.append(f"{where}: cannot be named: {exc}")
        return None
    return ClinVarRecord(
        vid,
        row["#AlleleID"],
        row["ClinicalSignificance"],
        row["ReviewStatus"],
        row["Name"],
        variant,
        c,
        p,
        row["LastEvaluated"] if row["LastEvaluated"] != "-" else "",
        path.name,
    )


def read_release(
    locus: Locus, vcf: Path | None = None, summary: Path | None = None, release_date: str | None = None
) -> ClinVarRelease:
    """One release from the VCF and/or the variant summary; where both list a VariationID the weekly VCF
    (the newer) is kept, and the release is dated by the VCF."""
    if vcf is None and summary is None:
        raise InputFileError("give ClinVar's clinvar.vcf.gz (--vcf) and/or variant_summary.txt.gz")
    parts = [read_vcf(vcf, locus)] if vcf is not None else []
    if summary is not None:
        parts.append(read_variant_summary(summary, locus, release_date))
    records: dict[str, ClinVarRecord] = {}
    for part in parts:
        for r in part.records:
            records.setdefault(r.variation_id, r)
    return ClinVarRelease(
        parts[0].date,
        {k: v for p in parts for k, v in p.files.items()},
        tuple(records.values()),
        tuple(x for p in parts for x in p.problems),
        sum(p.filtered_out for p in parts),
        {k: v for p in parts for k, v in p.read.items()},
    )
