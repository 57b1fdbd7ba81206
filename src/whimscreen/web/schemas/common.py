"""Shared API types: record ids in paths and queries, the error answer (``Problem``), the base of answers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict

MAX_ID = 2**31 - 1  # database integer keys (PostgreSQL INTEGER)
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="a record id")]
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]

#: list answers come in pages: ``limit`` records from ``offset``; the total is the X-Total-Count header
PAGE_SIZE, MAX_PAGE_SIZE, TOTAL = 100, 500, "X-Total-Count"
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"page size (default {PAGE_SIZE})")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="records skipped before the page")]


def paged(what: str) -> dict:
    """The 200 answer of a paged list: its description and the header giving the total."""
    total = {"description": f"how many {what} match in all (the page holds at most `limit`)"}
    return {
        200: {
            "description": f"one page of {what}",
            "headers": {TOTAL: {**total, "schema": {"type": "integer"}}},
        }
    }


class Out(BaseModel):
    """An answer's shape: no undeclared key (a field the route returns but the model lacks fails the
    response validation in the tests instead of being dropped silently)."""

    model_config = ConfigDict(extra="forbid")


class Problem(BaseModel):
    """Every error answer: one clear sentence, or (request validation) the list of fields at fault."""

    detail: str | list[dict[str, Any]]


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in (
        (401, "not logged in"),
        (403, "not allowed for this role, or a missing CSRF token"),
        (404, "no such object (or not one of yours)"),
        (409, "not possible in the object's current state"),
        (413, "request body too large"),
        (422, "invalid input"),
        (429, "too many failed logins"),
    )
}
