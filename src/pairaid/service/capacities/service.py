"""Rules of capacities: set a capacity (never below what is accepted), commit to it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pairaid.service.audit.service import stage
from pairaid.service.capacities.models import Capacity, CapacityVersion
from pairaid.service.capacities.schemas import CapacityRead
from pairaid.service.db import lock
from pairaid.service.errors import Conflict, NotFound
from pairaid.service.regions import ServiceRegions
from pairaid.service.users.service import Actor, require
from pairaid.service.versions import as_dict, current, latest


def read(capacity: Capacity, version: CapacityVersion) -> CapacityRead:
    """The Read schema of one version."""
    return CapacityRead(donor_code=capacity.donor_code, resource=capacity.resource,
                        quantity=version.quantity, accepted=version.accepted,
                        free=version.quantity - version.accepted, version=version.version,
                        changed_by=version.changed_by, changed_at=version.changed_at,
                        change=version.change)


def lock_capacity(session: Session, *, donor_code: str, resource: str
                  ) -> tuple[Capacity, CapacityVersion] | None:
    """Lock a donor's capacity row and return it with its current version (or ``None``)."""
    cap = session.scalars(lock(select(Capacity).where(
        Capacity.donor_code == donor_code, Capacity.resource == resource))).first()
    if cap is None:
        return None
    version = latest(session, CapacityVersion, CapacityVersion.capacity_id, cap.id)
    assert version is not None
    return cap, version


def set_capacity(session: Session, *, actor: Actor, donor_code: str, resource: str,
                 quantity: int, regions: ServiceRegions) -> CapacityRead:
    """Set a donor's capacity (a new version; the first call creates it).

    ``regions`` is the service's data set (:func:`pairaid.service.regions.load_regions`).

    Raises
    ------
    Forbidden
        Unless the actor is the coordinator or that donor.
    Invalid
        ``donor_code`` is not a donor region of the service's data set (the message
        names it).
    Conflict
        ``quantity`` is below what accepted pledges already take.
    """
    require(actor, ("coordinator", "donor"), region=donor_code,
            what=f"set the capacity of {donor_code}")
    regions.check(donor_code, "donor")
    found = lock_capacity(session, donor_code=donor_code, resource=resource)
    if found is None:
        cap = Capacity(donor_code=donor_code, resource=resource)
        session.add(cap)
        session.flush()
        before = None
        new = CapacityVersion(capacity_id=cap.id, version=1, quantity=quantity, accepted=0,
                              changed_by=actor.id, change="set")
    else:
        cap, old = found
        if quantity < old.accepted:
            raise Conflict(f"capacity of {donor_code} for {resource} cannot drop to "
                           f"{quantity}: accepted pledges already take {old.accepted}; "
                           "cancel pledges first")
        before = as_dict(old)
        new = CapacityVersion(capacity_id=cap.id, version=old.version + 1, quantity=quantity,
                              accepted=old.accepted, changed_by=actor.id, change="set")
    session.add(new)
    session.flush()
    stage(session, action="capacity.set", entity="capacities", entity_id=cap.id,
          before=before, after=as_dict(new))
    return read(cap, new)


def commit(session: Session, *, actor: Actor, donor_code: str, resource: str, delta: int,
           reason: str) -> CapacityVersion:
    """Change the accepted amount of a donor's capacity by ``delta`` (a new version).

    Raises
    ------
    Conflict
        The donor has no capacity for the resource, or it would be over-committed.
    """
    found = lock_capacity(session, donor_code=donor_code, resource=resource)
    if found is None:
        raise Conflict(f"{donor_code} has stated no capacity for {resource}; set it with "
                       f"PUT /api/v1/capacities/{donor_code}/{resource} first")
    cap, old = found
    if old.accepted + delta > old.quantity:
        raise Conflict(f"{donor_code} has {old.quantity - old.accepted} {resource} free "
                       f"(capacity {old.quantity}, accepted {old.accepted}); "
                       f"cannot commit {delta} more")
    new = CapacityVersion(capacity_id=cap.id, version=old.version + 1, quantity=old.quantity,
                          accepted=old.accepted + delta, changed_by=actor.id, change=reason)
    session.add(new)
    session.flush()
    stage(session, action="capacity.commit", entity="capacities", entity_id=cap.id,
          before=as_dict(old), after=as_dict(new))
    return new


def list_capacities(session: Session, *, donor_code: str | None = None) -> list[CapacityRead]:
    """Current capacities, by donor and resource."""
    stmt = current(CapacityVersion, CapacityVersion.capacity_id).add_columns(Capacity)\
        .join(Capacity, Capacity.id == CapacityVersion.capacity_id)\
        .order_by(Capacity.donor_code, Capacity.resource)
    if donor_code is not None:
        stmt = stmt.where(Capacity.donor_code == donor_code)
    return [read(cap, version) for version, cap in session.execute(stmt).all()]


def history(session: Session, *, donor_code: str, resource: str) -> list[CapacityRead]:
    """Every version of one capacity, oldest first.

    Raises
    ------
    NotFound
        The donor has no capacity for the resource.
    """
    cap = session.scalars(select(Capacity).where(Capacity.donor_code == donor_code,
                                                 Capacity.resource == resource)).first()
    if cap is None:
        raise NotFound(f"{donor_code} has stated no capacity for {resource}")
    versions = session.scalars(select(CapacityVersion).where(
        CapacityVersion.capacity_id == cap.id).order_by(CapacityVersion.version))
    return [read(cap, v) for v in versions]
