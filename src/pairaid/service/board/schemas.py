"""Board schemas."""

from __future__ import annotations

from pydantic import BaseModel


class BoardRow(BaseModel):
    """One recipient and resource; every figure in [beds or persons].

    ``pledged`` counts proposed and accepted pledges; ``open`` is ``needed - accepted``.
    """

    recipient_code: str
    resource: str
    needed: int
    pledged: int
    accepted: int
    dispatched: int
    received: int
    open: int


BOARD_COLUMNS = tuple(BoardRow.model_fields)
"""Columns of the board (also of ``board.csv`` written by ``pairaid export``)."""
