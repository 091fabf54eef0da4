"""Append-only versions: nothing is edited in place or deleted.

Every changeable record (a donor's capacity, a need, a pledge, a dispatch) is an identity
row that never changes plus one row per version. A change appends version ``n + 1``; the
unique key ``(id, version)`` makes two concurrent changes of one record collide in the
database instead of one silently overwriting the other. The current state is the row with
the highest version.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ForeignKey, Select, String, and_, func, select
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column

from pairaid.service.db import utcnow


class VersionColumns:
    """Columns every version row has: number, who changed it, when and why."""

    version: Mapped[int]
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    change: Mapped[str] = mapped_column(String(200))


V = TypeVar("V", bound=VersionColumns)


def latest(session: Session, model: type[V], key: InstrumentedAttribute[int],
           value: int) -> V | None:
    """The current (highest) version of one record, or ``None``."""
    stmt = select(model).where(key == value).order_by(model.version.desc()).limit(1)  # type: ignore[attr-defined]
    return session.scalars(stmt).first()


def current(model: type[Any], key: InstrumentedAttribute[int]) -> Select[Any]:
    """``SELECT`` of the current version of every record of ``model``."""
    top = (select(key.label("k"), func.max(model.version).label("v"))
           .group_by(key).subquery())
    return select(model).join(top, and_(key == top.c.k, model.version == top.c.v))


def as_dict(row: Any) -> dict[str, Any]:
    """A row's columns as a JSON-ready dict (dates and times as ISO text)."""
    out: dict[str, Any] = {}
    for col in row.__table__.columns:
        value = getattr(row, col.key)
        out[col.key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out
