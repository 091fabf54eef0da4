"""Settings of the service, validated when built (never read at import)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pairaid.service.regions import DEFAULT_DATASET, resolve

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
    escalation_yellow, escalation_red : float
        Dashboard escalation thresholds on a city's uncovered share (open / needed of its
        worst resource) [0..1]: yellow from the first, red from the second. A policy
        choice, not a published standard; ``PAIRAID_ESCALATION_YELLOW`` and
        ``PAIRAID_ESCALATION_RED`` set them.
    board_refresh_s : float
        How often an open board page refreshes itself [s].
    dataset : str
        The data set whose regions the service knows [default ``hubei-2020``]: a built-in
        name (``hubei-2020``, ``italy-2020``) or a data folder (``docs/data-format.md``;
        only ``regions.csv`` is needed), stored as an absolute path;
        ``PAIRAID_DATA`` or ``pairaid serve --data`` sets it
        (:func:`pairaid.service.regions.resolve`).
    """

    model_config = ConfigDict(frozen=True)

    db_url: str = DEFAULT_DB_URL
    pool_size: int = Field(default=10, ge=1, le=500)
    busy_timeout_s: float = Field(default=30.0, gt=0, le=600)
    escalation_yellow: float = Field(default=0.2, gt=0, le=1)
    escalation_red: float = Field(default=0.5, gt=0, le=1)
    board_refresh_s: float = Field(default=5.0, ge=0.2, le=3600)
    dataset: str = DEFAULT_DATASET

    @field_validator("db_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return normalise_db_url(value)

    @field_validator("dataset")
    @classmethod
    def _dataset(cls, value: str) -> str:
        return resolve(value)

    @model_validator(mode="after")
    def _thresholds(self) -> Settings:
        if self.escalation_red <= self.escalation_yellow:
            raise ValueError(f"escalation_red {self.escalation_red} must be above "
                             f"escalation_yellow {self.escalation_yellow}")
        return self

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``PAIRAID_DB_URL``, ``PAIRAID_DATA`` and ``PAIRAID_ESCALATION_*``
        (if set), then ``overrides`` (``None`` ignored)."""
        values: dict[str, object] = {}
        for name, var in (("db_url", "PAIRAID_DB_URL"), ("dataset", "PAIRAID_DATA"),
                          ("escalation_yellow", "PAIRAID_ESCALATION_YELLOW"),
                          ("escalation_red", "PAIRAID_ESCALATION_RED")):
            if os.environ.get(var):
                values[name] = os.environ[var]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite."""
        return self.db_url.startswith("sqlite")
