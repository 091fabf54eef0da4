"""Engines and sessions from settings; the declarative base of every table.

SQLite runs in WAL mode (readers never wait for the writer) and every write transaction
starts with ``BEGIN IMMEDIATE``, so writers queue on SQLite's one write lock instead of
failing half-way. PostgreSQL takes row locks (``SELECT ... FOR UPDATE``) on the rows a rule
reads; see :func:`lock`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, Select, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from pairaid.service.settings import Settings

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names, so that migrations name them the same on every database."""


class Base(DeclarativeBase):
    """Declarative base of every service table."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: DateTime(timezone=True)}


def utcnow() -> datetime:
    """The current time, UTC, to the microsecond."""
    return datetime.now(UTC)


def _sqlite_engine(settings: Settings, *, immediate: bool) -> Engine:
    engine = create_engine(settings.db_url, pool_size=settings.pool_size,
                           max_overflow=settings.pool_size,
                           connect_args={"check_same_thread": False,
                                         "timeout": settings.busy_timeout_s})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(settings.busy_timeout_s * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """Engines and session factories for one database.

    Parameters
    ----------
    settings : Settings
        Where the database is and how to connect.

    Notes
    -----
    ``write()`` sessions are for requests that change data (on SQLite they hold the write
    lock from their first statement), ``read()`` sessions for the rest.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        if settings.is_sqlite:
            self.engine = _sqlite_engine(settings, immediate=True)
            self.read_engine = _sqlite_engine(settings, immediate=False)
        else:
            self.engine = create_engine(settings.db_url, pool_size=settings.pool_size,
                                        max_overflow=settings.pool_size, pool_pre_ping=True)
            self.read_engine = self.engine
        self._write = sessionmaker(self.engine, expire_on_commit=False)
        self._read = sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite."""
        return self.settings.is_sqlite

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction is committed by the caller (rolled back on error)."""
        with self._write() as session:
            try:
                yield session
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (its transaction is rolled back at the end)."""
        with self._read() as session:
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()


def lock(stmt: Select[Any]) -> Select[Any]:
    """``stmt`` with ``FOR UPDATE`` (PostgreSQL; SQLite ignores it and holds its write lock).

    Lock order, everywhere: capacity, need, pledge, dispatch, then the audit log, so that two
    requests never wait for each other in a circle.
    """
    return stmt.with_for_update()


def lock_audit(session: Session) -> None:
    """Serialise appends to the audit chain until the transaction ends (PostgreSQL).

    Uses a transaction-level advisory lock; on SQLite the write lock already serialises.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7243014)"))
