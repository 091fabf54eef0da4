"""The request boundary of a write: one transaction, audit, idempotency, commit.

Service functions change the session and stage audit entries; :func:`run_write` appends the
audit entries, stores the idempotency key and commits once. A database constraint that
refuses the write (a race lost to another request) becomes a 409 with a clear message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.encoders import jsonable_encoder
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from pairaid.service.audit import service as audit
from pairaid.service.db import Database
from pairaid.service.errors import Conflict
from pairaid.service.idempotency import service as idem
from pairaid.service.users.service import Actor

_CONSTRAINTS = {
    "accepted_within_capacity": "it would commit more than the donor's capacity",
    "accepted_within_need": "it would accept more than the need's quantity",
    "dispatched_within_pledge": "it would dispatch more than the accepted pledge",
    "received_within_dispatch": "it would receive more than was dispatched",
    "uq_capacity_versions": "the capacity was changed by another request at the same time",
    "uq_need_versions": "the need was changed by another request at the same time",
    "uq_pledge_versions": "the pledge was changed by another request at the same time",
    "uq_dispatch_versions": "the dispatch was changed by another request at the same time",
    "audit_log": "another request was written at the same time",
}


def conflict_message(err: Exception) -> str:
    """A 409 message for a write the database refused (names the rule, asks to retry)."""
    text = str(getattr(err, "orig", err))
    for name, meaning in _CONSTRAINTS.items():
        if name in text:
            return f"refused by the database: {meaning}; read the current state and retry"
    return ("refused by the database (a concurrent change); read the current state and "
            "retry")


class Outcome:
    """A write's answer: ``body`` (JSON-ready) and ``status_code``; ``replayed`` when it
    is the stored answer to a repeated Idempotency-Key."""

    def __init__(self, body: Any, status_code: int, replayed: bool = False):
        self.body = body
        self.status_code = status_code
        self.replayed = replayed


def run_write(db: Database, *, actor: Actor, work: Callable[[Session], Any],
              status_code: int, key: str | None = None,
              fingerprint: str | None = None) -> Outcome:
    """Run ``work(session)`` in one transaction and commit it with its audit entries.

    Parameters
    ----------
    db : Database
        Where to write.
    actor : Actor
        Who writes (recorded in the audit log, owner of the idempotency key).
    work : callable
        Takes the session, changes it (no commit), returns the answer (a pydantic model
        or JSON-ready value).
    status_code : int
        HTTP status of a successful answer.
    key, fingerprint : str or None
        The request's ``Idempotency-Key`` and :func:`idempotency.service.fingerprint`.

    Raises
    ------
    ServiceError
        Whatever ``work`` raised (the transaction is rolled back); :class:`Conflict` when
        the database refused the commit.
    """
    if key is not None:
        assert fingerprint is not None
        with db.read() as session:
            stored = idem.find(session, user_id=actor.id, key=key, fingerprint=fingerprint)
        if stored is not None:
            return Outcome(stored[1], stored[0], replayed=True)
    try:
        with db.write() as session:
            body = jsonable_encoder(work(session))
            audit.append_staged(session, who=audit.Who(actor.id, actor.name, actor.role))
            if key is not None:
                assert fingerprint is not None
                idem.save(session, user_id=actor.id, key=key, fingerprint=fingerprint,
                          status_code=status_code, body=body)
            session.commit()
    except IntegrityError as err:
        if key is not None:
            with db.read() as session:
                stored = idem.find(session, user_id=actor.id, key=key,
                                   fingerprint=fingerprint or "")
            if stored is not None:
                return Outcome(stored[1], stored[0], replayed=True)
        raise Conflict(conflict_message(err)) from None
    except OperationalError as err:
        if "locked" in str(err.orig) or "deadlock" in str(err.orig):
            raise Conflict("the database was busy with other writes; retry") from None
        raise
    return Outcome(body, status_code)


def log_forbidden(db: Database, *, actor: Actor, method: str, path: str,
                  message: str) -> None:
    """Write a refused request to the audit log, in a transaction of its own."""
    with db.write() as session:
        audit.append(session, who=audit.Who(actor.id, actor.name, actor.role),
                     entries=[{"action": "forbidden", "entity": "request",
                               "entity_id": f"{method} {path}"[:60], "before": None,
                               "after": audit._json({"reason": message})}])
        session.commit()
