"""``dispatches`` (identity), ``dispatch_versions`` (history) and ``receipts``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pairaid.service.db import Base, utcnow
from pairaid.service.versions import VersionColumns


class Dispatch(Base):
    """A shipment (team or goods) of an accepted pledge, leaving ``depart``, due ``arrive``."""

    __tablename__ = "dispatches"
    __table_args__ = (CheckConstraint("depart <= arrive", name="depart_before_arrive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"), index=True)
    depart: Mapped[date]
    arrive: Mapped[date]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DispatchVersion(VersionColumns, Base):
    """A version of a dispatch: ``quantity`` sent and ``received`` [beds or persons].

    The database refuses a version whose ``received`` exceeds ``quantity``.
    """

    __tablename__ = "dispatch_versions"
    __table_args__ = (
        UniqueConstraint("dispatch_id", "version"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("received >= 0", name="received_not_negative"),
        CheckConstraint("received <= quantity", name="received_within_dispatch"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int] = mapped_column(ForeignKey("dispatches.id"), index=True)
    quantity: Mapped[int]
    received: Mapped[int] = mapped_column(default=0)


class Receipt(Base):
    """A (possibly partial) receipt of a dispatch by the recipient [beds or persons]."""

    __tablename__ = "receipts"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int] = mapped_column(ForeignKey("dispatches.id"), index=True)
    quantity: Mapped[int]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
