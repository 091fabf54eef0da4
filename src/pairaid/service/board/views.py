"""Route of the board."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from pairaid.service.board import service
from pairaid.service.board.schemas import BoardRow
from pairaid.service.common import RegionCode
from pairaid.service.deps import ReadDep

router = APIRouter(tags=["board"])


@router.get("/board", response_model=list[BoardRow])
def board(r: ReadDep,
          recipient_code: RegionCode | None = None) -> Any:
    """Per recipient and resource: needed, pledged, accepted, dispatched, received, open."""
    return r.run(lambda s: service.board(s, recipient_code=recipient_code))
