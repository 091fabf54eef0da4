"""The ``needs`` table (identity) and ``need_versions`` (append-only history)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pairaid.service.db import Base, utcnow
from pairaid.service.versions import VersionColumns


class Need(Base):
    """A recipient's need for one resource; what is needed lives in its versions."""

    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    resource: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NeedVersion(VersionColumns, Base):
    """A version of a need: ``quantity`` [beds or persons] from ``start`` to ``end``.

    ``accepted`` [same unit] is the sum of accepted pledges against the need; the database
    refuses a version whose ``accepted`` exceeds ``quantity``.
    """

    __tablename__ = "need_versions"
    __table_args__ = (
        UniqueConstraint("need_id", "version"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("accepted >= 0", name="accepted_not_negative"),
        CheckConstraint("accepted <= quantity", name="accepted_within_need"),
        CheckConstraint('start <= "end"', name="start_before_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    quantity: Mapped[int]
    start: Mapped[date]
    end: Mapped[date]
    accepted: Mapped[int] = mapped_column(default=0)
