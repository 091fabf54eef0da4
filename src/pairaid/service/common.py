"""Pydantic types shared by the domains' schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

RegionCode = Annotated[str, Field(pattern=r"^(\d{6}|[A-Z]{2}-[A-Z0-9]{1,3})$",
                                  examples=["420900", "CN-GD"],
                                  description="GB/T 2260 or ISO 3166-2 code")]
Resource = Literal["beds", "icu_beds", "doctors", "nurses"]
"""The resources pairaid plans (as :data:`pairaid.schemas.RESOURCES`)."""
Quantity = Annotated[int, Field(gt=0, le=10_000_000, description="[beds or persons]")]
Id = Annotated[int, Field(ge=1, le=2**31 - 1, description="a record id")]
"""Ids are 32-bit positive integers (PostgreSQL ``integer``; SQLite refuses larger)."""
Text = Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")]
"""Free text up to 200 characters (no NUL: PostgreSQL text cannot hold it)."""
Amount = Annotated[int, Field(ge=0, le=10_000_000, description="[beds or persons]")]


class Read(BaseModel):
    """Base of the Read schemas (built from table rows)."""

    model_config = ConfigDict(from_attributes=True)


class VersionInfo(Read):
    """Who made a version, when and why."""

    version: int
    changed_by: int | None
    changed_at: datetime
    change: str


class Message(BaseModel):
    """An error answer: what went wrong, in words."""

    detail: str
