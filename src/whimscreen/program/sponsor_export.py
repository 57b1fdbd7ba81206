"""The sponsor's de-identified export: one row per order (CSV) and one GA4GH Phenopacket (v2 JSON) per
patient, with no direct identifier.

- The patient is a pseudonym: HMAC-SHA256 of the patient's database ID under the portal's secret, so the same
  patient has the same pseudonym in every export and nobody without the secret can link it back.
- Dates (the Phenopacket's creation time too) are shifted per patient by a fixed offset of 1 to 182
  days, earlier or later (derived from the same keyed hash): intervals within a patient are kept, calendar
  dates are not real.  Times of day are dropped.
- Age at ordering in whole years (90 and over as "90+"), sex, the eligibility decision and the criteria met,
  the order's status and result.  No name, birth date, record number, institution or free text.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from whimscreen.interpretation.phenotype import FEATURE_HPO
from whimscreen.program import audit
from whimscreen.program.eligibility import MET
from whimscreen.program.patients import eligibility
from whimscreen.program.storage.models import Order, Sample, User
from whimscreen.program.users import require_role

COLUMNS = (
    "patient",
    "order",
    "age_at_order",
    "sex",
    "eligibility",
    "criteria_met",
    "status",
    "result",
    "ordered_on",
    "sample_received_on",
    "reported_on",
    "days_order_to_report",
)
MAX_SHIFT = 182
HPO = FEATURE_HPO  # interpretation/phenotype.py
SEX = {"female": "FEMALE", "male": "MALE"}


def _key(secret: str | bytes, text: str) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def pseudonym(secret, patient_id: int) -> str:
    return "WS-" + _key(secret, f"patient:{patient_id}").hex()[:16]


def shift_days(secret, patient_id: int) -> int:
    """A per-patient offset in [-182, -1] or [1, 182] days, never 0."""
    n = int.from_bytes(_key(secret, f"shift:{patient_id}")[:4], "big")
    magnitude = 1 + n % MAX_SHIFT
    return magnitude if (n >> 16) % 2 else -magnitude


def _shifted(value: datetime | date | None, days: int) -> str:
    if value is None:
        return ""
    d = value.date() if isinstance(value, datetime) else value
    return (d + timedelta(days=days)).isoformat()


def _age(born: date, at: datetime) -> str:
    on = at.date()
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return "90+" if years >= 90 else str(years)


def rows(db: Session, secret) -> list[dict]:
    out = []
    received = dict(db.execute(select(Sample.order_id, Sample.received_at)).all())
    for o in db.scalars(select(Order).where(Order.kind == "proband").order_by(Order.id)):  # relatives apart
        p = o.patient
        shift = shift_days(secret, p.id)
        met = [c.key for c in eligibility(db, p).criteria if c.status == MET]
        days = (o.reported_at - o.created_at).days if o.reported_at and o.created_at else ""
        out.append(
            {
                "patient": pseudonym(secret, p.id),
                "order": "O-" + _key(secret, f"order:{o.id}").hex()[:12],
                "age_at_order": _age(p.birth_date, o.created_at),
                "sex": p.sex,
                "eligibility": o.eligibility,
                "criteria_met": ";".join(met),
                "status": o.status,
                "result": o.result_category or "",
                "ordered_on": _shifted(o.created_at, shift),
                "sample_received_on": _shifted(received.get(o.id), shift),
                "reported_on": _shifted(o.reported_at, shift),
                "days_order_to_report": days,
                "_shift": shift,
            }
        )
    return out


def export_csv(db: Session, actor: User, secret) -> str:
    require_role(actor, "coordinator")
    data = rows(db, secret)
    buf = io.StringIO()
    w = csv.DictWriter(buf, COLUMNS, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(data)
    audit.record(db, actor, "export", "sponsor_export", detail=f"CSV, {len(data)} orders, de-identified")
    return buf.getvalue()


def _packet(row: dict, created: datetime, shift: int) -> dict:
    features = [
        {"type": {"id": HPO[k][0], "label": HPO[k][1]}} for k in row["criteria_met"].split(";") if k in HPO
    ]
    status = {"Positive": "SOLVED", "Negative": "UNSOLVED"}.get(row["result"], "IN_PROGRESS")
    interpretation = {"id": row["order"], "progressStatus": status}
    if row["result"] == "Positive":
        interpretation["diagnosis"] = {"disease": {"id": "OMIM:193670", "label": "WHIM syndrome 1"}}
    subject = {"id": row["patient"], "sex": SEX.get(row["sex"], "UNKNOWN_SEX")}
    if row["age_at_order"] != "90+":
        subject["timeAtLastEncounter"] = {"age": {"iso8601duration": f"P{row['age_at_order']}Y"}}
    return {
        "id": row["patient"],
        "subject": subject,
        "phenotypicFeatures": features,
        "interpretations": [interpretation],
        "metaData": {
            "created": (created + timedelta(days=shift)).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "createdBy": "WHIMscreen sponsor export",
            "phenopacketSchemaVersion": "2.0",
            "resources": [
                {
                    "id": "hp",
                    "name": "human phenotype ontology",
                    "url": "http://purl.obolibrary.org/obo/hp.owl",
                    "version": "2025-05-06",
                    "namespacePrefix": "HP",
                    "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
                }
            ],
        },
    }


def export_phenopackets(db: Session, actor: User, secret) -> str:
    """One Phenopacket per patient (their latest order), as a JSON array."""
    require_role(actor, "coordinator")
    latest: dict[str, dict] = {}
    for row in rows(db, secret):
        latest[row["patient"]] = row
    now = datetime.now(UTC)
    packets = [_packet(r, now, r.pop("_shift")) for r in latest.values()]
    audit.record(db, actor, "export", "sponsor_export", detail=f"Phenopackets, {len(packets)} patients")
    return json.dumps(packets, indent=1)
