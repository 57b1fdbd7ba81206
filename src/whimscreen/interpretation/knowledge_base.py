"""The cited CXCR4 variant knowledge base (data/cxcr4_kb.tsv), mapped through the foundation.

Every entry is parsed and named by the reference layer; lookups are by the normalized GRCh38 variant, so a
variant matches its entry whatever form it was written in.  An entry supplies evidence in structured columns
(probands, de novo occurrences, segregation meioses, functional assays, population frequencies), each with
its citation; its ``classification`` is the curated (asserted) class, shown beside the computed one and never
used as the class.  An empty classification means "not curated".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from whimscreen.errors import InterpretationError, VariantError
from whimscreen.reference.annotate import annotate
from whimscreen.reference.locus import Locus
from whimscreen.reference.parse import parse_variant
from whimscreen.reference.variant import GenomicVariant

CLASSES = ("Pathogenic", "Likely pathogenic", "Uncertain significance", "Likely benign", "Benign")
#: structured evidence: column -> the column holding its citation (a value without a citation is a problem)
EVIDENCE = {
    "probands": "probands_source",
    "de_novo_confirmed": "de_novo_source",
    "de_novo_assumed": "de_novo_source",
    "segregation_meioses": "segregation_source",
    "functional": "functional_source",
    "filtering_af": "filtering_af_source",
}
COUNTS = ("probands", "de_novo_confirmed", "de_novo_assumed", "segregation_meioses")
FUNCTIONAL = ("gain_of_function", "normal", "loss_of_function")
STRENGTHS = ("supporting", "moderate", "strong")


def evidence_problems(row: dict) -> list[str]:
    """What is wrong with one row's structured evidence (counts, vocabularies, frequencies, citations)."""
    out = []
    for col in COUNTS:
        if row.get(col) and not row[col].isdigit():
            out.append(f"{col} must be a count, not {row[col]!r}")
    if row.get("functional") and row["functional"] not in FUNCTIONAL:
        out.append(f"functional must be one of {', '.join(FUNCTIONAL)}")
    if row.get("functional") and (row.get("functional_strength") or "supporting") not in STRENGTHS:
        out.append(f"functional_strength must be one of {', '.join(STRENGTHS)}")
    for col in ("population_af", "filtering_af"):
        try:
            if row.get(col) and not 0 <= float(row[col]) <= 1:
                raise ValueError
        except ValueError:
            out.append(f"{col} must be a frequency in 0..1, not {row[col]!r}")
    for col, source in EVIDENCE.items():
        if row.get(col) and not (row.get(source) or "").strip():
            out.append(f"{col} is given without its citation ({source})")
    return out


@dataclass(frozen=True)
class Entry:
    id: str
    hgvs_c: str
    hgvs_p: str
    classification: str  # "" when not curated
    fields: dict = field(repr=False)
    variant: GenomicVariant | None = None
    protein_position: int | None = None
    consequence: str = ""

    @property
    def pathogenic(self) -> bool:
        return self.classification in ("Pathogenic", "Likely pathogenic")

    def pmids(self) -> list[str]:
        return [p for p in self.fields.get("pmids", "").replace(",", ";").split(";") if p.strip()]

    def to_dict(self) -> dict:
        return dict(self.fields) | {
            "pmids": self.pmids(),
            "variant": str(self.variant) if self.variant else None,
        }


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    entries: tuple[Entry, ...]
    problems: tuple[str, ...] = ()

    def lookup(self, variant: GenomicVariant) -> Entry | None:
        return next((e for e in self.entries if e.variant == variant), None)

    def pathogenic_at(self, position: int, consequences: set[str]) -> list[Entry]:
        return [
            e
            for e in self.entries
            if e.pathogenic and e.protein_position == position and e.consequence in consequences
        ]


def _read(path: Path | None = None) -> tuple[str, str, list[dict]]:
    if path is None:
        text = (resources.files("whimscreen.interpretation") / "data" / "cxcr4_kb.tsv").read_text()
    else:
        try:
            text = Path(path).read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise InterpretationError(f"{path}: cannot read the knowledge-base release: {exc}") from exc
    version = next(
        (ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("# version:")), ""
    )
    rows = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return text, version, list(csv.DictReader(rows, delimiter="\t"))


def _map(locus: Locus, hgvs_c: str) -> dict:
    """What the reference layer makes of one entry's name (JSON-ready: ``kb_cache`` stores it)."""
    try:
        ann = annotate(locus, parse_variant(locus, f"NM_003467.3:{hgvs_c}"))
    except VariantError as exc:
        return {"error": str(exc)}
    v = ann.variant
    return {
        "variant": [v.pos, v.ref, v.alt, v.chrom],
        "hgvs_c": ann.hgvs_c,
        "hgvs_p": ann.hgvs_p,
        "protein_position": ann.protein_position,
        "consequence": ann.consequence,
    }


def _mapping(locus: Locus, text: str, rows: list[dict], cache_dir: Path | None) -> dict:
    """Each entry's ``_map``, by its c. name; read from (and stored in) ``cache_dir`` when one is given."""
    from whimscreen.interpretation import kb_cache

    cache_key = kb_cache.key(text, locus) if cache_dir is not None else None
    cached = kb_cache.read(cache_dir, cache_key) if cache_key is not None else None
    if cached is not None:
        return cached
    mapped = {}
    for row in rows:
        name = str(row["hgvs_c"])
        if name not in mapped:
            mapped[name] = _map(locus, name)
    if cache_key is not None:
        kb_cache.write(cache_dir, cache_key, mapped)
    return mapped


def load(locus: Locus, path: Path | None = None, cache_dir: Path | None = None) -> KnowledgeBase:
    """Load and map every entry of the package's knowledge base, or of a release file (``path``, see
    ``kb_release``); problems (unparsable names, mismatched p., duplicates) are collected.  With
    ``cache_dir`` the mapping is kept there between processes (``kb_cache``: keyed by content)."""
    text, version, rows = _read(path)
    if not version:
        raise InterpretationError(f"{path or 'cxcr4_kb.tsv'} has no '# version:' header")
    mapping = _mapping(locus, text, rows, cache_dir)
    entries, problems, seen = [], [], {}
    for row in rows:
        where = f"{row.get('id')} {row.get('hgvs_c')}"
        cls = row.get("classification", "").strip()
        if cls and cls not in CLASSES:
            problems.append(f"{where}: unknown classification {cls!r}")
        problems.extend(f"{where}: {p}" for p in evidence_problems(row))
        ann = mapping[str(row["hgvs_c"])]
        if "error" in ann:
            problems.append(f"{where}: {ann['error']}")
            continue
        variant = GenomicVariant(*ann["variant"])
        if ann["hgvs_c"] != f"NM_003467.3:{row['hgvs_c']}" or (ann["hgvs_p"] or "") != row["hgvs_p"]:
            problems.append(f"{where}: the foundation names it {ann['hgvs_c']} {ann['hgvs_p']}")
        if variant in seen:
            problems.append(f"{where}: duplicate of {seen[variant]}")
        seen[variant] = row["id"]
        entries.append(
            Entry(
                row["id"],
                row["hgvs_c"],
                row["hgvs_p"],
                cls,
                row,
                variant,
                ann["protein_position"],
                ann["consequence"],
            )
        )
    return KnowledgeBase(version, tuple(entries), tuple(problems))


@cache
def load_cached(locus: Locus, path: Path | None = None) -> KnowledgeBase:
    """A release file never changes once written (a new release is a new file), so caching by path holds."""
    return load(locus, path)
