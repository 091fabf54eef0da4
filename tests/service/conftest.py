"""Fixtures of the service tests: a migrated database on SQLite and on PostgreSQL.

PostgreSQL is taken from ``PAIRAID_TEST_PG_URL`` [default
``postgresql://postgres@127.0.0.1:5432/test``]; each test session creates its own database
there (dropped at the end) and the PostgreSQL tests skip, saying why, when the server
cannot be reached.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from pairaid.service.app import create_app  # noqa: E402
from pairaid.service.db import Database  # noqa: E402
from pairaid.service.migrate import upgrade  # noqa: E402
from pairaid.service.regions import ServiceRegions  # noqa: E402
from pairaid.service.settings import Settings  # noqa: E402
from pairaid.service.users.service import add_user  # noqa: E402

PG_URL = os.environ.get("PAIRAID_TEST_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TABLES = ("datasets", "audit_log", "idempotency_keys", "receipts", "dispatch_versions",
          "dispatches", "pledge_versions", "pledges", "plans", "need_versions", "needs",
          "capacity_versions", "capacities", "users")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated empty SQLite file, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "pairaid.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """URL of a fresh, migrated PostgreSQL database for this test session."""
    pytest.importorskip("psycopg")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"pairaid_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as err:  # noqa: BLE001 - any failure to reach the server means skip
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {PG_URL} ({type(err).__name__}); "
                    "set PAIRAID_TEST_PG_URL to run the PostgreSQL tests")
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of ``backend`` (``sqlite`` or ``postgresql``)."""
    if backend == "sqlite":
        path = tmp_path / "pairaid.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@dataclass
class Service:
    """A running app on a test database and data set, with helpers to add users."""

    db: Database
    client: TestClient
    regions: ServiceRegions
    tokens: dict[str, str] = field(default_factory=dict)

    def add_user(self, name: str, role: str, region_code: str | None = None) -> str:
        """Add a user and return its token (remembered under ``name``)."""
        with self.db.write() as session:
            _, token = add_user(session, name=name, role=role, region_code=region_code,
                                regions=self.regions)
            session.commit()
        self.tokens[name] = token
        return token

    def headers(self, name: str, **extra: str) -> dict[str, str]:
        """Authorization headers of user ``name``."""
        return {"Authorization": f"Bearer {self.tokens[name]}", **extra}

    def call(self, name: str, method: str, path: str, json: Any = None,
             **headers: str) -> Any:
        """Send a request as user ``name`` to ``/api/v1{path}``; return the response."""
        return self.client.request(method, f"/api/v1{path}", json=json,
                                   headers=self.headers(name, **headers))


def make_service(url: str, dataset: str = "hubei-2020") -> Iterator[Service]:
    """A :class:`Service` on ``url`` with data set ``dataset`` (closed at the end)."""
    db = Database(Settings(db_url=url, dataset=dataset))
    app = create_app(db.settings, database=db)
    with TestClient(app) as client:
        yield Service(db, client, app.state.regions)
    db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend in turn."""
    return str(request.param)


@pytest.fixture
def service(backend: str, request: pytest.FixtureRequest,
            tmp_path: Path) -> Iterator[Service]:
    """The service on each backend in turn, empty."""
    yield from make_service(make_db_url(backend, request, tmp_path))


@pytest.fixture
def sqlite_service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    """The service on SQLite only."""
    yield from make_service(make_db_url("sqlite", request, tmp_path))


@pytest.fixture
def people(service: Service) -> Service:
    """The service with one user of each role: ``coord``, ``hunan`` (donor CN-HN),
    ``guangdong`` (donor CN-GD), ``xiaogan`` (recipient 420900), ``huanggang`` (recipient
    421100) and ``auditor``."""
    return add_people(service)


def add_people(service: Service) -> Service:
    """Add the users of :func:`people`."""
    service.add_user("coord", "coordinator")
    service.add_user("hunan", "donor", "CN-HN")
    service.add_user("guangdong", "donor", "CN-GD")
    service.add_user("xiaogan", "recipient", "420900")
    service.add_user("huanggang", "recipient", "421100")
    service.add_user("auditor", "auditor")
    return service

