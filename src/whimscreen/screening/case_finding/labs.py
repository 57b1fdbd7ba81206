"""Reading laboratory results and diagnoses, streamed: CSV (``patient_id,date,loinc,value,unit``) or FHIR
R4 bulk-export NDJSON (Observation resources, validated with ``fhir.resources``); diagnoses as CSV
(``patient_id,date,icd10``) or FHIR Condition NDJSON.

A malformed line is an error naming the file and the line (``LabDataError``).  A result for a LOINC code
not read here is counted; one whose unit does not convert is kept aside and reported; an Observation that
is ``entered-in-error`` or ``cancelled`` is counted and skipped.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from whimscreen.errors import LabDataError
from whimscreen.screening.case_finding.units import ANALYTES, UnitError, convert

LAB_HEADER = ["patient_id", "date", "loinc", "value", "unit"]
DIAGNOSIS_HEADER = ["patient_id", "date", "icd10"]
LOINC_SYSTEM = "http://loinc.org"
ICD10_SYSTEMS = ("http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-cm")
SKIPPED_STATUS = ("entered-in-error", "cancelled")
MAX_REPORTED = 1000  # unconverted records listed in the summary (all are counted)


@dataclass(frozen=True)
class Result:
    patient: str
    day: date
    loinc: str
    value: float  # canonical unit (units.ANALYTES)


@dataclass(frozen=True)
class Diagnosis:
    patient: str
    day: date
    code: str  # ICD-10, upper case, without the dot


@dataclass
class ReadStats:
    records: int = 0
    used: int = 0
    ignored_loinc: Counter = field(default_factory=Counter)
    unconverted: list[str] = field(default_factory=list)  # "file:line: reason"
    unconverted_count: int = 0
    skipped_status: int = 0

    def unconvertible(self, where: str, why: str) -> None:
        self.unconverted_count += 1
        if len(self.unconverted) < MAX_REPORTED:
            self.unconverted.append(f"{where}: {why}")


def _day(text: str, where: str) -> date:
    text = (text or "").strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError as exc:
        raise LabDataError(f"{where}: date {text!r} is not an ISO date (YYYY-MM-DD)") from exc


def _is_ndjson(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(1) == b"{"


def _open_text(path: Path):
    path = Path(path)
    if not path.is_file():
        raise LabDataError(f"{path}: no such file")
    try:
        return open(path, encoding="utf-8", newline="")
    except OSError as exc:
        raise LabDataError(f"{path}: cannot read: {exc}") from exc


def _result(path, n, patient, day, loinc, value, unit, stats: ReadStats) -> Result | None:
    stats.records += 1
    if loinc not in ANALYTES:
        stats.ignored_loinc[loinc] += 1
        return None
    try:
        converted = convert(loinc, value, unit)
    except UnitError as exc:
        stats.unconvertible(f"{path}:{n}", f"patient {patient}: {exc}")
        return None
    stats.used += 1
    return Result(patient, day, loinc, converted)


def _csv_rows(path: Path, header: list[str]) -> Iterator[tuple[int, list[str]]]:
    with _open_text(path) as fh:
        try:
            reader = csv.reader(fh)
            first = [h.strip().lower() for h in next(reader, [])]
            if first != header:
                raise LabDataError(f"{path}: line 1: the header must be '{','.join(header)}', got {first}")
            for row in reader:
                if any(c.strip() for c in row):
                    yield reader.line_num, row
        except (csv.Error, UnicodeDecodeError) as exc:
            raise LabDataError(f"{path}: not readable as CSV: {exc}") from exc


def _csv_results(path: Path, stats: ReadStats) -> Iterator[Result]:
    for n, row in _csv_rows(path, LAB_HEADER):
        where = f"{path}: line {n}"
        if len(row) != 5:
            raise LabDataError(
                f"{where}: expected 5 fields (patient_id,date,loinc,value,unit), got {len(row)}"
            )
        patient, day, loinc, value, unit = (c.strip() for c in row)
        if not patient:
            raise LabDataError(f"{where}: no patient_id")
        try:
            number = float(value)
        except ValueError as exc:
            raise LabDataError(f"{where}: value {value!r} is not a number") from exc
        r = _result(path, n, patient, _day(day, where), loinc, number, unit, stats)
        if r is not None:
            yield r


def _json_lines(path: Path, kind: str) -> Iterator[tuple[int, dict]]:
    with _open_text(path) as fh:
        try:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    doc = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise LabDataError(f"{path}: line {n}: not JSON ({exc.msg})") from exc
                if not isinstance(doc, dict) or doc.get("resourceType") != kind:
                    got = doc.get("resourceType") if isinstance(doc, dict) else type(doc).__name__
                    raise LabDataError(f"{path}: line {n}: expected a FHIR {kind} resource, got {got!r}")
                yield n, doc
        except UnicodeDecodeError as exc:
            raise LabDataError(f"{path}: not UTF-8 text: {exc}") from exc


def _validated(model, doc: dict, where: str):
    from pydantic import ValidationError

    try:
        return model.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first.get("loc", ()))
        raise LabDataError(f"{where}: not a valid FHIR R4 resource: {loc}: {first.get('msg')}") from exc


def _patient(ref, where: str) -> str:
    text = (ref.reference if ref is not None else None) or ""
    if not text.startswith("Patient/") or len(text) <= len("Patient/"):
        raise LabDataError(f"{where}: subject must reference a Patient (Patient/ID), got {text!r}")
    return text[len("Patient/") :]


def _fhir_results(path: Path, stats: ReadStats) -> Iterator[Result]:
    from fhir.resources.R4B.observation import Observation

    for n, doc in _json_lines(path, "Observation"):
        where = f"{path}: line {n}"
        obs = _validated(Observation, doc, where)
        if obs.status in SKIPPED_STATUS:
            stats.skipped_status += 1
            continue
        patient = _patient(obs.subject, where)
        loincs = [c.code for c in (obs.code.coding or []) if c.system == LOINC_SYSTEM and c.code]
        loinc = next((c for c in loincs if c in ANALYTES), loincs[0] if loincs else "(no LOINC)")
        when = obs.effectiveDateTime or (obs.effectivePeriod.start if obs.effectivePeriod else None)
        if when is None:
            raise LabDataError(f"{where}: no effectiveDateTime or effectivePeriod.start")
        day = when if isinstance(when, date) and not isinstance(when, datetime) else when.date()
        q = obs.valueQuantity
        if loinc in ANALYTES and (q is None or q.value is None):
            raise LabDataError(f"{where}: LOINC {loinc} without a valueQuantity value")
        value = float(q.value) if q is not None and q.value is not None else 0.0
        unit = (q.code or q.unit or "") if q is not None else ""
        r = _result(path, n, patient, day, loinc, value, unit, stats)
        if r is not None:
            yield r


def read_results(path: Path, stats: ReadStats) -> Iterator[Result]:
    """The usable results of ``path`` (CSV or FHIR Observation NDJSON, told apart by the first byte)."""
    path = Path(path)
    if not path.is_file():
        raise LabDataError(f"{path}: no such file")
    yield from (_fhir_results if _is_ndjson(path) else _csv_results)(path, stats)


def _icd(code: str) -> str:
    return code.strip().upper().replace(".", "")


def read_diagnoses(path: Path) -> Iterator[Diagnosis]:
    path = Path(path)
    if not path.is_file():
        raise LabDataError(f"{path}: no such file")
    if not _is_ndjson(path):
        for n, row in _csv_rows(path, DIAGNOSIS_HEADER):
            where = f"{path}: line {n}"
            if len(row) != 3 or not row[0].strip() or not row[2].strip():
                raise LabDataError(f"{where}: expected patient_id,date,icd10")
            yield Diagnosis(row[0].strip(), _day(row[1], where), _icd(row[2]))
        return
    from fhir.resources.R4B.condition import Condition

    for n, doc in _json_lines(path, "Condition"):
        where = f"{path}: line {n}"
        cond = _validated(Condition, doc, where)
        patient = _patient(cond.subject, where)
        when = cond.onsetDateTime or cond.recordedDate
        if when is None:
            raise LabDataError(f"{where}: no onsetDateTime or recordedDate")
        day = when if isinstance(when, date) and not isinstance(when, datetime) else when.date()
        for c in (cond.code.coding if cond.code else None) or []:
            if c.system in ICD10_SYSTEMS and c.code:
                yield Diagnosis(patient, day, _icd(c.code))
