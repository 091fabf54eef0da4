"""Routes of dispatches and receipts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path

from pairaid.service.common import Id
from pairaid.service.deps import ReadDep, WriteDep
from pairaid.service.dispatches import service
from pairaid.service.dispatches.schemas import (
    DispatchCreate,
    DispatchRead,
    ReceiptCreate,
    ReceiptRead,
)

router = APIRouter(prefix="/dispatches", tags=["dispatches"])
DispatchId = Path(ge=1, le=2**31 - 1)


@router.post("", response_model=DispatchRead, status_code=201)
def create_dispatch(body: DispatchCreate, w: WriteDep) -> Any:
    """Dispatch part or all of an accepted pledge (its donor)."""
    return w.run(lambda s: service.create_dispatch(s, actor=w.actor, data=body), body=body,
                 status_code=201)


@router.post("/{dispatch_id}/receipt", response_model=ReceiptRead, status_code=201)
def receive(body: ReceiptCreate, w: WriteDep, dispatch_id: int = DispatchId) -> Any:
    """Record what arrived of a dispatch (the recipient); partial receipts allowed."""
    return w.run(lambda s: service.receive(s, actor=w.actor, dispatch_id=dispatch_id,
                                           data=body), body=body, status_code=201)


@router.get("", response_model=list[DispatchRead])
def list_dispatches(r: ReadDep,
                    pledge_id: Id | None = None) -> Any:
    """Current versions of every dispatch."""
    return r.run(lambda s: service.list_dispatches(s, pledge_id=pledge_id))


@router.get("/{dispatch_id}", response_model=DispatchRead)
def get_dispatch(r: ReadDep,
                 dispatch_id: int = DispatchId) -> Any:
    """A dispatch's current version."""
    return r.run(lambda s: service.get_dispatch(s, dispatch_id=dispatch_id))
