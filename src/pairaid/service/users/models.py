"""The ``users`` table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from pairaid.service.db import Base, utcnow

ROLES = ("coordinator", "donor", "recipient", "auditor")
"""Roles: the national coordinator, a donor province, a recipient city, a read-only auditor."""


class User(Base):
    """A person or office with one role and, for donors and recipients, one region.

    ``token_hash`` is the SHA-256 of the API token (the token itself is never stored).
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('coordinator', 'donor', 'recipient', 'auditor')",
                        name="role"),
        CheckConstraint("role IN ('coordinator', 'auditor') OR region_code IS NOT NULL",
                        name="region_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
