"""The ``capacities`` table (identity) and ``capacity_versions`` (append-only history)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pairaid.service.db import Base, utcnow
from pairaid.service.versions import VersionColumns


class Capacity(Base):
    """One donor's capacity for one resource: the row locked before committing it."""

    __tablename__ = "capacities"
    __table_args__ = (UniqueConstraint("donor_code", "resource"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_code: Mapped[str] = mapped_column(String(12))
    resource: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CapacityVersion(VersionColumns, Base):
    """A version of a capacity: ``quantity`` [beds or persons] and ``accepted`` [same].

    ``accepted`` is the sum of accepted pledges of this donor and resource; the database
    refuses a version whose ``accepted`` exceeds ``quantity`` (never over-commit).
    """

    __tablename__ = "capacity_versions"
    __table_args__ = (
        UniqueConstraint("capacity_id", "version"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("accepted >= 0", name="accepted_not_negative"),
        CheckConstraint("accepted <= quantity", name="accepted_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    capacity_id: Mapped[int] = mapped_column(ForeignKey("capacities.id"), index=True)
    quantity: Mapped[int]
    accepted: Mapped[int] = mapped_column(default=0)
