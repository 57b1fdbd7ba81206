"""The sponsor's de-identified export as Apache Parquet: the same rows and columns as the CSV
(``sponsor_export.rows``), typed — shifted dates as dates, the criteria met as a list, the days from order
to report as an integer — so that a statistician's tools read it without parsing."""

from __future__ import annotations

import io
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from whimscreen.program import audit
from whimscreen.program.sponsor_export import COLUMNS, rows
from whimscreen.program.storage.models import User
from whimscreen.program.users import require_role

SCHEMA = pa.schema(
    [
        pa.field("patient", pa.string(), nullable=False),
        pa.field("order", pa.string(), nullable=False),
        pa.field("age_at_order", pa.string()),  # whole years; "90+" at 90 and over
        pa.field("sex", pa.string()),
        pa.field("eligibility", pa.string()),
        pa.field("criteria_met", pa.list_(pa.string())),
        pa.field("status", pa.string()),
        pa.field("result", pa.string()),
        pa.field("ordered_on", pa.date32()),
        pa.field("sample_received_on", pa.date32()),
        pa.field("reported_on", pa.date32()),
        pa.field("days_order_to_report", pa.int32()),
    ],
    metadata={
        b"description": b"WHIMscreen de-identified export: keyed pseudonyms, dates shifted per patient, "
        b"no direct identifiers",
    },
)
assert tuple(SCHEMA.names) == COLUMNS  # the CSV and the Parquet file carry the same columns


def _typed(row: dict) -> dict:
    out = {k: row[k] for k in COLUMNS}
    out["criteria_met"] = [c for c in row["criteria_met"].split(";") if c]
    for k in ("ordered_on", "sample_received_on", "reported_on"):
        out[k] = date.fromisoformat(row[k]) if row[k] else None
    out["days_order_to_report"] = row["days_order_to_report"] if row["days_order_to_report"] != "" else None
    out["result"] = row["result"] or None
    return out


def export_parquet(db: Session, actor: User, secret) -> bytes:
    require_role(actor, "coordinator")
    data = [_typed(r) for r in rows(db, secret)]
    table = pa.Table.from_pylist(data, schema=SCHEMA)
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    audit.record(db, actor, "export", "sponsor_export", detail=f"Parquet, {len(data)} orders, de-identified")
    return buf.getvalue()
