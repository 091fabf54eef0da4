"""Route of the board."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pairaid.service.board import service
from pairaid.service.board.schemas import BoardRow
from pairaid.service.common import RegionCode
from pairaid.service.deps import CurrentActor, ReadSession

router = APIRouter(tags=["board"])


@router.get("/board", response_model=list[BoardRow])
def board(session: ReadSession, _: CurrentActor,
          recipient_code: RegionCode | None = None) -> Any:
    """Per recipient and resource: needed, pledged, accepted, dispatched, received, open."""
    return service.board(session, recipient_code=recipient_code)
