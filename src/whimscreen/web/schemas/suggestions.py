"""Answers of the suggestions API (screen / case-find candidates suggested to physicians)."""

from __future__ import annotations

from typing import Any

from whimscreen.web.schemas.common import Out


class SuggestionImportOut(Out):
    id: int
    source: str
    filename: str
    file_sha256: str
    candidates: int
    suggested: int
    not_acted_on: int
    imported_at: str
    withdrawn_at: str | None
    withdraw_reason: str | None


class WithdrawnOut(Out):
    withdrawn: int


class SuggestionOut(Out):
    id: int
    source: str
    candidate: str
    suggestion: str
    summary: str
    evidence: Any
    file_sha256: str
    file_row: int
    status: str
    order_id: int | None
    created_at: str
    acted_at: str | None
    reason: str | None
