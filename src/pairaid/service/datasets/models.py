"""The ``datasets`` table: the data sets a database was used with (append-only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from pairaid.service.db import Base, utcnow


class DatasetRecord(Base):
    """One row each time the service starts on this database with another data set.

    ``name`` is the data set's name (``hubei-2020``, or a folder's name), ``source``
    ``built-in`` or the folder's absolute path; the newest row is the data set in use.
    """

    __tablename__ = "datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(2000))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
