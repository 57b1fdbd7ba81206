"""Tables of the screening program (SQLAlchemy 2 typed declarative models)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


#: order statuses that hold the patient's one open order (orders.OPEN); a partial unique index enforces it
OPEN_ORDER = "status IN ('waitlisted', 'ordered', 'kit_sent', 'received', 'sequencing', 'analysis', 'review')"
#: job statuses of the sample's one active job (jobs.ACTIVE)
ACTIVE_JOB = "status IN ('queued', 'running')"


def _partial_unique(name: str, column: str, where: str) -> Index:
    """A unique index over the rows matching ``where`` (PostgreSQL and SQLite both have partial indexes)."""
    return Index(name, column, unique=True, postgresql_where=text(where), sqlite_where=text(where))


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the zone; it is restored here)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # users.ROLES
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|active|rejected|disabled
    license_id: Mapped[str | None] = mapped_column(String(100))
    institution: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class WebSession(Base):
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)  # the absolute lifetime
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # for the idle timeout


class LoginThrottle(Base):
    """Failed-login counter of one key ("acct:EMAIL|ADDRESS" or "addr:ADDRESS"), see program/throttle.py."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(320), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime)
    next_allowed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Patient(Base):
    __tablename__ = "patients"
    id: Mapped[int] = mapped_column(primary_key=True)
    physician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(10))
    local_id: Mapped[str | None] = mapped_column(String(100))  # the physician's record number
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    clinical: Mapped[Clinical | None] = relationship(back_populates="patient", uselist=False)
    counts: Mapped[list[BloodCount]] = relationship(order_by="BloodCount.taken_on")


class Clinical(Base):
    """Clinical history; ``None`` means not known (never assumed absent)."""

    __tablename__ = "clinical"
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), primary_key=True)
    recurrent_infections: Mapped[bool | None] = mapped_column(Boolean)
    infection_history: Mapped[str | None] = mapped_column(Text)
    warts: Mapped[bool | None] = mapped_column(Boolean)
    myelokathexis: Mapped[bool | None] = mapped_column(Boolean)
    family_history: Mapped[bool | None] = mapped_column(Boolean)
    igg: Mapped[float | None] = mapped_column(Float)  # mg/dL
    igg_lower_limit: Mapped[float | None] = mapped_column(Float)  # lab's reference for age, mg/dL
    igg_date: Mapped[date | None] = mapped_column(Date)
    duffy_null: Mapped[bool | None] = mapped_column(Boolean)  # tested Duffy-null phenotype/genotype
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    patient: Mapped[Patient] = relationship(back_populates="clinical")


class BloodCount(Base):
    __tablename__ = "blood_counts"
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    taken_on: Mapped[date] = mapped_column(Date)
    anc: Mapped[float | None] = mapped_column(Float)  # cells/uL
    alc: Mapped[float | None] = mapped_column(Float)
    monocytes: Mapped[float | None] = mapped_column(Float)


class Consent(Base):
    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    consent_version: Mapped[str] = mapped_column(String(50))
    given_by: Mapped[str] = mapped_column(String(200))  # the patient or the legal guardian
    relationship_to_patient: Mapped[str] = mapped_column(String(50))
    consented_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # a minor (under 18 on the consent date): the minor's own assent, or why it could not be given
    assent: Mapped[bool | None] = mapped_column(Boolean)
    assent_not_possible: Mapped[str | None] = mapped_column(Text)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (_partial_unique("uq_orders_one_open_per_patient", "patient_id", OPEN_ORDER),)
    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    physician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consents.id"))
    status: Mapped[str] = mapped_column(String(20), index=True)  # orders.STATUSES
    eligibility: Mapped[str] = mapped_column(String(20))  # decision at ordering time
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    enrolled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    result_category: Mapped[str | None] = mapped_column(String(20))
    # case evidence for the classification (PS2/PM6, PP1): this patient's de novo status and the family's
    # informative meioses, entered by the physician or the director (orders.set_case_evidence)
    de_novo: Mapped[str | None] = mapped_column(String(10))  # confirmed | assumed | None
    segregation_meioses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))  # the order of a rejected sample
    # proband (the WHIM test) | familial (a relative's known familial variant test, program/families.py)
    kind: Mapped[str] = mapped_column(String(10), default="proband", server_default="proband")
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("families.id", use_alter=True, name="fk_orders_family_id"), index=True
    )
    familial_variant: Mapped[str | None] = mapped_column(String(200))  # chr2:POS:REF:ALT (GRCh38)
    patient: Mapped[Patient] = relationship()
    events: Mapped[list[OrderEvent]] = relationship(order_by="OrderEvent.id")


#: live (not removed) members; a patient is in a family once, a family has one mother and one father
LIVE_MEMBER = "removed_at IS NULL"


class Family(Base):
    """A positive proband's family (program/families.py); the familial variant is the proband's signed
    pathogenic / likely pathogenic variant, fixed when the family is created."""

    __tablename__ = "families"
    id: Mapped[int] = mapped_column(primary_key=True)
    proband_patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), unique=True)
    proband_order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    variant_key: Mapped[str] = mapped_column(String(200))  # chr2:POS:REF:ALT on GRCh38
    variant_hgvs_c: Mapped[str] = mapped_column(String(200))
    variant_hgvs_p: Mapped[str | None] = mapped_column(String(200))
    signed_class: Mapped[str] = mapped_column(String(30))  # the variant's class on the signed report
    # parentage of the proband: assumed unless a user ticked "confirmed" and said how
    parentage: Mapped[str] = mapped_column(String(10), default="assumed", server_default="assumed")
    parentage_confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    parentage_basis: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    members: Mapped[list[FamilyMember]] = relationship(order_by="FamilyMember.id")


class FamilyMember(Base):
    """The proband (relationship ``proband``) or a relative; ``patient_id`` is set for a relative recorded
    as a patient (to be tested), empty for an untested relative.  Removal is a mark (a way back)."""

    __tablename__ = "family_members"
    __table_args__ = (
        Index(
            "uq_family_members_patient",
            "family_id",
            "patient_id",
            unique=True,
            postgresql_where=text(f"patient_id IS NOT NULL AND {LIVE_MEMBER}"),
            sqlite_where=text(f"patient_id IS NOT NULL AND {LIVE_MEMBER}"),
        ),
        Index(
            "uq_family_members_parent",
            "family_id",
            "side",
            unique=True,
            postgresql_where=text(f"relationship = 'parent' AND {LIVE_MEMBER}"),
            sqlite_where=text(f"relationship = 'parent' AND {LIVE_MEMBER}"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"), index=True)
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"), index=True)
    relationship: Mapped[str] = mapped_column(String(20))  # proband|parent|child|sibling|half-sibling|other
    side: Mapped[str | None] = mapped_column(String(10))  # mother | father (parents; a half-sib's shared one)
    display_name: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(10), default="unknown")
    birth_year: Mapped[int | None] = mapped_column(Integer)
    affected: Mapped[str] = mapped_column(String(10), default="unknown")  # yes | no | unknown
    hpo: Mapped[str | None] = mapped_column(Text)  # HP:nnnnnnn ids, comma-separated
    deceased: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    removed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    remove_reason: Mapped[str | None] = mapped_column(Text)


class OrderEvent(Base):
    __tablename__ = "order_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)


class Sample(Base):
    __tablename__ = "samples"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    accession: Mapped[str] = mapped_column(String(30), unique=True)
    specimen_type: Mapped[str] = mapped_column(String(30))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    collected_on: Mapped[date | None] = mapped_column(Date)  # from the requisition; None = not recorded
    received_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rejected_reason: Mapped[str | None] = mapped_column(Text)
    order: Mapped[Order] = relationship()


class Upload(Base):
    __tablename__ = "uploads"
    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # removed by the lab (kept for audit)
    deleted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    delete_reason: Mapped[str | None] = mapped_column(Text)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (_partial_unique("uq_jobs_one_active_per_sample", "sample_id", ACTIVE_JOB),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)  # queued | running | done | failed
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # touched while the analysis runs
    inputs: Mapped[str | None] = mapped_column(Text)  # JSON [{"upload_id", "sha256"}] of the files analysed
    error: Mapped[str | None] = mapped_column(Text)
    result_json: Mapped[str | None] = mapped_column(Text)
    sample: Mapped[Sample] = relationship()


class SignOut(Base):
    """One signed version of an order's report.  Version 1 is the FINAL report; each later version is an
    AMENDED (new interpretation or information) or CORRECTED (an error) report replacing the one before,
    with its reason.  Rows are never changed: a version is immutable, stored with its PDF, its report
    document and the PDF's SHA-256; the newest version is the order's report."""

    __tablename__ = "signouts"
    __table_args__ = (UniqueConstraint("order_id", "version", name="uq_signouts_order_version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"))
    signer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    result_category: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    report_pdf: Mapped[bytes] = mapped_column()
    report_sha256: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    status: Mapped[str] = mapped_column(String(10), default="FINAL", server_default="FINAL")
    reason: Mapped[str | None] = mapped_column(Text)  # why an amended/corrected version was issued
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("signouts.id"))
    document_json: Mapped[str | None] = mapped_column(Text)  # the report document (reporting/document.py)


class ClassificationDecision(Base):
    """A director's decision on a variant whose computed class disagrees with an asserted one; the newest
    per (job, variant) counts.  Rows are never changed: a new decision supersedes the previous one."""

    __tablename__ = "classification_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    variant_key: Mapped[str] = mapped_column(String(200))  # chr2:POS:REF:ALT on GRCh38
    classification: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Notification(Base):
    """A message to one user shown in the portal (waitlist enrolment, cancelled order, rejected sample)."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # e-mail copy: None (portal only) | pending | sent | failed | off (no SMTP sender configured)
    email_status: Mapped[str | None] = mapped_column(String(10), index=True)
    emailed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    email_error: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Append-only: updates and deletes are refused (``audit.py`` installs the guard)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # view | create | update | download | sign ...
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    patient_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[str | None] = mapped_column(Text)


class KbRelease(Base):
    """A knowledge-base release file under the data home (``interpretation/kb_release.py``); at most one is
    active (a partial unique index over ``active``), none active = the package's knowledge base."""

    __tablename__ = "kb_releases"
    __table_args__ = (_partial_unique("uq_kb_releases_one_active", "active", "active"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(100), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    activated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    diff: Mapped[str] = mapped_column(Text)  # JSON: changes against the release it was built from


class KbActivation(Base):
    """Every activation, in order: the release active at a given time (the one a report was signed with);
    ``release_id`` None = the package's knowledge base was made active again."""

    __tablename__ = "kb_activations"
    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int | None] = mapped_column(ForeignKey("kb_releases.id"))
    activated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)
    activated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))


class ReclassificationTask(Base):
    """A signed order whose classification or result changes under a newly activated release; one per
    (order, release) by a unique constraint, so activating a release twice creates no duplicate."""

    __tablename__ = "reclassification_tasks"
    __table_args__ = (UniqueConstraint("order_id", "release", name="uq_reclassification_order_release"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    release: Mapped[str] = mapped_column(String(100))
    changes: Mapped[str] = mapped_column(Text)  # JSON {"variants": [...], "result": {"old", "new"}}
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | closed
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)


class SuggestionImport(Base):
    """One ``candidates.tsv`` of ``whimscreen screen`` or ``case-find`` imported by the coordinator
    (program/suggestions.py); one import per (source, file SHA-256).  Withdrawing it withdraws its
    suggestions not yet acted on."""

    __tablename__ = "suggestion_imports"
    __table_args__ = (UniqueConstraint("source", "file_sha256", name="uq_suggestion_imports_file"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(10))  # screen | case-find
    file_sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    candidates: Mapped[int] = mapped_column(Integer)  # candidates in the file (samples; case-find: score > 0)
    imported_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdraw_reason: Mapped[str | None] = mapped_column(Text)


class Suggestion(Base):
    """A candidate addressed to a physician: "consider CXCR4 testing", with the evidence.  The candidate is
    named only by the file's pseudonymous reference (cohort sample ID or EHR patient ID), never by name.
    Status: suggested -> declined (with a reason; the physician may reopen it) | ordered (an order placed by
    the physician names it) | withdrawn (by the coordinator, before anyone acted)."""

    __tablename__ = "suggestions"
    __table_args__ = (
        UniqueConstraint("source", "candidate_ref", "file_sha256", name="uq_suggestions_candidate_file"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("suggestion_imports.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))  # screen | case-find
    candidate_ref: Mapped[str] = mapped_column(String(100))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_row: Mapped[int] = mapped_column(Integer)  # line of the candidate's first row in the file
    evidence: Mapped[str] = mapped_column(Text)  # JSON: screen variants; case-find score, level, reasons
    physician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="suggested", index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # the last step from "suggested" (declined, ordered or withdrawn): who, when and why
    acted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(Text)  # decline or withdrawal reason
