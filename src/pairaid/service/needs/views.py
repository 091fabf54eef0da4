"""Routes of needs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path

from pairaid.service.common import RegionCode, Resource
from pairaid.service.deps import ReadDep, WriteDep
from pairaid.service.needs import service
from pairaid.service.needs.schemas import NeedAmend, NeedCreate, NeedRead

router = APIRouter(prefix="/needs", tags=["needs"])
NeedId = Path(ge=1, le=2**31 - 1)


@router.post("", response_model=NeedRead, status_code=201)
def create_need(body: NeedCreate, w: WriteDep) -> Any:
    """State a need (the recipient of ``region_code``)."""
    return w.run(lambda s: service.create_need(s, actor=w.actor, data=body,
                                               regions=w.regions),
                 body=body, status_code=201)


@router.post("/{need_id}/amendments", response_model=NeedRead, status_code=201)
def amend_need(body: NeedAmend, w: WriteDep, need_id: int = NeedId) -> Any:
    """Amend a need (its recipient): a new version, the old one kept."""
    return w.run(lambda s: service.amend_need(s, actor=w.actor, need_id=need_id, data=body),
                 body=body, status_code=201)


@router.get("", response_model=list[NeedRead])
def list_needs(r: ReadDep, region_code: RegionCode | None = None,
               resource: Resource | None = None) -> Any:
    """Current versions of every need."""
    return r.run(lambda s: service.list_needs(s, region_code=region_code, resource=resource))


@router.get("/{need_id}", response_model=NeedRead)
def get_need(r: ReadDep, need_id: int = NeedId) -> Any:
    """A need's current version."""
    return r.run(lambda s: service.get_need(s, need_id=need_id))


@router.get("/{need_id}/versions", response_model=list[NeedRead])
def need_history(r: ReadDep, need_id: int = NeedId) -> Any:
    """Every version of a need, oldest first."""
    return r.run(lambda s: service.history(s, need_id=need_id))
