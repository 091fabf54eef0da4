"""Dependencies of the routes: the database, the current user, sessions, the write boundary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.orm import Session

from pairaid.service.db import Database
from pairaid.service.errors import NotAuthenticated
from pairaid.service.idempotency.service import fingerprint
from pairaid.service.regions import ServiceRegions
from pairaid.service.unit import run_write
from pairaid.service.users.service import Actor, authenticate


def get_db(request: Request) -> Database:
    """The application's database (built by the app factory)."""
    db: Database = request.app.state.db
    return db


def get_regions(request: Request) -> ServiceRegions:
    """The service's data set (loaded by the app factory)."""
    regions: ServiceRegions = request.app.state.regions
    return regions


DbDep = Annotated[Database, Depends(get_db)]
_bearer = HTTPBearer(auto_error=False, description="API token printed by `pairaid users add`")


def current_actor(request: Request, db: DbDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None,
                                         Depends(_bearer)]) -> Actor:
    """The user whose token the request carries.

    Raises
    ------
    NotAuthenticated
        No ``Authorization: Bearer`` header, or an unknown token.
    """
    if credentials is None:
        raise NotAuthenticated("send 'Authorization: Bearer TOKEN' (`pairaid users add` "
                               "prints a token)")
    with db.read() as session:
        actor = authenticate(session, token=credentials.credentials)
    if actor is None:
        raise NotAuthenticated("unknown API token")
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


T = TypeVar("T")


class Reader:
    """Runs one read request in a session opened and closed in the request's own thread.

    (A yield dependency would close its session in another worker thread after the
    response; under load every worker can then wait for a connection that only a free
    worker could give back.)
    """

    def __init__(self, db: Database, actor: Actor):
        self.db = db
        self.actor = actor

    def run(self, work: Callable[[Session], T]) -> T:
        """``work(session)`` in a read session."""
        with self.db.read() as session:
            return work(session)


def reader(db: DbDep, actor: CurrentActor) -> Reader:
    """The read boundary of a request (authenticated)."""
    return Reader(db, actor)


ReadDep = Annotated[Reader, Depends(reader)]


class Writer:
    """Runs one write request: its transaction, audit entries and idempotency key;
    ``regions`` is the service's data set, for the rules that check region codes."""

    def __init__(self, request: Request, db: Database, actor: Actor, key: str | None):
        self.request = request
        self.db = db
        self.actor = actor
        self.key = key
        self.regions = get_regions(request)

    def run(self, work: Callable[[Session], Any], *, body: BaseModel | None = None,
            status_code: int = 200) -> JSONResponse:
        """Run ``work(session)`` (see :func:`pairaid.service.unit.run_write`)."""
        print_ = None if body is None else body.model_dump(mode="json")
        fp = fingerprint(self.request.method, self.request.url.path, print_)
        outcome = run_write(self.db, actor=self.actor, work=work, status_code=status_code,
                            key=self.key, fingerprint=fp)
        headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
        return JSONResponse(outcome.body, status_code=outcome.status_code, headers=headers)


def writer(request: Request, db: DbDep, actor: CurrentActor,
           idempotency_key: Annotated[str | None, Header(
               max_length=200, description="Send a POST again with the same key: it is "
               "applied once and the first answer is repeated")] = None) -> Writer:
    """The write boundary of a request."""
    return Writer(request, db, actor, idempotency_key)


WriteDep = Annotated[Writer, Depends(writer)]
