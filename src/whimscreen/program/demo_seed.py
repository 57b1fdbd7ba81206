"""Seed a demo study: a user per role (demo passwords), patients at different stages with demo gVCFs
and one with generated Sanger traces.

Used by ``whimscreen demo``; everything goes through the same services as the portal, so the demo's
records (audit log included) look like real use.  The analysis runs for real on the demo data, and
``case-find`` runs for real on generated health-record results: the coordinator imports its candidates,
the WHIM-like ones addressed to the demo physician, who finds them under Suggestions.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from whimscreen.program import (
    accession,
    consent,
    jobs,
    lab_identity,
    orders,
    patients,
    signout,
    suggestions,
    uploads,
    users,
)
from whimscreen.program.demo_data import write_gvcf, write_traces
from whimscreen.program.storage.db import unit_of_work
from whimscreen.program.storage.models import Order, User

DEMO_USERS = (  # role, email, name, password
    ("admin", "admin@demo.whimscreen", "Avery Admin", "admin-demo-violet-2026"),
    ("physician", "physician@demo.whimscreen", "Dr. Paula Physician", "physician-demo-amber-2026"),
    ("technologist", "tech@demo.whimscreen", "Theo Technologist", "tech-demo-cobalt-2026"),
    ("director", "director@demo.whimscreen", "Dr. Dana Director", "director-demo-teal-2026"),
    ("director", "director2@demo.whimscreen", "Dr. Drew Director", "director2-demo-olive-2026"),
    ("coordinator", "coordinator@demo.whimscreen", "Casey Coordinator", "coordinator-demo-coral-2026"),
)
PATIENTS = (  # name, birth date, sex, demo variant (None: reference only), stage to reach, data
    ("Demo Patient One", date(2011, 5, 2), "female", "NM_003467.3:c.1000C>T", "reported", "gvcf"),
    ("Demo Patient Two", date(1994, 9, 17), "male", None, "review", "gvcf"),
    ("Demo Patient Three", date(2016, 1, 23), "female", "NM_003467.3:c.1013C>G", "ordered", "gvcf"),
    # Sanger: generated .ab1 traces (every amplicon read both ways), a het frameshift to review with its
    # chromatogram excerpt
    ("Demo Patient Four", date(2019, 3, 11), "male", "NM_003467.3:c.1016_1017del", "review", "sanger"),
    # a truncation the knowledge base asserts Pathogenic but whose case counts were not read: the rules give
    # VUS, so it waits in the director's classification review queue
    ("Demo Patient Five", date(2008, 7, 30), "female", "NM_003467.3:c.1013C>G", "review", "gvcf"),
)


def seeded(db: Session) -> bool:
    return db.scalar(select(User.id).where(User.email == DEMO_USERS[0][1])) is not None


MYELOKATHEXIS = ("Demo Patient Four",)  # marrow showed myelokathexis (PP4 for a tail truncation)


def _patient(db: Session, doc: User, name: str, born: date, sex: str):
    p = patients.create(db, doc, name, born, sex, local_id=f"DEMO-{name.split()[-1].upper()}")
    today = date.today()
    for days, anc, alc, mono in ((240, 420, 650, 90), (30, 380, 700, 110)):
        patients.add_count(db, doc, p, today - timedelta(days=days), anc, alc, mono)
    patients.update_clinical(
        db,
        doc,
        p,
        recurrent_infections=True,
        warts=True,
        infection_history="otitis, pneumonia",
        myelokathexis=True if name in MYELOKATHEXIS else None,
    )
    adult = patients.age_on(p, today) >= consent.ADULT_AGE
    consent.record(db, doc, p, name if adult else f"Parent of {name}", "self" if adult else "parent", today)
    return p


#: a fictitious laboratory: the demo's reports say so (the numbers are placeholders, not certificates)
DEMO_LAB = {
    "name": "WHIMscreen Demo Laboratory (fictitious)",
    "address": "Demo address — not a real laboratory",
    "clia": "00D0000000",
    "cap": "00000",
    "footer": "Demo report — not for clinical use",
    "confirmation_policy": "Demo: variants found by NGS are confirmed by Sanger sequencing before sign-out.",
}


def seed(factory: sessionmaker[Session], home: Path, runner: jobs.Runner) -> list[tuple[str, str, str]]:
    """Create the demo study once; returns (role, email, password) for printing."""
    with unit_of_work(factory) as db:
        if seeded(db):
            return [(r, e, pw) for r, e, _, pw in DEMO_USERS]
        made = {}
        for role, email, name, password in DEMO_USERS:
            extra = (
                {"license_id": "DEMO-LIC-1", "institution": "Demo Children's Hospital"}
                if role == "physician"
                else {}
            )
            made.setdefault(role, users.create_user(db, None, email, name, password, role, **extra))
        doc, tech, director = made["physician"], made["technologist"], made["director"]
        lab_identity.set_identity(db, None, **DEMO_LAB, directors=[f"{director.name}, MD, PhD (demo)"])
        data = home / "demo-data"
        data.mkdir(parents=True, exist_ok=True)
        staged = []
        for name, born, sex, variant, stage, kind in PATIENTS:
            p = _patient(db, doc, name, born, sex)
            order = orders.place(db, doc, p)
            if kind == "sanger":
                files = write_traces(_locus(home), data / f"{p.local_id}-sanger", variant)
            else:
                files = [write_gvcf(_locus(home), data / f"{p.local_id}.vcf", p.local_id, variant)]
            if stage != "ordered":
                collected = date.today() - timedelta(days=3)
                sample = accession.receive(db, tech, order, "peripheral blood (EDTA)", collected_on=collected)
                for path in files:
                    with open(path, "rb") as fh:
                        uploads.store(db, tech, sample, path.name, fh, home / "uploads")
                jobs.enqueue(db, tech, sample)  # (job, created)
            staged.append((order.id, stage))
        _suggest(db, made["coordinator"], doc, data)
    while jobs.run_once(factory, runner, home / "analyses"):
        pass
    with unit_of_work(factory) as db:
        director = db.scalar(select(User).where(User.email == DEMO_USERS[3][1]))
        for order_id, stage in staged:
            if stage == "reported":
                signout.sign(db, director, db.get(Order, order_id), "Demo sign-out.", home / "analyses")
    return [(r, e, pw) for r, e, _, pw in DEMO_USERS]


def _suggest(db: Session, coordinator: User, doc: User, data: Path) -> None:
    """Generated results of six kinds of patients through ``case-find``; its candidates file, with a
    ``physician_email`` for those scoring 4 or more (possible or strong), imported by the coordinator."""
    from whimscreen.screening.case_finding.run import case_find
    from whimscreen.screening.case_finding.simulate_labs import write_labs

    labs, diagnoses, _ = write_labs(data / "ehr-results", per_kind=1)
    case_find([labs], data / "case-find", [diagnoses])
    lines = (data / "case-find" / "candidates.tsv").read_text().splitlines()
    score = lines[0].split("\t").index("score")
    rows = [lines[0] + "\tphysician_email"]
    rows += [f"{line}\t{doc.email if float(line.split(chr(9))[score]) >= 4 else ''}" for line in lines[1:]]
    addressed = data / "case-find-addressed.tsv"
    addressed.write_text("\n".join(rows) + "\n")
    with open(addressed, "rb") as fh:
        suggestions.import_file(db, coordinator, fh, addressed.name)


def _locus(home: Path):
    from whimscreen.reference import get_locus

    return get_locus(home)
