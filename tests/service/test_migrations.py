"""Migrations upgrade an empty database and the previous revision; they match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from pairaid.service.migrate import current_revision, downgrade, head_revision, upgrade
from pairaid.service.models import Base


def _url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    url: str = request.getfixturevalue("pg_database")
    downgrade(url, "base")  # the session database, emptied (re-migrated below)
    return url


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_empty_database_upgrades_to_head_matching_the_models(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    url = _url(backend, request, tmp_path)
    assert current_revision(url) is None
    upgrade(url)
    assert current_revision(url) == head_revision() == "0003"
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert set(inspect(conn).get_table_names()) >= set(Base.metadata.tables)
    engine.dispose()
    assert diff == []


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_previous_revision_upgrades_with_its_data(backend: str,
                                                  request: pytest.FixtureRequest,
                                                  tmp_path: Path) -> None:
    url = _url(backend, request, tmp_path)
    upgrade(url, "0001")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO capacities (id, donor_code, resource, created_at) "
                          "VALUES (1, 'CN-HN', 'nurses', CURRENT_TIMESTAMP)"))
        conn.execute(text("UPDATE capacities SET resource = 'doctors'"))  # allowed in 0001
    upgrade(url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT resource FROM capacities")).scalar() == "doctors"
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE capacities SET resource = 'beds'"))
    downgrade(url, "0001")  # and back
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM capacities"))
    engine.dispose()
    upgrade(url)
    assert current_revision(url) == "0003"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_0003_records_hubei_for_a_database_with_region_rows(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    # before 0003 the service knew only hubei-2020: a database holding region rows was
    # made under it; an empty one records the data set it first starts with
    url = _url(backend, request, tmp_path)
    upgrade(url, "0002")
    upgrade(url, "0003")
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM datasets")).scalar() == 0
    engine.dispose()
    downgrade(url, "0002")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, name, role, region_code, token_hash, "
                          "created_at) VALUES (1, 'xiaogan', 'recipient', '420900', 'h', "
                          "CURRENT_TIMESTAMP)"))
    upgrade(url, "0003")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, source FROM datasets")).all()
    assert [tuple(r) for r in rows] == [("hubei-2020", "built-in")]
    with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE datasets SET name = 'italy-2020'"))
    engine.dispose()
    downgrade(url, "0002")  # and back
    engine = create_engine(url)
    with engine.connect() as conn:
        assert "datasets" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT COUNT(*) FROM users")).scalar() == 1
    engine.dispose()
    upgrade(url)
