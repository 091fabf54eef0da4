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


def safe_upgrade(db_url: str, revision: str = "head") -> None:
    """:func:`upgrade`, with its failures said in one sentence.

    Raises
    ------
    pairaid.errors.ConfigError
        ``revision`` is not a shipped revision, the SQLite file's folder does not exist,
        or the database cannot be reached or written; the message names the revision, the
        path or the URL (password hidden).
    """
    from alembic.script.revision import RevisionError
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from pairaid.errors import ConfigError

    shown = shown_url(db_url)
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    try:
        script.get_revisions(revision)
    except Exception:  # noqa: BLE001 - alembic raises several kinds for a bad revision
        known = ", ".join(s.revision for s in script.walk_revisions())
        raise ConfigError(f"--revision {revision}: no such revision (shipped: {known}, "
                          "or head)") from None
    check_folder(db_url)
    try:
        upgrade(db_url, revision)
    except SQLAlchemyError as err:
        raise unreachable(db_url, err) from None
    except (CommandError, RevisionError) as err:
        raise ConfigError(f"database {shown}, revision {revision}: {err}") from None


def shown_url(db_url: str) -> str:
    """``db_url`` as SQLAlchemy reads it, password hidden (for messages)."""
    from sqlalchemy.engine import make_url

    return make_url(normalise_db_url(db_url)).render_as_string(hide_password=True)


def check_folder(db_url: str) -> None:
    """Refuse a SQLite file whose folder does not exist.

    Raises
    ------
    pairaid.errors.ConfigError
        Naming the URL and the folder.
    """
    from sqlalchemy.engine import make_url

    from pairaid.errors import ConfigError

    url = make_url(normalise_db_url(db_url))
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        folder = Path(url.database).parent
        if not folder.is_dir():
            raise ConfigError(f"database {shown_url(db_url)}: folder {folder} does not "
                              "exist (create it, or give another path)")


def unreachable(db_url: str, err: Exception) -> Exception:
    """A :class:`pairaid.errors.ConfigError` saying in one line that the database at
    ``db_url`` cannot be reached or written, and the driver's first line of ``err``."""
    from pairaid.errors import ConfigError

    orig = getattr(err, "orig", None) or err
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    return ConfigError(f"database {shown_url(db_url)} cannot be reached or written "
                       f"({type(orig).__name__}: {first})")


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
