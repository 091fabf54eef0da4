"""Appending to and verifying the hash-chained audit log.

Service functions *stage* what they changed (:func:`stage`); the request boundary appends
the staged entries to the chain right before it commits (:func:`append_staged`), in the
same transaction, so the log holds exactly the writes that were committed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pairaid.service.audit.models import AuditEntry
from pairaid.service.db import lock_audit, utcnow

GENESIS = "0" * 64
"""``prev_hash`` of the first entry."""

_HASHED = ("seq", "at", "user_id", "user_name", "role", "action", "entity", "entity_id",
           "before", "after", "prev_hash")


@dataclass(frozen=True)
class Who:
    """The user an entry is about (``None`` fields for the system itself)."""

    user_id: int | None
    user_name: str | None
    role: str | None


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def entry_hash(fields: dict[str, Any]) -> str:
    """SHA-256 (hex) of an entry's fields and its ``prev_hash``, as canonical JSON."""
    payload = json.dumps([fields[k] for k in _HASHED], ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def stage(session: Session, *, action: str, entity: str, entity_id: Any,
          before: Any = None, after: Any = None) -> None:
    """Stage an entry for the chain; :func:`append_staged` writes it before the commit.

    Parameters
    ----------
    action : str
        What was done (``need.create``, ``pledge.accept``, ...).
    entity, entity_id :
        The table and key of the record concerned.
    before, after : JSON-ready values or None
        The record's current version before and after the change.
    """
    session.info.setdefault("audit", []).append(
        {"action": action, "entity": entity,
         "entity_id": None if entity_id is None else str(entity_id),
         "before": _json(before), "after": _json(after)})


def append(session: Session, *, who: Who, entries: Iterable[dict[str, Any]]) -> list[int]:
    """Append entries to the chain (locks the chain until the transaction ends).

    Returns
    -------
    list of int
        The ``seq`` of each appended entry.
    """
    entries = list(entries)
    if not entries:
        return []
    lock_audit(session)
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash)
                           .order_by(AuditEntry.seq.desc()).limit(1)).first()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    at = utcnow().isoformat()
    out = []
    for entry in entries:
        seq += 1
        fields = {"seq": seq, "at": at, "user_id": who.user_id, "user_name": who.user_name,
                  "role": who.role, **entry, "prev_hash": prev}
        fields["hash"] = prev = entry_hash(fields)
        session.add(AuditEntry(**fields))
        out.append(seq)
    session.flush()
    return out


def append_staged(session: Session, *, who: Who) -> None:
    """Append the entries staged in this session (see :func:`stage`), then forget them."""
    staged = session.info.pop("audit", [])
    append(session, who=who, entries=staged)


@dataclass(frozen=True)
class Verification:
    """Outcome of :func:`verify`: entries checked and the problems found (empty if valid)."""

    entries: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        """Whether the chain is intact."""
        return not self.problems


def verify(session: Session) -> Verification:
    """Recompute the chain from the first entry and report every broken link.

    A changed field breaks the entry's ``hash``; a removed or inserted entry breaks the
    numbering or the next entry's ``prev_hash``.
    """
    problems: list[str] = []
    prev = GENESIS
    expected = 1
    count = 0
    for row in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))\
            .yield_per(1000):
        count += 1
        fields = {k: getattr(row, k) for k in _HASHED}
        if row.seq != expected:
            problems.append(f"entry {row.seq}: expected entry {expected} (entries missing)")
        if row.prev_hash != prev:
            problems.append(f"entry {row.seq}: prev_hash does not match entry "
                            f"{row.seq - 1}'s hash (an entry was removed or changed)")
        if entry_hash(fields) != row.hash:
            problems.append(f"entry {row.seq}: contents do not match its hash (changed "
                            "after it was written)")
        prev = row.hash
        expected = row.seq + 1
    return Verification(count, problems)


def entries(session: Session, *, after_seq: int = 0, limit: int = 100) -> list[AuditEntry]:
    """Entries with ``seq > after_seq``, oldest first, at most ``limit``."""
    stmt = select(AuditEntry).where(AuditEntry.seq > after_seq).order_by(AuditEntry.seq)\
        .limit(limit)
    return list(session.scalars(stmt))
