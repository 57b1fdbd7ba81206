"""One page of a query and the number of rows the whole query matches, read in one statement."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def page_of(db: Session, query: Select, limit: int, offset: int) -> tuple[list, int]:
    """The page's objects (``query`` selects one entity, ordered) and the total: a window count beside each
    row, so a page costs one round trip; only a page past the end counts apart (no row carries the total)."""
    rows = db.execute(query.add_columns(func.count().over()).limit(limit).offset(offset)).all()
    if rows:
        return [row[0] for row in rows], rows[0][1]
    if not offset:
        return [], 0
    return [], db.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
