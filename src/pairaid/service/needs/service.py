"""Rules of needs: a recipient states and amends its own; accepted pledges fill them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pairaid.service.audit.service import stage
from pairaid.service.db import lock
from pairaid.service.errors import Conflict, Invalid, NotFound
from pairaid.service.needs.models import Need, NeedVersion
from pairaid.service.needs.schemas import NeedAmend, NeedCreate, NeedRead
from pairaid.service.regions import ServiceRegions
from pairaid.service.users.service import Actor, require
from pairaid.service.versions import as_dict, current, latest


def read(need: Need, version: NeedVersion) -> NeedRead:
    """The Read schema of one version."""
    return NeedRead(id=need.id, region_code=need.region_code, resource=need.resource,
                    quantity=version.quantity, start=version.start, end=version.end,
                    accepted=version.accepted, open=version.quantity - version.accepted,
                    version=version.version, changed_by=version.changed_by,
                    changed_at=version.changed_at, change=version.change)


def create_need(session: Session, *, actor: Actor, data: NeedCreate,
                regions: ServiceRegions) -> NeedRead:
    """State a need (recipients, for their own region).

    ``regions`` is the service's data set (:func:`pairaid.service.regions.load_regions`).

    Raises
    ------
    Invalid
        ``data.region_code`` is not a recipient region of the data set (checked first: the
        message names the data set, whoever asks).
    Forbidden
        Unless the actor is the recipient of ``data.region_code``.
    """
    regions.check(data.region_code, "recipient")
    require(actor, ("recipient",), region=data.region_code,
            what=f"state a need of {data.region_code}")
    need = Need(region_code=data.region_code, resource=data.resource, created_by=actor.id)
    session.add(need)
    session.flush()
    version = NeedVersion(need_id=need.id, version=1, quantity=data.quantity,
                          start=data.start, end=data.end, accepted=0, changed_by=actor.id,
                          change="stated")
    session.add(version)
    session.flush()
    stage(session, action="need.create", entity="needs", entity_id=need.id,
          after=as_dict(version))
    return read(need, version)


def lock_need(session: Session, *, need_id: int) -> tuple[Need, NeedVersion]:
    """Lock a need and return it with its current version.

    Raises
    ------
    NotFound
        No such need.
    """
    need = session.scalars(lock(select(Need).where(Need.id == need_id))).first()
    if need is None:
        raise NotFound(f"need {need_id} does not exist")
    version = latest(session, NeedVersion, NeedVersion.need_id, need_id)
    assert version is not None
    return need, version


def amend_need(session: Session, *, actor: Actor, need_id: int, data: NeedAmend) -> NeedRead:
    """Amend a need: a new version; the old one stays visible.

    Raises
    ------
    NotFound, Forbidden
        No such need; the actor is not its recipient.
    Conflict
        The new quantity is below what is already accepted.
    Invalid
        The new end is before the new start, or nothing changes (an empty amendment or the
        current values: no version is written, docs/service.md "Amendments, not edits").
    """
    need, old = lock_need(session, need_id=need_id)
    require(actor, ("recipient",), region=need.region_code,
            what=f"amend need {need_id} of {need.region_code}")
    quantity = old.quantity if data.quantity is None else data.quantity
    start = data.start or old.start
    end = data.end or old.end
    if end < start:
        raise Invalid(f"end {end} is before start {start}")
    if (quantity, start, end) == (old.quantity, old.start, old.end):
        raise Invalid(f"nothing to amend: need {need_id} already has quantity {quantity}, "
                      f"start {start}, end {end}; give a new quantity, start or end")
    if quantity < old.accepted:
        raise Conflict(f"need {need_id} cannot drop to {quantity}: {old.accepted} are "
                       "already accepted; cancel pledges first")
    new = NeedVersion(need_id=need_id, version=old.version + 1, quantity=quantity,
                      start=start, end=end, accepted=old.accepted, changed_by=actor.id,
                      change=data.reason)
    session.add(new)
    session.flush()
    stage(session, action="need.amend", entity="needs", entity_id=need_id,
          before=as_dict(old), after=as_dict(new))
    return read(need, new)


def commit(session: Session, *, actor: Actor, need_id: int, delta: int,
           reason: str) -> NeedVersion:
    """Change the accepted amount of a need by ``delta`` (a new version).

    Raises
    ------
    Conflict
        The need would be over-filled.
    """
    need, old = lock_need(session, need_id=need_id)
    if old.accepted + delta > old.quantity:
        raise Conflict(f"need {need_id} ({need.region_code}, {need.resource}) has "
                       f"{old.quantity - old.accepted} open (quantity {old.quantity}, "
                       f"accepted {old.accepted}); cannot accept {delta} more")
    new = NeedVersion(need_id=need_id, version=old.version + 1, quantity=old.quantity,
                      start=old.start, end=old.end, accepted=old.accepted + delta,
                      changed_by=actor.id, change=reason)
    session.add(new)
    session.flush()
    stage(session, action="need.commit", entity="needs", entity_id=need_id,
          before=as_dict(old), after=as_dict(new))
    return new


def get_need(session: Session, *, need_id: int) -> NeedRead:
    """The current version of a need.

    Raises
    ------
    NotFound
        No such need.
    """
    need = session.get(Need, need_id)
    version = latest(session, NeedVersion, NeedVersion.need_id, need_id)
    if need is None or version is None:
        raise NotFound(f"need {need_id} does not exist")
    return read(need, version)


def list_needs(session: Session, *, region_code: str | None = None,
               resource: str | None = None) -> list[NeedRead]:
    """Current versions of every need, optionally of one region and resource."""
    stmt = current(NeedVersion, NeedVersion.need_id).add_columns(Need)\
        .join(Need, Need.id == NeedVersion.need_id).order_by(Need.id)
    if region_code is not None:
        stmt = stmt.where(Need.region_code == region_code)
    if resource is not None:
        stmt = stmt.where(Need.resource == resource)
    return [read(need, version) for version, need in session.execute(stmt).all()]


def history(session: Session, *, need_id: int) -> list[NeedRead]:
    """Every version of a need, oldest first.

    Raises
    ------
    NotFound
        No such need.
    """
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound(f"need {need_id} does not exist")
    versions = session.scalars(select(NeedVersion).where(NeedVersion.need_id == need_id)
                               .order_by(NeedVersion.version))
    return [read(need, v) for v in versions]
