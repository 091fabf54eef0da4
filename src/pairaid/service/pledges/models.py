"""The ``pledges`` table (identity) and ``pledge_versions`` (append-only history)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pairaid.service.db import Base, utcnow
from pairaid.service.versions import VersionColumns

STATUSES = ("proposed", "accepted", "cancelled")
"""A pledge is proposed (by a donor or an imported plan), accepted by the coordinator, or
cancelled."""


class Pledge(Base):
    """A donor's pledge of one resource against one need."""

    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    donor_code: Mapped[str] = mapped_column(String(12), index=True)
    resource: Mapped[str] = mapped_column(String(20))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PledgeVersion(VersionColumns, Base):
    """A version of a pledge: ``quantity`` [beds or persons], ``status``, ``dispatched``.

    ``dispatched`` [same unit] is the sum of the pledge's dispatches; the database refuses a
    version whose ``dispatched`` exceeds ``quantity``.
    """

    __tablename__ = "pledge_versions"
    __table_args__ = (
        UniqueConstraint("pledge_id", "version"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("status IN ('proposed', 'accepted', 'cancelled')", name="status"),
        CheckConstraint("dispatched >= 0", name="dispatched_not_negative"),
        CheckConstraint("dispatched <= quantity", name="dispatched_within_pledge"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    quantity: Mapped[int]
    status: Mapped[str] = mapped_column(String(12))
    dispatched: Mapped[int] = mapped_column(default=0)
