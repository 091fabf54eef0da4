"""Finding and storing idempotency keys."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.orm import Session

from pairaid.service.errors import Conflict
from pairaid.service.idempotency.models import IdempotencyKey


def fingerprint(method: str, path: str, body: Any) -> str:
    """SHA-256 of a request's method, path and JSON body (canonical form)."""
    text = json.dumps([method, path, body], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def find(session: Session, *, user_id: int, key: str,
         fingerprint: str) -> tuple[int, Any] | None:
    """The stored answer ``(status_code, body)`` to a key, or ``None`` if the key is new.

    Raises
    ------
    Conflict
        The key was used before with a different request.
    """
    row = session.get(IdempotencyKey, (user_id, key))
    if row is None:
        return None
    if row.fingerprint != fingerprint:
        raise Conflict(f"Idempotency-Key {key!r} was used before with a different request; "
                       "use a new key for a new request")
    return row.status_code, json.loads(row.body)


def save(session: Session, *, user_id: int, key: str, fingerprint: str, status_code: int,
         body: Any) -> None:
    """Store the answer to a key (in the write's own transaction)."""
    session.add(IdempotencyKey(user_id=user_id, key=key, fingerprint=fingerprint,
                               status_code=status_code, body=json.dumps(body, default=str)))
