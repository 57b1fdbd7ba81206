"""Versioned knowledge-base releases under the data home: ``HOME/kb/releases/VERSION.tsv``.

A release is the knowledge base's TSV (same header block and columns, plus the release columns below),
written atomically (temporary file, then rename) beside ``VERSION.diff.json`` (its changes against the
release it was built from, and the records that could not be named).  Two ways make a release:

* ``build_clinvar``: the current release's rows with every curated entry and its evidence unchanged, the
  ClinVar columns replaced by what the ClinVar release says (a variant it no longer lists loses them; a row
  that only ClinVar had added goes), and its CXCR4 variants not yet in the knowledge base added as uncurated
  rows (empty classification);
* ``add_curated``: the lab's own curated entries (a TSV of the same columns, each row with a citation and a
  curator), validated line by line through the reference layer, merged into a new release.

ClinVar's class stays evidence shown beside the computed class (``clinvar_classification``); it never is
the class.  The current release is the newest release file (package data when there is none).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from whimscreen.errors import InputFileError, InterpretationError, VariantError
from whimscreen.interpretation.clinvar_release import ClinVarRelease
from whimscreen.interpretation.knowledge_base import CLASSES, EVIDENCE, evidence_problems, load
from whimscreen.reference.annotate import annotate
from whimscreen.reference.locus import Locus
from whimscreen.reference.parse import parse_variant
from whimscreen.reference.variant import GenomicVariant

CLINVAR_COLUMNS = (
    "clinvar_classification",
    "clinvar_variation_id",
    "clinvar_review_status",
    "clinvar_release",
)
RELEASE_COLUMNS = ("clinvar_variation_id", "clinvar_review_status", "clinvar_release", "curator")
#: the lab's own columns a curated addition may set (the ClinVar columns are ClinVar's)
CURATED = (
    "legacy_names",
    "classification",
    "pmids",
    "notes",
    "curator",
    *EVIDENCE,
    "functional_strength",
    *(s for s in EVIDENCE.values()),
    "population_af",
    "clinvar_id",
)
VERSION = re.compile(r"^(?P<base>\d{4}\.\d+\.\d+)(?:\+(?P<rest>[a-z0-9.]+))?$")
ADDED_NOTE = "Added from ClinVar"


def releases_dir(home: Path) -> Path:
    return Path(home) / "kb" / "releases"


@dataclass(frozen=True)
class Change:
    kind: str  # added | changed (ClinVar's class) | removed | curated
    id: str
    hgvs_c: str
    hgvs_p: str
    old: str = ""
    new: str = ""
    detail: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Release:
    version: str
    path: Path
    sha256: str
    based_on: str
    created_by: str
    created_at: str
    changes: tuple[Change, ...]
    problems: tuple[str, ...] = ()

    def diff(self) -> dict:
        return {
            "version": self.version,
            "based_on": self.based_on,
            "created_by": self.created_by,
            "created_at": self.created_at,
            "sha256": self.sha256,
            "changes": [c.to_dict() for c in self.changes],
            "problems": list(self.problems),
        }


# -- reading --
@dataclass
class Table:
    header: list[str]  # the comment block, '# ' lines
    columns: list[str]
    rows: list[dict]

    @property
    def version(self) -> str:
        return meta(self.header, "version")


def meta(header: list[str], key: str) -> str:
    prefix = f"# {key}:"
    return next((ln[len(prefix) :].strip() for ln in header if ln.startswith(prefix)), "")


def read_table(path: Path | None = None) -> Table:
    """A release file, or the package's knowledge base when ``path`` is None."""
    if path is None:
        text = (resources.files("whimscreen.interpretation") / "data" / "cxcr4_kb.tsv").read_text()
    else:
        text = Path(path).read_text()
    lines = text.splitlines()
    header = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    reader = csv.DictReader(body, delimiter="\t")
    rows = [dict(r) for r in reader]
    return Table(header, list(reader.fieldnames or []), rows)


def release_files(home: Path) -> list[Path]:
    """Release files, oldest first (by the '# created:' stamp each carries)."""
    folder = releases_dir(home)
    if not folder.is_dir():
        return []
    found = []
    for p in folder.glob("*.tsv"):
        with open(p) as f:
            head = [ln.rstrip("\n") for ln in f if ln.startswith("#")]
        found.append((meta(head, "created"), p))
    return [p for _, p in sorted(found)]


def current_path(home: Path | None) -> Path | None:
    files = release_files(home) if home is not None else []
    return files[-1] if files else None


def release_path(home: Path, version: str) -> Path:
    if not VERSION.match(version):
        raise InterpretationError(f"{version!r} is not a knowledge-base release version")
    return releases_dir(home) / f"{version}.tsv"


# -- versions --
def next_version(current: str, clinvar_date: str | None = None, lab: bool = False) -> str:
    """``BASE[+clinvar.DATE][.lab.N]``: a ClinVar import sets DATE, a curated addition counts N up."""
    m = VERSION.match(current)
    if m is None:
        raise InterpretationError(f"the current knowledge base's version {current!r} is not YYYY.N.N[+...]")
    rest = m["rest"] or ""
    date = re.search(r"clinvar\.(\d+)", rest)
    n = re.search(r"lab\.(\d+)", rest)
    date_s = clinvar_date or (date[1] if date else None)
    count = (int(n[1]) if n else 0) + (1 if lab else 0)
    parts = ([f"clinvar.{date_s}"] if date_s else []) + ([f"lab.{count}"] if count else [])
    return m["base"] + ("+" + ".".join(parts) if parts else "")


# -- naming rows --
def _row_variant(locus: Locus, row: dict) -> GenomicVariant | None:
    try:
        return annotate(locus, parse_variant(locus, f"NM_003467.3:{row['hgvs_c']}")).variant
    except (VariantError, KeyError):
        return None


def _next_id(rows: list[dict]) -> str:
    n = max((int(r["id"][4:]) for r in rows if re.fullmatch(r"WHIM\d+", r.get("id") or "")), default=0)
    return f"WHIM{n + 1:03d}"


def _has_evidence(row: dict) -> bool:
    return any((row.get(c) or "").strip() for c in (*EVIDENCE, "pmids", "population_af", "classification"))


def _clinvar_only(row: dict) -> bool:
    """A row an import added that the lab never curated (no class, no evidence, no curator)."""
    return (
        not _has_evidence(row)
        and not (row.get("curator") or "").strip()
        and (row.get("notes") or "").startswith(ADDED_NOTE)
    )


# -- writing --
def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _atomic_write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _render(table: Table) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, table.columns, delimiter="\t", lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in table.rows:
        w.writerow({c: (r.get(c) or "") for c in table.columns})
    return "\n".join(table.header) + "\n" + out.getvalue()


def _header(base: Table, version: str, based_on: str, who: str, now: datetime, extra: list[str]) -> list[str]:
    keep = [
        ln
        for ln in base.header
        if not ln.startswith(
            ("# version:", "# date:", "# based on:", "# created:", "# created by:", "# problem:")
        )
    ]
    return [
        keep[0] if keep else "# CXCR4 variant knowledge base",
        f"# version: {version}",
        f"# date: {now.strftime('%Y-%m-%d')}",
        f"# based on: {based_on}",
        f"# created: {now.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}",
        f"# created by: {who}",
        *keep[1:],
        *extra,
    ]


def _publish(locus: Locus, home: Path, table: Table, based_on: str, who: str, changes, problems) -> Release:
    """Validate the new release (every row named, no duplicates) and write it: diff first, TSV last."""
    target = release_path(home, table.version)
    if target.exists():
        raise InterpretationError(f"release {table.version} exists already ({target})")
    folder = releases_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".check-", suffix=".tsv")
    with os.fdopen(fd, "w") as f:
        f.write(_render(table))
    try:
        found = load(locus, Path(tmp)).problems
    finally:
        Path(tmp).unlink(missing_ok=True)
    if found:
        raise InterpretationError(f"release {table.version} would not validate: " + "; ".join(found[:5]))
    created = meta(table.header, "created")
    text = _render(table)
    digest = hashlib.sha256(text.encode()).hexdigest()
    release = Release(table.version, target, digest, based_on, who, created, tuple(changes), tuple(problems))
    _atomic_write(target.with_suffix(".diff.json"), json.dumps(release.diff(), indent=1) + "\n")
    _atomic_write(target, text)
    return release


def _with_release_columns(table: Table) -> Table:
    cols = list(table.columns) + [c for c in RELEASE_COLUMNS if c not in table.columns]
    return Table(list(table.header), cols, [dict(r) for r in table.rows])


# -- ClinVar import --
def build_clinvar(locus: Locus, home: Path, clinvar: ClinVarRelease, created_by: str) -> Release:
    """A new release from the current one and a ClinVar release (not activated: the program does that)."""
    base_path = current_path(home)
    base = _with_release_columns(read_table(base_path))
    by_variant = {}
    problems = list(clinvar.problems)
    for rec in clinvar.records:
        if rec.variant in by_variant:
            problems.append(
                f"VariationID {rec.variation_id} names the same variant as "
                f"{by_variant[rec.variant].variation_id}"
            )
            continue
        by_variant[rec.variant] = rec
    rows, changes, seen = [], [], set()
    for row in base.rows:
        v = _row_variant(locus, row)
        rec = by_variant.get(v) if v is not None else None
        row = dict(row)
        old = row.get("clinvar_classification") or ""
        if rec is not None:
            seen.add(v)
            if old != rec.classification:
                changes.append(
                    Change(
                        "changed",
                        row["id"],
                        row["hgvs_c"],
                        row["hgvs_p"],
                        old,
                        rec.classification,
                        f"VariationID {rec.variation_id}",
                    )
                )
            row.update(
                clinvar_classification=rec.classification,
                clinvar_variation_id=rec.variation_id,
                clinvar_review_status=rec.review_status,
                clinvar_release=clinvar.label,
            )
            rows.append(row)
            continue
        if old or row.get("clinvar_variation_id"):
            if _clinvar_only(row):
                changes.append(
                    Change(
                        "removed",
                        row["id"],
                        row["hgvs_c"],
                        row["hgvs_p"],
                        old,
                        "",
                        "no longer in ClinVar: the uncurated row is dropped",
                    )
                )
                continue
            changes.append(
                Change(
                    "removed",
                    row["id"],
                    row["hgvs_c"],
                    row["hgvs_p"],
                    old,
                    "",
                    "not in this ClinVar release: ClinVar's columns cleared, the lab's row kept",
                )
            )
            row.update(dict.fromkeys(CLINVAR_COLUMNS, ""))
        rows.append(row)
    for v, rec in by_variant.items():
        if v in seen:
            continue
        row = dict.fromkeys(base.columns, "") | {
            "id": _next_id(rows),
            "hgvs_c": rec.hgvs_c,
            "hgvs_p": rec.hgvs_p,
            "clinvar_id": rec.variation_id,
            "clinvar_classification": rec.classification,
            "clinvar_variation_id": rec.variation_id,
            "clinvar_review_status": rec.review_status,
            "clinvar_release": clinvar.label,
            "notes": f"{ADDED_NOTE} {clinvar.label} (VariationID {rec.variation_id}, "
            f"{rec.name or rec.hgvs_c}): not curated by the laboratory.",
        }
        rows.append(row)
        changes.append(
            Change(
                "added",
                row["id"],
                rec.hgvs_c,
                rec.hgvs_p,
                "",
                rec.classification,
                f"VariationID {rec.variation_id}",
            )
        )
    version = next_version(base.version, clinvar_date=clinvar.date)
    now = datetime.now(UTC)
    files = ", ".join(f"{name} (sha256 {sha})" for name, sha in clinvar.files.items())
    extra = [f"# {version}: ClinVar columns from {files}"] + [f"# problem: {p}" for p in problems]
    header = _header(base, version, base.version, created_by, now, extra)
    return _publish(
        locus, home, Table(header, base.columns, rows), base.version, created_by, changes, problems
    )


# -- the lab's curated additions --
def read_curated(locus: Locus, path: Path) -> list[tuple[int, dict, GenomicVariant]]:
    """The rows of a curated-additions TSV, each checked; any problem refuses the file (line numbers)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read: {exc}") from exc
    numbered = [(i, ln) for i, ln in enumerate(lines, start=1) if ln.strip() and not ln.startswith("#")]
    if not numbered:
        raise InputFileError(f"{path}: no header line and no rows")
    columns = numbered[0][1].split("\t")
    allowed = {"id", "hgvs_c", "hgvs_p", *CURATED}
    unknown = [c for c in columns if c not in allowed]
    if unknown or "hgvs_c" not in columns or "curator" not in columns:
        raise InputFileError(
            f"{path}: line {numbered[0][0]}: the header needs hgvs_c and curator and may name only "
            f"knowledge-base columns ({', '.join(unknown) or 'hgvs_c/curator missing'} not allowed)"
        )
    out, errors = [], []
    for line, text in numbered[1:]:
        cells = text.split("\t")
        if len(cells) != len(columns):
            errors.append(f"line {line}: {len(cells)} fields, the header has {len(columns)}")
            continue
        row = dict(zip(columns, (c.strip() for c in cells), strict=True))
        why = _curated_problems(locus, row)
        if isinstance(why, list):
            errors.extend(f"line {line}: {w}" for w in why)
        else:
            out.append((line, row, why))
    if errors:
        raise InputFileError(f"{path}: " + "; ".join(errors))
    if not out:
        raise InputFileError(f"{path}: no rows")
    return out


def _curated_problems(locus: Locus, row: dict) -> list[str] | GenomicVariant:
    why = []
    if not row.get("curator"):
        why.append("no curator")
    if not row.get("pmids") and not any(row.get(s) for s in set(EVIDENCE.values())):
        why.append("no citation (pmids or an evidence *_source column)")
    cls = row.get("classification") or ""
    if cls and cls not in CLASSES:
        why.append(f"unknown classification {cls!r}")
    if row.get("pmids") and not re.fullmatch(r"\d{6,9}(;\d{6,9})*", row["pmids"]):
        why.append("pmids must be ';'-separated PubMed ids")
    why += evidence_problems(row)
    try:
        ann = annotate(locus, parse_variant(locus, f"NM_003467.3:{row.get('hgvs_c', '')}"))
    except VariantError as exc:
        return [*why, f"{row.get('hgvs_c')!r}: {exc}"]
    if ann.hgvs_c != f"NM_003467.3:{row['hgvs_c']}":
        why.append(f"{row['hgvs_c']} is written {ann.hgvs_c} by the reference layer")
    if row.get("hgvs_p") and row["hgvs_p"] != ann.hgvs_p:
        why.append(f"hgvs_p {row['hgvs_p']} but the reference layer gives {ann.hgvs_p}")
    row["hgvs_p"] = ann.hgvs_p
    return why or ann.variant


def add_curated(locus: Locus, home: Path, path: Path, created_by: str) -> Release:
    """Merge a validated curated-additions file into a new release: a known variant's lab columns take the
    file's non-empty values (its id and ClinVar columns stay), a new variant becomes a new row."""
    entries = read_curated(locus, path)
    base_path = current_path(home)
    base = _with_release_columns(read_table(base_path))
    rows = [dict(r) for r in base.rows]
    index = {v: i for i, r in enumerate(rows) if (v := _row_variant(locus, r)) is not None}
    changes, merged = [], set()
    for line, entry, variant in entries:
        if variant in merged:
            raise InputFileError(f"{path}: line {line}: {entry['hgvs_c']} is listed twice")
        merged.add(variant)
        given = {k: v for k, v in entry.items() if v and k in CURATED}
        if variant in index:
            row = rows[index[variant]]
            old = row.get("classification") or ""
            row.update(given)
            changes.append(
                Change(
                    "curated",
                    row["id"],
                    row["hgvs_c"],
                    row["hgvs_p"],
                    old,
                    row.get("classification") or "",
                    f"curator {entry['curator']}",
                )
            )
        else:
            row = dict.fromkeys(base.columns, "") | given
            row |= {"id": _next_id(rows), "hgvs_c": entry["hgvs_c"], "hgvs_p": entry["hgvs_p"]}
            if not row.get("notes"):
                row["notes"] = f"Curated addition by {entry['curator']}."
            rows.append(row)
            changes.append(
                Change(
                    "added",
                    row["id"],
                    row["hgvs_c"],
                    row["hgvs_p"],
                    "",
                    row.get("classification") or "",
                    f"curator {entry['curator']}",
                )
            )
    version = next_version(base.version, lab=True)
    now = datetime.now(UTC)
    extra = [f"# {version}: curated additions from {Path(path).name} entered by {created_by}"]
    header = _header(base, version, base.version, created_by, now, extra)
    return _publish(locus, home, Table(header, base.columns, rows), base.version, created_by, changes, [])


def read_diff(release_tsv: Path) -> dict:
    """The diff written beside a release file."""
    p = Path(release_tsv).with_suffix(".diff.json")
    return json.loads(p.read_text()) if p.exists() else {}
