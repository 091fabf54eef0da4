"""Pydantic types shared by the domains' schemas."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

RegionCode = Annotated[str, Field(pattern=r"^(\d{6}|[A-Z]{2}-[A-Z0-9]{1,3})$",
                                  examples=["420900", "CN-GD"],
                                  description="GB/T 2260 or ISO 3166-2 code")]
Resource = Literal["beds", "icu_beds", "doctors", "nurses"]
"""The resources pairaid plans (as :data:`pairaid.schemas.RESOURCES`)."""
Quantity = Annotated[int, Field(strict=True, gt=0, le=10_000_000,
                                description="[beds or persons]")]
"""A whole number above 0, strictly a JSON integer: ``true``, ``"300"`` and ``3.0`` are
refused, not read as numbers."""
Id = Annotated[int, Field(ge=1, le=2**31 - 1, description="a record id")]
"""Ids are 32-bit positive integers (PostgreSQL ``integer``; SQLite refuses larger)."""
Text = Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")]
"""Free text up to 200 characters (no NUL: PostgreSQL text cannot hold it)."""
Amount = Annotated[int, Field(strict=True, ge=0, le=10_000_000,
                              description="[beds or persons]")]
"""A whole number of 0 or more, strictly a JSON integer (as :data:`Quantity`)."""
BodyId = Annotated[int, Field(strict=True, ge=1, le=2**31 - 1, description="a record id")]
"""A record id in a request body, strictly a JSON integer (query parameters use
:data:`Id`, which reads the text of the URL)."""
Flow = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=1e7,
                              description="[beds or persons]")]
"""A finite number of 0 or more (a flow of ``flows.csv`` may be fractional); ``NaN``,
``Infinity`` and numbers beyond the float range (``1e400``) are refused."""

FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2099, 12, 31)
"""The window of dates the service accepts (a policy choice, documented in docs/service.md:
pairaid's data sets start in 2020; a date outside 2000-2099 is a typo, not a plan)."""
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """Accept a date or the text ``YYYY-MM-DD`` only (no Unix times, no date-times)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("a date must be written YYYY-MM-DD")
    return date.fromisoformat(value)


def _in_window(value: date) -> date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(f"date {value} is outside the accepted window {FIRST_DATE} to "
                         f"{LAST_DATE}")
    return value


Day = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_in_window)]
"""An ISO date ``YYYY-MM-DD`` from :data:`FIRST_DATE` to :data:`LAST_DATE`."""


def safe_repr(value: Any, limit: int = 60) -> str:
    """A short text of ``value`` for an error message (never fails)."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - an error message must never fail
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit] + "..."


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float replaced by its text (``"nan"``, ``"inf"``)
    and every object JSON cannot hold by its :func:`safe_repr`, so that ``json.dumps``
    cannot fail on it (validation errors echo the caller's input)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return safe_repr(value)


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
