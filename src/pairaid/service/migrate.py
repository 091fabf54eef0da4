"""Applying the Alembic migrations shipped in :mod:`pairaid.service.migrations`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from pairaid.service.settings import normalise_db_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db_url: str) -> Config:
    """An Alembic configuration for ``db_url`` using the shipped migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_db_url(db_url).replace("%", "%%"))
    return config


def upgrade(db_url: str, revision: str = "head") -> None:
    """Migrate the database at ``db_url`` up to ``revision`` (creates a SQLite file)."""
    command.upgrade(alembic_config(db_url), revision)


def downgrade(db_url: str, revision: str) -> None:
    """Migrate the database at ``db_url`` down to ``revision``."""
    command.downgrade(alembic_config(db_url), revision)


def current_revision(db_url: str) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    engine = create_engine(normalise_db_url(db_url))
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest shipped revision."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head
