"""Audit schemas."""

from __future__ import annotations

from pydantic import BaseModel

from pairaid.service.common import Read


class AuditRead(Read):
    """One audit entry; ``before`` and ``after`` are JSON text of the record's versions."""

    seq: int
    at: str
    user_id: int | None
    user_name: str | None
    role: str | None
    action: str
    entity: str
    entity_id: str | None
    before: str | None
    after: str | None
    prev_hash: str
    hash: str


class VerificationRead(BaseModel):
    """Outcome of checking the chain."""

    ok: bool
    entries: int
    problems: list[str]
