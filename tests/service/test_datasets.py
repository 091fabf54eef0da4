"""A database belongs to a data set: opened with one that lacks its region codes, the
service refuses to start, naming them and the recorded data set; one that has them all is
accepted and recorded (docs/service.md, "Choosing the data set";
pairaid/service/datasets/service.py)."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from tests.service.conftest import make_db_url

from pairaid.cli import main
from pairaid.errors import ConfigError
from pairaid.service.datasets.service import check_dataset, record_dataset, recorded, stored_regions
from pairaid.service.db import Database
from pairaid.service.regions import load_regions
from pairaid.service.settings import Settings


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        out = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return out


def _hubei_database(url: str) -> None:
    """Users of Hubei made by the command (which records hubei-2020), and a need."""
    for name, role, code in (("xiaogan", "recipient", "420900"), ("hunan", "donor", "CN-HN")):
        assert main(["users", "add", name, "--role", role, "--region", code, "--db", url]) == 0
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO needs (id, region_code, resource, created_by, "
                "created_at) VALUES (1, '420900', 'nurses', 1, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_hubei_database_opened_with_italy_is_refused_naming_hubei(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, capsys
) -> None:
    url = make_db_url(backend, request, tmp_path)
    _hubei_database(url)
    capsys.readouterr()
    assert _rows(url, "SELECT name, source FROM datasets") == [("hubei-2020", "built-in")]
    assert main(["serve", "--db", url, "--no-upgrade", "--data", "italy-2020"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "2 region code(s) that data set italy-2020 does not have" in err
    assert "420900 (needs 1, users 1)" in err and "CN-HN (users 1)" in err
    assert "used with data set hubei-2020" in err and "--data hubei-2020" in err
    # nothing changed: the rows and the record stay as they were
    assert _rows(url, "SELECT name FROM datasets") == [("hubei-2020",)]
    assert _rows(url, "SELECT region_code FROM needs") == [("420900",)]
    # the same refusal for users add, which would otherwise mix the two countries
    assert (
        main(
            [
                "users",
                "add",
                "lombardy",
                "--role",
                "recipient",
                "--region",
                "IT-25",
                "--db",
                url,
                "--data",
                "italy-2020",
            ]
        )
        == 2
    )
    assert "italy-2020 does not have" in capsys.readouterr().err
    assert _rows(url, "SELECT COUNT(*) FROM users") == [(2,)]
    # and export, whose name columns would be codes: refused; with hubei-2020 it writes
    assert main(["export", "--db", url, "--data", "italy-2020", str(tmp_path / "x")]) == 2
    assert "italy-2020 does not have" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
    assert main(["export", "--db", url, str(tmp_path / "y")]) == 0


def test_a_data_set_holding_every_stored_code_is_accepted_and_recorded(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = make_db_url("sqlite", request, tmp_path)
    _hubei_database(url)
    folder = tmp_path / "hubei-fixed"  # the same regions under another name
    folder.mkdir()
    shutil.copy(
        Path(str(resources.files("pairaid") / "data" / "hubei-2020" / "regions.csv")),
        folder / "regions.csv",
    )
    regions = load_regions(str(folder))
    db = Database(Settings(db_url=url))
    with db.write() as session:
        notes = check_dataset(session, regions=regions, where="db")
        assert record_dataset(session, regions=regions)
        assert not record_dataset(session, regions=regions)  # recorded once
        session.commit()
    with db.read() as session:
        last = recorded(session)
        assert last is not None and (last.name, last.source) == ("hubei-fixed", str(folder))
    db.dispose()
    assert notes == [
        "database db was used with data set hubei-2020; now with "
        f"hubei-fixed (folder {folder}), which has every region it holds"
    ]
    assert _rows(url, "SELECT name FROM datasets ORDER BY id") == [
        ("hubei-2020",),
        ("hubei-fixed",),
    ]


def test_an_empty_database_takes_the_data_set_it_first_starts_with(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = make_db_url("sqlite", request, tmp_path)
    assert (
        main(
            ["users", "add", "coord", "--role", "coordinator", "--db", url, "--data", "italy-2020"]
        )
        == 0
    )
    assert _rows(url, "SELECT name, source FROM datasets") == [("italy-2020", "built-in")]
    assert (
        main(
            [
                "users",
                "add",
                "lombardy",
                "--role",
                "recipient",
                "--region",
                "IT-25",
                "--db",
                url,
                "--data",
                "italy-2020",
            ]
        )
        == 0
    )
    assert (
        main(["users", "add", "xiaogan", "--role", "recipient", "--region", "420900", "--db", url])
        == 2
    )  # the default hubei-2020 lacks IT-25


def test_a_stored_region_no_longer_of_its_kind_is_a_note_not_a_refusal(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # Hubei province (CN-HB) is in hubei-2020 but no donor of it (the recipients' parent); a
    # database written by hand or by an older rule may hold a Hubei donor
    url = make_db_url("sqlite", request, tmp_path)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, name, role, region_code, token_hash, "
                "created_at) VALUES (1, 'hubei', 'donor', 'CN-HB', 'x', "
                "CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    db = Database(Settings(db_url=url))
    with db.read() as session:
        assert [(s.code, s.kind, s.rows) for s in stored_regions(session)] == [
            ("CN-HB", "donor", {"users": 1})
        ]
        notes = check_dataset(session, regions=load_regions(), where="db")
    db.dispose()
    assert len(notes) == 1
    assert (
        "CN-HB (Hubei) is stored as a donor but is not a donor region of "
        "data set hubei-2020" in notes[0]
    )


def test_the_refusal_without_a_record_still_names_the_codes(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = make_db_url("sqlite", request, tmp_path)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO capacities (id, donor_code, resource, created_at) "
                "VALUES (1, 'CN-HN', 'nurses', CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()
    db = Database(Settings(db_url=url))
    with db.read() as session, pytest.raises(ConfigError) as err:
        check_dataset(session, regions=load_regions("italy-2020"), where="db")
    db.dispose()
    assert "CN-HN (capacities 1)" in str(err.value)
    assert "used with another data set" in str(err.value)
