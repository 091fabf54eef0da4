"""The ``audit_log`` table."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pairaid.service.db import Base


class AuditEntry(Base):
    """One audited action: who, when, what, before and after, chained by SHA-256.

    ``seq`` counts from 1 without gaps; ``hash`` is the SHA-256 of the entry's fields and
    ``prev_hash`` (the previous entry's ``hash``, 64 zeros for the first). Both are unique,
    so the chain cannot fork even when two writers race.
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None]
    user_name: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
