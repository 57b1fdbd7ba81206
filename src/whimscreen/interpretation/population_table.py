"""The lab's population table: a gnomAD sites VCF (or a slice of it) imported for the locus, verified
against the reference and versioned, then looked up for every call (BA1 / BS1 / PM2).

``whimscreen kb import-population FILE`` writes ``HOME/population/population.tsv`` atomically (a header
naming the file, its SHA-256, the build, the date and the INFO fields used).  The filtering allele
frequency is read from the release (gnomAD v4 ``fafmax_faf95_max``, v3 ``faf95_adj``, or ``faf95``) or,
when absent, computed from AC/AN (``population.filtering_af``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from whimscreen.errors import InputFileError, VariantError
from whimscreen.interpretation.population import Frequency, filtering_af
from whimscreen.reference.locus import Locus
from whimscreen.reference.variant import GenomicVariant, normalize

FAF_FIELDS = ("fafmax_faf95_max_joint", "fafmax_faf95_max", "faf95_adj", "faf95", "faf95_popmax")
COUNT_FIELDS = (("AC_joint", "AN_joint", "AF_joint"), ("AC", "AN", "AF"))
COLUMNS = ("pos", "ref", "alt", "faf", "af", "ac", "an")


def table_path(home: Path) -> Path:
    return Path(home) / "population" / "population.tsv"


def _value(info, key: str, i: int):
    try:
        v = info.get(key)
    except (KeyError, ValueError):
        return None
    if v is None:
        return None
    if isinstance(v, tuple):
        return v[i] if i < len(v) else None
    return v


@dataclass(frozen=True)
class ImportSummary:
    path: Path
    build: str
    records: int
    alleles: int
    sha256: str
    faf_field: str | None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _row(path: Path, locus: Locus, rec, i: int, alt: str, build: str, used: dict) -> tuple | None:
    text = f"{rec.CHROM}:{rec.POS}:{rec.REF}:{alt}"
    try:
        v = normalize(locus, GenomicVariant(locus.from_build(rec.POS, build), rec.REF.upper(), alt.upper()))
    except VariantError as exc:  # a REF that disagrees with the reference: the file is not for this genome
        raise InputFileError(f"{path}: record {text}: {exc}") from exc
    counts = next((c for c in COUNT_FIELDS if _value(rec.INFO, c[1], 0) is not None), None)
    ac = _value(rec.INFO, counts[0], i) if counts else None
    an = _value(rec.INFO, counts[1], 0) if counts else None
    af = _value(rec.INFO, counts[2], i) if counts else None
    if af is None and ac is not None and an:
        af = ac / an
    faf_key = next((k for k in FAF_FIELDS if _value(rec.INFO, k, i) is not None), None)
    faf = _value(rec.INFO, faf_key, i) if faf_key else None
    if faf is None and ac is not None and an:
        faf, faf_key = filtering_af(int(ac), int(an)), "computed from AC/AN"
    if faf is None and af is None:
        raise InputFileError(f"{path}: record {text}: no allele frequency (AF, AC/AN or faf95) in INFO")
    used.setdefault("faf", faf_key)
    return (v.pos, v.ref, v.alt, faf, af, ac, an)


def import_population(path: Path, locus: Locus, home: Path, build: str | None = None) -> ImportSummary:
    """Read the locus from a population sites VCF, verify every REF against the reference, and install the
    table; nothing is written unless every record was read."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    from whimscreen.sequencing.vcf import locus_sites  # cyvcf2: only when importing a table

    build, records = locus_sites(path, locus, build)
    rows, n_records, used = {}, 0, {}
    for rec in records:
        n_records += 1
        for i, alt in enumerate(rec.ALT):
            if alt.startswith(("<", "*", ".")):
                continue
            row = _row(path, locus, rec, i, alt, build, used)
            rows[row[:3]] = row
    if n_records == 0:
        raise InputFileError(f"{path}: no record over the CXCR4 locus on {build} (is this a slice of chr2?)")
    digest = _sha256(path)
    header = [
        f"# source: {path.name}",
        f"# sha256: {digest}",
        f"# build: {build}",
        f"# imported: {datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"# filtering AF field: {used.get('faf')}",
        f"# reference: {locus.info.kind} {locus.info.sha256}",
        "\t".join(COLUMNS),
    ]
    body = ["\t".join("" if x is None else str(x) for x in r) for r in sorted(rows.values())]
    target = table_path(home)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".population-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write("\n".join(header + body) + "\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return ImportSummary(path, build, n_records, len(rows), digest, used.get("faf"))


@dataclass(frozen=True)
class PopulationTable:
    source: str
    entries: dict

    def __call__(self, variant: GenomicVariant) -> Frequency | None:
        """The variant's frequency; a variant the release does not list was not observed in it (AF 0)."""
        row = self.entries.get((variant.pos, variant.ref, variant.alt))
        if row is None:
            return Frequency(0.0, 0.0, f"{self.source}: not observed")
        faf, af, ac, an = row
        return Frequency(faf, af, self.source, ac, an)


def _num(text: str, kind):
    return kind(text) if text != "" else None


def load_table(home: Path) -> PopulationTable | None:
    """The installed table, or None when the lab has not imported one."""
    path = table_path(home)
    if not path.exists():
        return None
    meta, entries = {}, {}
    for line in path.read_text().splitlines():
        if line.startswith("# "):
            key, _, value = line[2:].partition(": ")
            meta[key] = value
            continue
        if not line.strip() or line.startswith("pos\t"):
            continue
        pos, ref, alt, faf, af, ac, an = line.split("\t")
        entries[(int(pos), ref, alt)] = (
            _num(faf, float),
            _num(af, float),
            _num(ac, lambda x: int(float(x))),
            _num(an, lambda x: int(float(x))),
        )
    source = (
        f"population table {meta.get('source')} (sha256 {meta.get('sha256', '')[:12]}, "
        f"imported {meta.get('imported')})"
    )
    return PopulationTable(source, entries)
