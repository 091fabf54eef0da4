"""Pledge schemas: Create, Amend, Read."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from pairaid.service.common import BodyId, Quantity, Text, VersionInfo


class PledgeCreate(BaseModel):
    """``POST /pledges``: the donor pledges ``quantity`` [beds or persons] against a need;
    a pledge may cover part of the need."""

    model_config = ConfigDict(extra="forbid")

    need_id: BodyId
    quantity: Quantity


class PledgeAmend(BaseModel):
    """``POST /pledges/{id}/amendments``: a new quantity for a proposed pledge."""

    model_config = ConfigDict(extra="forbid")

    quantity: Quantity
    reason: Text = "amended"


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
