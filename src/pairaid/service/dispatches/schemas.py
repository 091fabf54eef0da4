"""Dispatch and receipt schemas."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, model_validator

from pairaid.service.common import BodyId, Day, Quantity, Read, VersionInfo


class DispatchCreate(BaseModel):
    """``POST /dispatches``: send ``quantity`` [beds or persons] of an accepted pledge,
    leaving on ``depart`` and due on ``arrive`` (ISO dates)."""

    model_config = ConfigDict(extra="forbid")

    pledge_id: BodyId
    quantity: Quantity
    depart: Day
    arrive: Day

    @model_validator(mode="after")
    def _dates(self) -> DispatchCreate:
        if self.arrive < self.depart:
            raise ValueError(f"arrive {self.arrive} is before depart {self.depart}")
        return self


class ReceiptCreate(BaseModel):
    """``POST /dispatches/{id}/receipt``: ``quantity`` [beds or persons] received; may be
    part of the dispatch."""

    model_config = ConfigDict(extra="forbid")

    quantity: Quantity


class DispatchRead(VersionInfo):
    """A dispatch's current version."""

    id: int
    pledge_id: int
    donor_code: str
    recipient_code: str
    resource: str
    quantity: int
    received: int
    depart: date
    arrive: date


class ReceiptRead(Read):
    """A receipt and the dispatch it counts towards."""

    id: int
    quantity: int
    dispatch: DispatchRead
