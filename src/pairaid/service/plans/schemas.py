"""Plan schemas: a run folder's pairs and flows as JSON."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from pairaid.service.common import Flow, RegionCode, Resource, Text
from pairaid.service.pledges.schemas import PledgeRead


class PairIn(BaseModel):
    """A row of a run folder's ``pairs.csv``."""

    model_config = ConfigDict(extra="ignore")

    donor_code: RegionCode
    recipient_code: RegionCode
    distance_km: float | None = Field(default=None, strict=True, ge=0, allow_inf_nan=False,
                                      description="[km]")


class FlowIn(BaseModel):
    """A row of a run folder's ``flows.csv``: ``quantity`` [persons or beds] sent."""

    model_config = ConfigDict(extra="ignore")

    donor_code: RegionCode
    recipient_code: RegionCode
    resource: Resource
    quantity: Flow


class PlanCreate(BaseModel):
    """``POST /plans``: a plan's name, pairs and flows (rows of ``pairs.csv`` and
    ``flows.csv`` of a ``pairaid plan`` run folder)."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1)
    pairs: list[PairIn] = Field(max_length=10_000)
    flows: list[FlowIn] = Field(max_length=100_000)


class SkippedFlow(BaseModel):
    """A flow that became no pledge, and why."""

    flow: FlowIn
    reason: str


class PlanRead(BaseModel):
    """An imported plan: the pledges proposed and the flows skipped."""

    id: int
    name: str
    pairs: list[PairIn]
    pledges: list[PledgeRead]
    skipped: list[SkippedFlow]
