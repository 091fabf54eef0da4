"""Capacity schemas."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from pairaid.service.common import Amount, Read, VersionInfo


class CapacitySet(BaseModel):
    """``PUT /capacities/{donor_code}/{resource}``: the donor's capacity [beds or persons]."""

    model_config = ConfigDict(extra="forbid")

    quantity: Amount


class CapacityRead(VersionInfo):
    """A donor's capacity for a resource and how much of it accepted pledges take."""

    donor_code: str
    resource: str
    quantity: int
    accepted: int
    free: int


class CapacityHistory(Read):
    """Every version of a capacity, oldest first."""

    versions: list[CapacityRead]
