"""Routes of pledges."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Path

from pairaid.service.common import Id, RegionCode
from pairaid.service.deps import ReadDep, WriteDep
from pairaid.service.pledges import service
from pairaid.service.pledges.schemas import PledgeAmend, PledgeCreate, PledgeRead

router = APIRouter(prefix="/pledges", tags=["pledges"])
PledgeId = Path(ge=1, le=2**31 - 1)


@router.post("", response_model=PledgeRead, status_code=201)
def create_pledge(body: PledgeCreate, w: WriteDep) -> Any:
    """Pledge part or all of a need (a donor, from its own capacity)."""
    return w.run(lambda s: service.create_pledge(s, actor=w.actor, data=body), body=body,
                 status_code=201)


@router.post("/{pledge_id}/amendments", response_model=PledgeRead, status_code=201)
def amend_pledge(body: PledgeAmend, w: WriteDep, pledge_id: int = PledgeId) -> Any:
    """Amend a proposed pledge (its donor or the coordinator): a new version."""
    return w.run(lambda s: service.amend_pledge(s, actor=w.actor, pledge_id=pledge_id,
                                                data=body), body=body, status_code=201)


@router.post("/{pledge_id}/accept", response_model=PledgeRead)
def accept_pledge(w: WriteDep, pledge_id: int = PledgeId) -> Any:
    """Accept a proposed pledge (coordinator); 409 if it would over-commit."""
    return w.run(lambda s: service.accept_pledge(s, actor=w.actor, pledge_id=pledge_id))


@router.post("/{pledge_id}/cancel", response_model=PledgeRead)
def cancel_pledge(w: WriteDep, pledge_id: int = PledgeId) -> Any:
    """Cancel a pledge not yet dispatched (coordinator or its donor)."""
    return w.run(lambda s: service.cancel_pledge(s, actor=w.actor, pledge_id=pledge_id))


@router.get("", response_model=list[PledgeRead])
def list_pledges(r: ReadDep, need_id: Id | None = None,
                 donor_code: RegionCode | None = None,
                 status: Literal["proposed", "accepted", "cancelled"] | None = None) -> Any:
    """Current versions of pledges."""
    return r.run(lambda s: service.list_pledges(s, need_id=need_id, donor_code=donor_code,
                                status=status))


@router.get("/{pledge_id}", response_model=PledgeRead)
def get_pledge(r: ReadDep, pledge_id: int = PledgeId) -> Any:
    """A pledge's current version."""
    return r.run(lambda s: service.get_pledge(s, pledge_id=pledge_id))


@router.get("/{pledge_id}/versions", response_model=list[PledgeRead])
def pledge_history(r: ReadDep, pledge_id: int = PledgeId) -> Any:
    """Every version of a pledge, oldest first."""
    return r.run(lambda s: service.history(s, pledge_id=pledge_id))
