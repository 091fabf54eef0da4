"""Routes of capacities."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pairaid.service.capacities import service
from pairaid.service.capacities.schemas import CapacityRead, CapacitySet
from pairaid.service.common import RegionCode, Resource
from pairaid.service.deps import ReadDep, WriteDep

router = APIRouter(prefix="/capacities", tags=["capacities"])


@router.put("/{donor_code}/{resource}", response_model=CapacityRead)
def set_capacity(donor_code: RegionCode, resource: Resource, body: CapacitySet,
                 w: WriteDep) -> Any:
    """Set a donor's capacity (coordinator or that donor); a new version each time."""
    return w.run(lambda s: service.set_capacity(s, actor=w.actor, donor_code=donor_code,
                                                resource=resource, quantity=body.quantity,
                                                regions=w.regions),
                 body=body)


@router.get("", response_model=list[CapacityRead])
def list_capacities(r: ReadDep,
                    donor_code: RegionCode | None = None) -> Any:
    """Current capacities with what accepted pledges take."""
    return r.run(lambda s: service.list_capacities(s, donor_code=donor_code))


@router.get("/{donor_code}/{resource}/versions", response_model=list[CapacityRead])
def capacity_history(r: ReadDep, donor_code: RegionCode,
                     resource: Resource) -> Any:
    """Every version of a capacity, oldest first."""
    return r.run(lambda s: service.history(s, donor_code=donor_code, resource=resource))
