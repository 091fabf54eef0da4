"""Pledge schemas: Create, Amend, Read."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from pairaid.service.common import Quantity, VersionInfo


class PledgeCreate(BaseModel):
    """``POST /pledges``: the donor pledges ``quantity`` [beds or persons] against a need;
    a pledge may cover part of the need."""

    model_config = ConfigDict(extra="forbid")

    need_id: int = Field(ge=1)
    quantity: Quantity


class PledgeAmend(BaseModel):
    """``POST /pledges/{id}/amendments``: a new quantity for a proposed pledge."""

    model_config = ConfigDict(extra="forbid")

    quantity: Quantity
    reason: str = Field(default="amended", max_length=200)


class PledgeRead(VersionInfo):
    """A pledge's current version."""

    id: int
    need_id: int
    donor_code: str
    recipient_code: str
    resource: str
    quantity: int
    status: str
    dispatched: int
    plan_id: int | None
