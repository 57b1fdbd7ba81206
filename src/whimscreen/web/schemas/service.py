"""Answers of the service itself: health, the laboratory identity printed on reports."""

from __future__ import annotations

from pydantic import Field

from whimscreen.web.schemas.common import Out


class ReferenceStamp(Out):
    kind: str
    demo: bool
    description: str
    sha256: str
    source: str
    data_digest: str
    warning: str | None = Field(None, description="only for the demo reference")


class DatabaseUp(Out):
    ok: bool
    dialect: str


class Health(Out):
    status: str
    database: DatabaseUp
    reference: ReferenceStamp


class DatabaseDown(Out):
    ok: bool
    error: str


class Unhealthy(Out):
    status: str
    database: DatabaseDown


class LabIdentityOut(Out):
    name: str | None
    address: str | None
    clia: str | None
    cap: str | None
    directors: list[str] | None
    sponsor_disclosure: str | None
    footer: str | None
    confirmation_policy: str | None
    method_ngs: str | None
    method_sanger: str | None
    missing: list[str] = Field(description="the required fields not given yet")
