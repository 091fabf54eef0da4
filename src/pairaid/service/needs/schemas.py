"""Need schemas: Create, Amend, Read."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, model_validator

from pairaid.service.common import Amount, Day, Quantity, RegionCode, Resource, Text, VersionInfo


class NeedCreate(BaseModel):
    """``POST /needs``: a recipient's need of ``quantity`` [beds or persons] from ``start``
    to ``end`` (ISO dates, inclusive)."""

    model_config = ConfigDict(extra="forbid")

    region_code: RegionCode
    resource: Resource
    quantity: Quantity
    start: Day
    end: Day

    @model_validator(mode="after")
    def _dates(self) -> NeedCreate:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class NeedAmend(BaseModel):
    """``POST /needs/{id}/amendments``: the fields that change (others stay)."""

    model_config = ConfigDict(extra="forbid")

    quantity: Amount | None = None
    start: Day | None = None
    end: Day | None = None
    reason: Text = "amended"


class NeedRead(VersionInfo):
    """A need's current version: ``accepted`` and ``open`` (quantity minus accepted)."""

    id: int
    region_code: str
    resource: str
    quantity: int
    start: date
    end: date
    accepted: int
    open: int
