"""Rules of pledges: propose, amend, accept (never over-commit), cancel.

Lock order (as everywhere): the donor's capacity, the need, then the pledge.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pairaid.service.audit.service import stage
from pairaid.service.capacities import service as capacities
from pairaid.service.db import lock
from pairaid.service.errors import Conflict, Invalid, NotFound
from pairaid.service.needs import service as needs
from pairaid.service.needs.models import Need
from pairaid.service.pledges.models import Pledge, PledgeVersion
from pairaid.service.pledges.schemas import PledgeAmend, PledgeCreate, PledgeRead
from pairaid.service.users.service import Actor, require
from pairaid.service.versions import as_dict, current, latest


def read(pledge: Pledge, version: PledgeVersion, recipient_code: str) -> PledgeRead:
    """The Read schema of one version."""
    return PledgeRead(id=pledge.id, need_id=pledge.need_id, donor_code=pledge.donor_code,
                      recipient_code=recipient_code, resource=pledge.resource,
                      quantity=version.quantity, status=version.status,
                      dispatched=version.dispatched, plan_id=pledge.plan_id,
                      version=version.version, changed_by=version.changed_by,
                      changed_at=version.changed_at, change=version.change)


def _recipient(session: Session, pledge: Pledge) -> str:
    need = session.get(Need, pledge.need_id)
    assert need is not None
    return need.region_code


def propose(session: Session, *, actor: Actor, need: Need, donor_code: str, quantity: int,
            plan_id: int | None = None, reason: str = "proposed") -> PledgeRead:
    """Add a proposed pledge (no checks of capacity; see :func:`create_pledge`)."""
    pledge = Pledge(need_id=need.id, donor_code=donor_code, resource=need.resource,
                    plan_id=plan_id, created_by=actor.id)
    session.add(pledge)
    session.flush()
    version = PledgeVersion(pledge_id=pledge.id, version=1, quantity=quantity,
                            status="proposed", dispatched=0, changed_by=actor.id,
                            change=reason)
    session.add(version)
    session.flush()
    stage(session, action="pledge.create", entity="pledges", entity_id=pledge.id,
          after=as_dict(version))
    return read(pledge, version, need.region_code)


def create_pledge(session: Session, *, actor: Actor, data: PledgeCreate) -> PledgeRead:
    """A donor pledges part or all of a need from its own capacity.

    Raises
    ------
    Forbidden
        Unless the actor is a donor.
    NotFound
        No such need.
    Conflict
        The donor has no capacity for the need's resource, or less free than pledged, or
        the need has less open than pledged.
    """
    require(actor, ("donor",), what="pledge")
    assert actor.region_code is not None
    need = session.get(Need, data.need_id)
    if need is None:
        raise NotFound(f"need {data.need_id} does not exist")
    found = capacities.lock_capacity(session, donor_code=actor.region_code,
                                     resource=need.resource)
    if found is None:
        raise Conflict(f"{actor.region_code} has stated no capacity for {need.resource}; "
                       f"set it with PUT /api/v1/capacities/{actor.region_code}/"
                       f"{need.resource} first")
    _, cap = found
    if data.quantity > cap.quantity - cap.accepted:
        raise Conflict(f"{actor.region_code} has {cap.quantity - cap.accepted} "
                       f"{need.resource} free (capacity {cap.quantity}, accepted "
                       f"{cap.accepted}); cannot pledge {data.quantity}")
    _, version = needs.lock_need(session, need_id=need.id)
    if data.quantity > version.quantity - version.accepted:
        raise Conflict(f"need {need.id} has {version.quantity - version.accepted} open; "
                       f"cannot pledge {data.quantity}")
    return propose(session, actor=actor, need=need, donor_code=actor.region_code,
                   quantity=data.quantity)


def _pledge(session: Session, pledge_id: int) -> Pledge:
    pledge = session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound(f"pledge {pledge_id} does not exist")
    return pledge


def lock_pledge(session: Session, *, pledge_id: int) -> tuple[Pledge, PledgeVersion]:
    """Lock a pledge and return it with its current version.

    Raises
    ------
    NotFound
        No such pledge.
    """
    pledge = session.scalars(lock(select(Pledge).where(Pledge.id == pledge_id))).first()
    if pledge is None:
        raise NotFound(f"pledge {pledge_id} does not exist")
    version = latest(session, PledgeVersion, PledgeVersion.pledge_id, pledge_id)
    assert version is not None
    return pledge, version


def _append(session: Session, *, actor: Actor, pledge: Pledge, old: PledgeVersion,
            action: str, reason: str, **changes: object) -> PledgeRead:
    values = {"quantity": old.quantity, "status": old.status, "dispatched": old.dispatched}
    values.update(changes)
    new = PledgeVersion(pledge_id=pledge.id, version=old.version + 1, changed_by=actor.id,
                        change=reason, **values)
    session.add(new)
    session.flush()
    stage(session, action=action, entity="pledges", entity_id=pledge.id,
          before=as_dict(old), after=as_dict(new))
    return read(pledge, new, _recipient(session, pledge))


def amend_pledge(session: Session, *, actor: Actor, pledge_id: int,
                 data: PledgeAmend) -> PledgeRead:
    """Amend a proposed pledge's quantity (a new version).

    Raises
    ------
    Forbidden
        Unless the actor is the pledging donor or the coordinator.
    Conflict
        The pledge is no longer proposed.
    Invalid
        The quantity is the current one (nothing to amend; no version is written).
    """
    pledge, old = lock_pledge(session, pledge_id=pledge_id)
    require(actor, ("donor", "coordinator"), region=pledge.donor_code,
            what=f"amend pledge {pledge_id} of {pledge.donor_code}")
    if old.status != "proposed":
        raise Conflict(f"pledge {pledge_id} is {old.status}; only a proposed pledge can be "
                       "amended (cancel it and pledge again)")
    if data.quantity == old.quantity:
        raise Invalid(f"nothing to amend: pledge {pledge_id} already has quantity "
                      f"{old.quantity}; give a new quantity")
    return _append(session, actor=actor, pledge=pledge, old=old, action="pledge.amend",
                   reason=data.reason, quantity=data.quantity)


def accept_pledge(session: Session, *, actor: Actor, pledge_id: int) -> PledgeRead:
    """Accept a proposed pledge: commit the donor's capacity and fill the need.

    Raises
    ------
    Forbidden
        Unless the actor is the coordinator.
    Conflict
        The pledge is not proposed, or accepting it would exceed the donor's capacity or
        the need's quantity.
    """
    require(actor, ("coordinator",), what="accept a pledge")
    pledge = _pledge(session, pledge_id)
    now = latest(session, PledgeVersion, PledgeVersion.pledge_id, pledge_id)
    assert now is not None
    if now.status != "proposed":
        raise Conflict(f"pledge {pledge_id} is {now.status}; only a proposed pledge can be "
                       "accepted")
    reason = f"pledge {pledge_id} accepted"
    capacities.commit(session, actor=actor, donor_code=pledge.donor_code,
                      resource=pledge.resource, delta=now.quantity, reason=reason)
    needs.commit(session, actor=actor, need_id=pledge.need_id, delta=now.quantity,
                 reason=reason)
    pledge, old = lock_pledge(session, pledge_id=pledge_id)
    if old.status != "proposed" or old.quantity != now.quantity:
        raise Conflict(f"pledge {pledge_id} was changed by another request ({old.status}, "
                       f"{old.quantity}); read it again")
    return _append(session, actor=actor, pledge=pledge, old=old, action="pledge.accept",
                   reason="accepted", status="accepted")


def cancel_pledge(session: Session, *, actor: Actor, pledge_id: int) -> PledgeRead:
    """Cancel a proposed or accepted (not yet dispatched) pledge; an accepted one frees the
    donor's capacity and reopens the need.

    Raises
    ------
    Forbidden
        Unless the actor is the coordinator or the pledging donor.
    Conflict
        The pledge is cancelled already, or part of it has been dispatched.
    """
    pledge = _pledge(session, pledge_id)
    require(actor, ("coordinator", "donor"), region=pledge.donor_code,
            what=f"cancel pledge {pledge_id} of {pledge.donor_code}")
    now = latest(session, PledgeVersion, PledgeVersion.pledge_id, pledge_id)
    assert now is not None
    if now.status == "cancelled":
        raise Conflict(f"pledge {pledge_id} is cancelled already")
    if now.dispatched > 0:
        raise Conflict(f"pledge {pledge_id} has {now.dispatched} dispatched; a dispatched "
                       "pledge cannot be cancelled")
    if now.status == "accepted":
        reason = f"pledge {pledge_id} cancelled"
        capacities.commit(session, actor=actor, donor_code=pledge.donor_code,
                          resource=pledge.resource, delta=-now.quantity, reason=reason)
        needs.commit(session, actor=actor, need_id=pledge.need_id, delta=-now.quantity,
                     reason=reason)
    pledge, old = lock_pledge(session, pledge_id=pledge_id)
    if (old.status, old.quantity, old.dispatched) != (now.status, now.quantity,
                                                       now.dispatched):
        raise Conflict(f"pledge {pledge_id} was changed by another request; read it again")
    return _append(session, actor=actor, pledge=pledge, old=old, action="pledge.cancel",
                   reason="cancelled", status="cancelled")


def add_dispatched(session: Session, *, actor: Actor, pledge_id: int, quantity: int,
                   reason: str) -> Pledge:
    """Count ``quantity`` more of an accepted pledge as dispatched (a new version).

    Raises
    ------
    Forbidden, Conflict
        The actor is not the pledging donor; the pledge is not accepted or has less left
        to dispatch than ``quantity``.
    """
    pledge, old = lock_pledge(session, pledge_id=pledge_id)
    require(actor, ("donor",), region=pledge.donor_code,
            what=f"dispatch pledge {pledge_id} of {pledge.donor_code}")
    if old.status != "accepted":
        raise Conflict(f"pledge {pledge_id} is {old.status}; only an accepted pledge can be "
                       "dispatched")
    if old.dispatched + quantity > old.quantity:
        raise Conflict(f"pledge {pledge_id} has {old.quantity - old.dispatched} left to "
                       f"dispatch (accepted {old.quantity}, dispatched {old.dispatched}); "
                       f"cannot dispatch {quantity}")
    _append(session, actor=actor, pledge=pledge, old=old, action="pledge.dispatch",
            reason=reason, dispatched=old.dispatched + quantity)
    return pledge


def get_pledge(session: Session, *, pledge_id: int) -> PledgeRead:
    """The current version of a pledge (:class:`NotFound` if there is none)."""
    pledge = _pledge(session, pledge_id)
    version = latest(session, PledgeVersion, PledgeVersion.pledge_id, pledge_id)
    assert version is not None
    return read(pledge, version, _recipient(session, pledge))


def list_pledges(session: Session, *, need_id: int | None = None,
                 donor_code: str | None = None, status: str | None = None
                 ) -> list[PledgeRead]:
    """Current versions of pledges, optionally filtered."""
    stmt = current(PledgeVersion, PledgeVersion.pledge_id).add_columns(Pledge, Need.region_code)\
        .join(Pledge, Pledge.id == PledgeVersion.pledge_id)\
        .join(Need, Need.id == Pledge.need_id).order_by(Pledge.id)
    if need_id is not None:
        stmt = stmt.where(Pledge.need_id == need_id)
    if donor_code is not None:
        stmt = stmt.where(Pledge.donor_code == donor_code)
    if status is not None:
        stmt = stmt.where(PledgeVersion.status == status)
    return [read(p, v, rc) for v, p, rc in session.execute(stmt).all()]


def history(session: Session, *, pledge_id: int) -> list[PledgeRead]:
    """Every version of a pledge, oldest first (:class:`NotFound` if there is none)."""
    pledge = _pledge(session, pledge_id)
    rc = _recipient(session, pledge)
    versions = session.scalars(select(PledgeVersion).where(
        PledgeVersion.pledge_id == pledge_id).order_by(PledgeVersion.version))
    return [read(pledge, v, rc) for v in versions]

