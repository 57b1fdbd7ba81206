"""What a report shows, gathered from the program's records: patient, physician, specimen and its dates, the
indication and phenotype of the eligibility record, the laboratory identity, the signatures.  The document
itself is built by the reporting layer (``reporting/document.py``), the same one ``whimscreen report`` uses.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from whimscreen.program import lab_identity
from whimscreen.program.eligibility import NOT_MET
from whimscreen.program.patients import eligibility
from whimscreen.program.storage.models import Job, Order, Sample, User
from whimscreen.reporting.document import build_document

INDICATION = "Suspected WHIM syndrome: CXCR4 testing in the sponsored screening program (eligibility: {})"
FAMILIAL_INDICATION = (
    "Relative of a patient with the CXCR4 variant {}: known familial variant test (cascade testing)"
)


def _relatives(rows: list[dict] | None) -> list[dict]:
    return [
        {
            "name": r.get("display_name") or "—",
            "relationship": r.get("relationship"),
            "result": r.get("result") or "pending",
            "reported": r.get("report_date"),
        }
        for r in rows or []
    ]


def _analyst(db: Session, job: Job) -> dict:
    who = db.get(User, job.requested_by)
    when = job.finished_at or job.created_at
    return {
        "role": "Analysis",
        "name": who.name if who else f"user {job.requested_by}",
        "credentials": None,
        "at": when.strftime("%Y-%m-%d %H:%M UTC"),
    }


def report_document(
    db: Session,
    order: Order,
    sample: Sample,
    job: Job,
    analysis: dict,
    signer: User,
    signed_at: datetime,
    *,
    status: str = "FINAL",
    version: int = 1,
    replaces: dict | None = None,
    comment: str | None = None,
    images: dict[int, list[Path]] | None = None,
    relatives: list[dict] | None = None,
    locus=None,
    pedigree_svg: str | None = None,
) -> dict:
    """The report document of one signed version (``images``: chromatogram PNGs by variant index)."""
    patient, physician = order.patient, db.get(User, order.physician_id)
    lab = lab_identity.current(db)
    check = eligibility(db, patient)
    excluded = [c.key for c in check.criteria if c.status == NOT_MET and c.key != "family-history"]
    director = {
        "role": "Laboratory director",
        "name": signer.name,
        "credentials": lab_identity.credentials_of(lab, signer.name),
        "at": signed_at.strftime("%Y-%m-%d %H:%M UTC"),
    }
    return build_document(
        analysis,
        status=status,
        version=version,
        issued=signed_at,
        replaces=replaces,
        report_id=f"{sample.accession}-v{version}",
        lab=lab if not lab_identity.missing(lab) else None,
        subject={
            "sample_id": sample.accession,
            "accession": sample.accession,
            "name": patient.name,
            "birth_date": patient.birth_date.isoformat(),
            "sex": patient.sex,
            "record_number": patient.local_id,
        },
        physician={"name": physician.name, "institution": physician.institution},
        specimen={
            "type": sample.specimen_type,
            "collected": sample.collected_on.isoformat() if sample.collected_on else None,
            "received": sample.received_at.strftime("%Y-%m-%d"),
        },
        indication=(
            FAMILIAL_INDICATION.format(
                ((analysis.get("result") or {}).get("familial_variant") or {}).get("hgvs_c")
                or order.familial_variant
            )
            if getattr(order, "kind", "proband") == "familial"
            else INDICATION.format(order.eligibility)
        ),
        excluded_features=tuple(excluded),
        signatures=[_analyst(db, job), director],
        comment=comment,
        images=images,
        relatives=_relatives(relatives),
        pedigree_svg=pedigree_svg,
        locus=locus,
    )
