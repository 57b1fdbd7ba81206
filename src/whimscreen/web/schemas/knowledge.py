"""Answers about knowledge-base releases and the reclassification tasks they create."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from whimscreen.web.schemas.common import Out


class ReleaseOut(Out):
    version: str
    sha256: str
    created_by: str
    created_at: str
    active: bool
    activated_at: str | None
    diff: dict[str, Any] = Field(description="changes against the release it was built from")


class TaskOut(Out):
    id: int
    order_id: int
    release: str
    changes: dict[str, Any] = Field(description='{"variants": [...], "result": {"old", "new"}}')
    summary: str
    status: str
    created_at: str
    closed_at: str | None
    note: str | None
    amend: str = Field(description="the page issuing the amended report")


class Activated(Out):
    release: ReleaseOut | None = Field(description="None: the package's knowledge base")
    tasks_created: list[TaskOut]
