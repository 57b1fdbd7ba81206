"""Reading a ``candidates.tsv`` of ``whimscreen screen`` or ``whimscreen case-find`` for import as
suggestions: the tool's own columns, in its order, followed by one column ``physician_email`` that the
coordinator fills for each candidate to suggest (blank: imported, counted, not suggested).

Every row is checked; the first problem is one error naming the file's line.  A screen file has a row per
candidate variant, so its rows are grouped by sample (one candidate, one suggestion).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from dataclasses import dataclass, field
from typing import BinaryIO

from whimscreen.program.errors import InvalidInput
from whimscreen.screening.case_finding.output import COLUMNS as CASE_FIND_COLUMNS
from whimscreen.screening.output import CLASS_ORDER
from whimscreen.screening.output import COLUMNS as SCREEN_COLUMNS

PHYSICIAN_COLUMN = "physician_email"
SOURCES = {"screen": SCREEN_COLUMNS, "case-find": CASE_FIND_COLUMNS}
#: a pseudonymous reference: an identifier, not a name (no spaces), at most 100 characters
REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,99}$")
MAX_BYTES = 20_000_000


@dataclass
class Candidate:
    reference: str
    row: int  # line of its first row
    physician_email: str | None
    evidence: dict
    rows: int = 1


@dataclass
class CandidateFile:
    source: str
    sha256: str
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def to_suggest(self) -> list[Candidate]:
        return [c for c in self.candidates if c.physician_email]


def _sha256(fh: BinaryIO, name: str) -> str:
    digest, size = hashlib.sha256(), 0
    while chunk := fh.read(1 << 20):
        size += len(chunk)
        if size > MAX_BYTES:
            raise InvalidInput(f"{name}: larger than {MAX_BYTES // 1_000_000} MB, not a candidates file")
        digest.update(chunk)
    fh.seek(0)
    return digest.hexdigest()


def _source(name: str, header: list[str]) -> str:
    for source, columns in SOURCES.items():
        if tuple(header) == (*columns, PHYSICIAN_COLUMN):
            return source
        if tuple(header) == columns:
            raise InvalidInput(
                f"{name} line 1: no {PHYSICIAN_COLUMN} column: add it last, with the email of the physician "
                "each candidate is suggested to"
            )
    raise InvalidInput(
        f"{name} line 1: not a candidates.tsv of `whimscreen screen` or `whimscreen case-find` followed by "
        f"{PHYSICIAN_COLUMN} (header: {' '.join(header[:14])[:200]})"
    )


def _screen_evidence(r: dict, where: str) -> dict:
    if r["classification"] not in CLASS_ORDER:
        raise InvalidInput(
            f"{where}: classification {r['classification']!r} is not one of {', '.join(CLASS_ORDER)}"
        )
    if r["review_required"] not in ("yes", "no"):
        raise InvalidInput(f"{where}: review_required must be yes or no, not {r['review_required']!r}")
    if not (r["hgvs_c"] or r["hgvs_g"]):
        raise InvalidInput(f"{where}: the variant has no c. or g. name")
    keep = ("hgvs_c", "hgvs_p", "hgvs_g", "zygosity", "vaf", "classification", "review_required", "evidence")
    return {k: r[k] for k in keep}


def _case_evidence(r: dict, where: str) -> dict:
    try:
        score = int(r["score"])
    except ValueError:
        raise InvalidInput(f"{where}: score {r['score']!r} is not a whole number") from None
    if not r["level"]:
        raise InvalidInput(f"{where}: no level")
    reasons = [x for x in r["reasons"].split("; ") if x]
    return {"score": score, "level": r["level"], "reasons": reasons, "counts": r["counts"]}


def read(fh: BinaryIO, name: str) -> CandidateFile:
    """The file's candidates, or ``InvalidInput`` naming the first bad line."""
    sha = _sha256(fh, name)
    text = codecs.getreader("utf-8-sig")(fh, errors="strict")  # a spreadsheet may add a BOM
    reader = csv.reader(text, delimiter="\t")
    try:
        header = next(reader, None)
        if header is None:
            raise InvalidInput(f"{name}: empty file")
        out = CandidateFile(_source(name, header), sha)
        columns = header
        seen: dict[str, Candidate] = {}
        for fields in reader:
            where = f"{name} line {reader.line_num}"
            if not any(fields):
                continue
            if len(fields) == len(columns) - 1:
                fields.append("")  # a spreadsheet drops a blank last cell: no physician_email
            if len(fields) != len(columns):
                raise InvalidInput(f"{where}: {len(fields)} fields, expected {len(columns)}")
            r = dict(zip(columns, (f.strip() for f in fields), strict=True))
            ref = r["sample" if out.source == "screen" else "patient_id"]
            if not REFERENCE.match(ref):
                raise InvalidInput(
                    f"{where}: {ref!r} is not a pseudonymous identifier (letters, digits, . _ : / # -; no "
                    "spaces, at most 100 characters)"
                )
            email = r[PHYSICIAN_COLUMN].lower() or None
            if out.source == "screen":
                variant = _screen_evidence(r, where)
                if ref in seen:
                    c = seen[ref]
                    if email and c.physician_email and email != c.physician_email:
                        raise InvalidInput(f"{where}: sample {ref} is addressed to two physicians")
                    c.physician_email = c.physician_email or email
                    c.evidence["variants"].append(variant)
                    c.rows += 1
                    continue
                c = Candidate(ref, reader.line_num, email, {"variants": [variant]})
            else:
                if ref in seen:
                    raise InvalidInput(f"{where}: patient {ref} is listed twice")
                evidence = _case_evidence(r, where)
                if email and evidence["score"] <= 0:
                    raise InvalidInput(
                        f"{where}: patient {ref} has score {evidence['score']} (explained otherwise), not a "
                        "candidate to suggest"
                    )
                c = Candidate(ref, reader.line_num, email, evidence)
            seen[ref] = c
            out.candidates.append(c)
    except UnicodeDecodeError:
        raise InvalidInput(f"{name} line {reader.line_num + 1}: not UTF-8 text") from None
    except csv.Error as e:
        raise InvalidInput(f"{name} line {reader.line_num}: {e}") from None
    if not out.candidates:
        raise InvalidInput(f"{name}: no candidate rows")
    if not out.to_suggest:
        raise InvalidInput(f"{name}: no row has a {PHYSICIAN_COLUMN}: nothing to suggest")
    return out


def counted(f: CandidateFile) -> int:
    """Candidates counted in the funnel: every sample of a screen; case-find patients with a score > 0
    (the others are listed with the commoner explanation)."""
    if f.source == "screen":
        return len(f.candidates)
    return sum(1 for c in f.candidates if c.evidence["score"] > 0)
