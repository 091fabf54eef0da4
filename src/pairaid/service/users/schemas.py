"""User schemas."""

from __future__ import annotations

from pairaid.service.common import Read


class UserRead(Read):
    """A user (never its token)."""

    id: int
    name: str
    role: str
    region_code: str | None
