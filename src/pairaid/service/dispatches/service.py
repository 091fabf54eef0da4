"""Rules of dispatches: never more than the accepted pledge; receipts never more than sent.

Lock order: the pledge, then the dispatch.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pairaid.service.audit.service import stage
from pairaid.service.db import lock
from pairaid.service.dispatches.models import Dispatch, DispatchVersion, Receipt
from pairaid.service.dispatches.schemas import (
    DispatchCreate,
    DispatchRead,
    ReceiptCreate,
    ReceiptRead,
)
from pairaid.service.errors import Conflict, NotFound
from pairaid.service.needs.models import Need
from pairaid.service.pledges import service as pledges
from pairaid.service.pledges.models import Pledge
from pairaid.service.users.service import Actor, require
from pairaid.service.versions import as_dict, current, latest


def _read(session: Session, dispatch: Dispatch, version: DispatchVersion) -> DispatchRead:
    pledge = session.get(Pledge, dispatch.pledge_id)
    assert pledge is not None
    need = session.get(Need, pledge.need_id)
    assert need is not None
    return DispatchRead(id=dispatch.id, pledge_id=dispatch.pledge_id,
                        donor_code=pledge.donor_code, recipient_code=need.region_code,
                        resource=pledge.resource, quantity=version.quantity,
                        received=version.received, depart=dispatch.depart,
                        arrive=dispatch.arrive, version=version.version,
                        changed_by=version.changed_by, changed_at=version.changed_at,
                        change=version.change)


def create_dispatch(session: Session, *, actor: Actor, data: DispatchCreate) -> DispatchRead:
    """The pledging donor sends part or all of an accepted pledge.

    Raises
    ------
    NotFound, Forbidden
        No such pledge; the actor is not its donor.
    Conflict
        The pledge is not accepted, or less than ``quantity`` is left to dispatch.
    """
    pledge = pledges.add_dispatched(session, actor=actor, pledge_id=data.pledge_id,
                                    quantity=data.quantity, reason="dispatched")
    dispatch = Dispatch(pledge_id=pledge.id, depart=data.depart, arrive=data.arrive,
                        created_by=actor.id)
    session.add(dispatch)
    session.flush()
    version = DispatchVersion(dispatch_id=dispatch.id, version=1, quantity=data.quantity,
                              received=0, changed_by=actor.id, change="dispatched")
    session.add(version)
    session.flush()
    stage(session, action="dispatch.create", entity="dispatches", entity_id=dispatch.id,
          after={**as_dict(dispatch), **as_dict(version), "id": dispatch.id})
    return _read(session, dispatch, version)


def receive(session: Session, *, actor: Actor, dispatch_id: int,
            data: ReceiptCreate) -> ReceiptRead:
    """The recipient records what arrived of a dispatch (possibly part of it).

    Raises
    ------
    NotFound, Forbidden
        No such dispatch; the actor is not the recipient it was sent to.
    Conflict
        More would be received than was dispatched.
    """
    dispatch = session.scalars(lock(select(Dispatch).where(Dispatch.id == dispatch_id))).first()
    if dispatch is None:
        raise NotFound(f"dispatch {dispatch_id} does not exist")
    pledge = session.get(Pledge, dispatch.pledge_id)
    assert pledge is not None
    need = session.get(Need, pledge.need_id)
    assert need is not None
    require(actor, ("recipient",), region=need.region_code,
            what=f"record a receipt of dispatch {dispatch_id} to {need.region_code}")
    old = latest(session, DispatchVersion, DispatchVersion.dispatch_id, dispatch_id)
    assert old is not None
    if old.received + data.quantity > old.quantity:
        raise Conflict(f"dispatch {dispatch_id} sent {old.quantity} and {old.received} are "
                       f"received; cannot receive {data.quantity} more")
    new = DispatchVersion(dispatch_id=dispatch_id, version=old.version + 1,
                          quantity=old.quantity, received=old.received + data.quantity,
                          changed_by=actor.id, change="received")
    receipt = Receipt(dispatch_id=dispatch_id, quantity=data.quantity, created_by=actor.id)
    session.add_all([new, receipt])
    session.flush()
    stage(session, action="dispatch.receive", entity="dispatches", entity_id=dispatch_id,
          before=as_dict(old), after=as_dict(new))
    return ReceiptRead(id=receipt.id, quantity=receipt.quantity,
                       dispatch=_read(session, dispatch, new))


def get_dispatch(session: Session, *, dispatch_id: int) -> DispatchRead:
    """The current version of a dispatch (:class:`NotFound` if there is none)."""
    dispatch = session.get(Dispatch, dispatch_id)
    version = latest(session, DispatchVersion, DispatchVersion.dispatch_id, dispatch_id)
    if dispatch is None or version is None:
        raise NotFound(f"dispatch {dispatch_id} does not exist")
    return _read(session, dispatch, version)


def list_dispatches(session: Session, *, pledge_id: int | None = None) -> list[DispatchRead]:
    """Current versions of every dispatch, optionally of one pledge."""
    stmt = current(DispatchVersion, DispatchVersion.dispatch_id).add_columns(Dispatch)\
        .join(Dispatch, Dispatch.id == DispatchVersion.dispatch_id).order_by(Dispatch.id)
    if pledge_id is not None:
        stmt = stmt.where(Dispatch.pledge_id == pledge_id)
    return [_read(session, d, v) for v, d in session.execute(stmt).all()]
