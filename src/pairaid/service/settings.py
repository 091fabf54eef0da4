"""Settings of the service, validated when built (never read at import)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_DB_URL = "sqlite:///./pairaid.db"
"""The embedded default database: the file ``pairaid.db`` in the working folder."""


def normalise_db_url(url: str) -> str:
    """Return a SQLAlchemy URL for ``url``.

    ``postgresql://`` and ``postgres://`` become ``postgresql+psycopg://`` (psycopg 3); a
    plain file path becomes a ``sqlite:///`` URL; other URLs are returned unchanged.

    Raises
    ------
    ValueError
        If ``url`` is empty or names a database other than SQLite or PostgreSQL.
    """
    url = url.strip()
    if not url:
        raise ValueError("the database URL is empty")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    if "://" not in url:
        return f"sqlite:///{Path(url)}"
    if not url.startswith(("sqlite", "postgresql+psycopg://")):
        raise ValueError(f"database URL {url!r}: use sqlite:///FILE or "
                         "postgresql+psycopg://USER@HOST:PORT/DB")
    return url


class Settings(BaseModel):
    """Service settings.

    Parameters
    ----------
    db_url : str
        SQLAlchemy URL of the database [default ``sqlite:///./pairaid.db``]; see
        :func:`normalise_db_url`.
    pool_size : int
        Connections kept open per engine and server process, as many again on demand
        [connections]; PostgreSQL allows 100 clients by default in all.
    busy_timeout_s : float
        How long a SQLite writer waits for the write lock before giving up [s].
    """

    model_config = ConfigDict(frozen=True)

    db_url: str = DEFAULT_DB_URL
    pool_size: int = Field(default=10, ge=1, le=500)
    busy_timeout_s: float = Field(default=30.0, gt=0, le=600)

    @field_validator("db_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return normalise_db_url(value)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``PAIRAID_DB_URL`` (if set), then ``overrides`` (``None`` ignored)."""
        values: dict[str, object] = {}
        if os.environ.get("PAIRAID_DB_URL"):
            values["db_url"] = os.environ["PAIRAID_DB_URL"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite."""
        return self.db_url.startswith("sqlite")
