"""Route of plan import."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pairaid.service.deps import WriteDep
from pairaid.service.plans import service
from pairaid.service.plans.schemas import PlanCreate, PlanRead

router = APIRouter(prefix="/plans", tags=["plans"])


@router.post("", response_model=PlanRead, status_code=201)
def import_plan(body: PlanCreate, w: WriteDep) -> Any:
    """Import a run folder's pairs and flows as proposed pledges (coordinator)."""
    return w.run(lambda s: service.import_plan(s, actor=w.actor, data=body), body=body,
                 status_code=201)
