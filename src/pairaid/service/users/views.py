"""Routes of users."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pairaid.service.deps import CurrentActor
from pairaid.service.users.schemas import UserRead

router = APIRouter(tags=["users"])


@router.get("/me", response_model=UserRead)
def me(actor: CurrentActor) -> Any:
    """The user whose token the request carries."""
    return UserRead(id=actor.id, name=actor.name, role=actor.role,
                    region_code=actor.region_code)
