"""Regions of the service: its data set (setting ``dataset``: built-in name or folder),
donors and recipients by the rule of ``pairaid plan`` (docs/service.md, "Regions";
pairaid/service/regions.py)."""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from tests.service.conftest import Service, make_db_url, make_service

from pairaid.cli import main
from pairaid.errors import ConfigError, InputError
from pairaid.service.errors import Invalid
from pairaid.service.regions import load_regions

TINY = """region_code,name_en,name_local,level,parent_code,latitude,longitude,population
DE-BY,Bavaria,Bayern,state,DE,48.14,11.58,13100000
DE-BW,Baden-Wuerttemberg,Baden-Württemberg,state,DE,48.78,9.18,11100000
DE-BE,Berlin,Berlin,state,DE,52.52,13.40,3700000
"""
TINY_DEFAULTS = 'recipients = ["DE-BE"]\ndonors_level = "state"\n'


def _builtin_rows(name: str) -> list[dict[str, str]]:
    path = resources.files("pairaid") / "data" / name / "regions.csv"
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def tiny_folder(folder: Path) -> Path:
    """A data folder of regions.csv alone (3 German states) and a defaults.toml making
    Berlin the recipient and the two other states donors."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "regions.csv").write_text(TINY, encoding="utf-8")
    (folder / "defaults.toml").write_text(TINY_DEFAULTS, encoding="utf-8")
    return folder


def test_hubei_kinds_are_the_default_of_pairaid_plan() -> None:
    # by hand from hubei-2020 regions.csv: the prefecture rows (Hubei's 17 divisions, Wuhan
    # 420100 included: exclude_recipients keeps it out of the pairing, not off the board)
    # are recipients; the province rows less Hubei (the recipients' parent) are donors
    rows = _builtin_rows("hubei-2020")
    cities = {r["region_code"] for r in rows if r["level"] == "prefecture"}
    provinces = {r["region_code"] for r in rows if r["level"] == "province"}
    regions = load_regions()
    assert (regions.dataset, regions.source) == ("hubei-2020", "built-in")
    assert set(regions.codes("recipient")) == cities
    assert len(regions.codes("recipient")) == 17
    regions.check("420100", "recipient")  # Wuhan posts needs (no error)
    assert set(regions.codes("donor")) == provinces - {"CN-HB"}
    assert len(regions.codes("donor")) == 30
    assert regions.name("420900", "zh") == "孝感市" and regions.name("420900") == "Xiaogan"


def test_italy_kinds_are_those_of_its_defaults_toml() -> None:
    rows = _builtin_rows("italy-2020")
    defaults = tomllib.loads(
        (resources.files("pairaid") / "data" / "italy-2020" / "defaults.toml").read_text(
            encoding="utf-8"
        )
    )
    regions = load_regions("italy-2020")
    assert (
        set(regions.codes("recipient"))
        == set(defaults["recipients"])
        == {"IT-25", "IT-57", "IT-TN", "IT-21"}
    )
    assert set(regions.codes("donor")) == {r["region_code"] for r in rows} - set(
        defaults["recipients"]
    )
    assert len(regions.codes("donor")) == 21 - 4
    assert regions.name("IT-25") == "Lombardy" and regions.name("IT-25", "zh") == "Lombardia"
    assert not regions.uses_gb2260


def test_a_folder_of_regions_csv_alone_is_a_data_set(tmp_path: Path) -> None:
    regions = load_regions(str(tiny_folder(tmp_path / "germany")))
    assert regions.dataset == "germany" and regions.source == str(tmp_path / "germany")
    assert regions.codes("recipient") == ["DE-BE"]
    assert sorted(regions.codes("donor")) == ["DE-BW", "DE-BY"]
    assert "germany (folder " in regions.label


@pytest.mark.parametrize(
    ("code", "kind", "words"),
    [
        ("CN-XX", "donor", "not a region of the service's data set hubei-2020"),
        ("420900", "donor", "is a recipient region, not a donor region, of data set hubei-2020"),
        ("CN-HN", "recipient", "is a donor region, not a recipient region"),
        ("CN-HB", "donor", "neither a donor nor a recipient"),
        ("420100", "donor", "is a recipient region, not a donor region"),
        ("IT-25", "recipient", "not a region of the service's data set hubei-2020"),
        ("659999", "recipient", "not a region of the service's data set"),
    ],
)
def test_check_refuses_with_a_reason_naming_the_data_set(code: str, kind: str, words: str) -> None:
    with pytest.raises(Invalid, match=words):
        load_regions().check(code, kind)


def test_italy_refuses_a_hubei_code_naming_italy() -> None:
    regions = load_regions("italy-2020")
    regions.check("IT-25", "recipient")
    regions.check("IT-34", "donor")
    with pytest.raises(Invalid, match="not a region of the service's data set italy-2020"):
        regions.check("420900", "recipient")


@pytest.mark.parametrize("value", ["hubei-2021", "", "no/such/folder"])
def test_a_bad_dataset_setting_is_one_line_naming_it(value: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_regions(value)
    message = str(err.value)
    assert "\n" not in message
    assert "setting 'dataset' (--data, $PAIRAID_DATA)" in message
    assert "hubei-2020, italy-2020" in message and "folder" in message


def test_a_bad_regions_csv_names_file_line_and_column(tmp_path: Path) -> None:
    folder = tiny_folder(tmp_path / "bad")
    (folder / "regions.csv").write_text(TINY.replace("48.14", "north"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_regions(str(folder))
    problem = err.value.problems[0]
    assert problem.source.endswith("regions.csv")
    assert (problem.row, problem.column) == (2, "latitude")


def test_a_folder_without_regions_csv_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="required table 'regions' is missing"):
        load_regions(str(tmp_path / "empty"))


def test_a_folder_with_no_recipients_by_the_rule_says_where_to_set_them(tmp_path: Path) -> None:
    folder = tiny_folder(tmp_path / "nodefaults")
    (folder / "defaults.toml").unlink()  # level 'state': no prefectures, no provinces
    with pytest.raises(ConfigError, match="no recipients.*defaults.toml"):
        load_regions(str(folder))


@pytest.mark.parametrize("code", ["CN-XX", "420900", "CN-HB"])
def test_a_capacity_of_no_donor_region_is_refused(people: Service, code: str) -> None:
    s = people
    r = s.call("coord", "PUT", f"/capacities/{code}/nurses", {"quantity": 5})
    assert r.status_code == 422, r.text
    assert code in r.json()["detail"]
    assert s.call("coord", "GET", "/capacities").json() == []
    assert s.call("coord", "PUT", "/capacities/CN-GD/nurses", {"quantity": 5}).status_code == 200


@pytest.mark.parametrize(
    ("role", "code", "words"),
    [
        ("donor", "420900", "is a recipient region"),
        ("donor", "CN-XX", "not a region"),
        ("recipient", "CN-HN", "is a donor region"),
    ],
)
def test_users_add_refuses_a_region_of_the_wrong_kind(
    tmp_path: Path, capsys, role: str, code: str, words: str
) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    assert main(["users", "add", "u", "--role", role, "--region", code, "--db", url]) == 2
    assert words in capsys.readouterr().err
    assert (
        main(
            [
                "users",
                "add",
                "u",
                "--role",
                role,
                "--region",
                "CN-HN" if role == "donor" else "420900",
                "--db",
                url,
            ]
        )
        == 0
    )


def test_users_add_with_data_italy(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'it.db'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    assert (
        main(
            [
                "users",
                "add",
                "x",
                "--role",
                "recipient",
                "--region",
                "420900",
                "--db",
                url,
                "--data",
                "italy-2020",
            ]
        )
        == 2
    )
    assert "not a region of the service's data set italy-2020" in capsys.readouterr().err
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


@pytest.mark.parametrize("value", ["hubei-2021", "missing-folder/"])
def test_serve_with_a_bad_data_value_is_one_line(tmp_path: Path, capsys, value: str) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert main(["serve", "--db", url, "--data", value]) == 2
    err = capsys.readouterr().err.strip()
    assert "setting 'dataset' (--data, $PAIRAID_DATA)" in err and value.rstrip("/") in err
    assert "hubei-2020, italy-2020" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "p.db").exists()  # refused before the database is touched


def test_serve_with_a_bad_regions_csv_names_file_line_column(tmp_path: Path, capsys) -> None:
    folder = tiny_folder(tmp_path / "bad")
    (folder / "regions.csv").write_text(
        TINY.replace("DE-BE,Berlin", "berlin,Berlin"), encoding="utf-8"
    )
    assert main(["serve", "--db", f"sqlite:///{tmp_path / 'p.db'}", "--data", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "regions.csv" in err and "line 4" in err and "region_code" in err


@pytest.fixture
def italy(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    """The service on ``italy-2020`` (each backend), with a coordinator, Lombardy
    (recipient IT-25) and Veneto (donor IT-34)."""
    for s in make_service(make_db_url(backend, request, tmp_path), "italy-2020"):
        s.add_user("coord", "coordinator")
        s.add_user("lombardy", "recipient", "IT-25")
        s.add_user("veneto", "donor", "IT-34")
        yield s


NEED = {"resource": "icu_beds", "quantity": 40, "start": "2020-03-15", "end": "2020-03-29"}


def test_italy_need_for_an_italian_region_is_accepted(italy: Service) -> None:
    r = italy.call("lombardy", "POST", "/needs", {"region_code": "IT-25", **NEED})
    assert r.status_code == 201, r.text
    assert r.json()["region_code"] == "IT-25"


def test_italy_need_for_a_hubei_code_is_refused_naming_italy(italy: Service) -> None:
    r = italy.call("lombardy", "POST", "/needs", {"region_code": "420900", **NEED})
    assert r.status_code == 422, r.text
    assert "420900" in r.json()["detail"] and "italy-2020" in r.json()["detail"]
    assert italy.call("coord", "GET", "/needs").json() == []
    r = italy.call("coord", "PUT", "/capacities/CN-HN/nurses", {"quantity": 5})
    assert r.status_code == 422 and "italy-2020" in r.json()["detail"]


def test_italy_board_page_names_the_region_from_the_data_set(italy: Service) -> None:
    assert (
        italy.call("lombardy", "POST", "/needs", {"region_code": "IT-25", **NEED}).status_code
        == 201
    )
    italy.client.cookies.set("pairaid_token", italy.tokens["coord"])
    page = italy.client.get("/ui/board")
    assert page.status_code == 200
    assert "Lombardy" in page.text and "italy-2020" in page.text
    assert "Xiaogan" not in page.text


@pytest.fixture
def germany(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    folder = tiny_folder(tmp_path / "germany")
    yield from make_service(make_db_url("sqlite", request, tmp_path), str(folder))


def test_a_tiny_folder_works_end_to_end(germany: Service) -> None:
    s = germany
    s.add_user("coord", "coordinator")
    s.add_user("berlin", "recipient", "DE-BE")
    s.add_user("bavaria", "donor", "DE-BY")
    with pytest.raises(Invalid, match="is a recipient region, not a donor"):
        s.add_user("x", "donor", "DE-BE")
    need = s.call(
        "berlin",
        "POST",
        "/needs",
        {
            "region_code": "DE-BE",
            "resource": "nurses",
            "quantity": 30,
            "start": "2020-03-20",
            "end": "2020-04-10",
        },
    )
    assert need.status_code == 201, need.text
    assert s.call("bavaria", "PUT", "/capacities/DE-BY/nurses", {"quantity": 50}).status_code == 200
    pledge = s.call("bavaria", "POST", "/pledges", {"need_id": need.json()["id"], "quantity": 20})
    assert pledge.status_code == 201, pledge.text
    assert s.call("coord", "POST", f"/pledges/{pledge.json()['id']}/accept").status_code == 200
    board = s.call("coord", "GET", "/board").json()
    assert [
        (b["recipient_code"], b["resource"], b["needed"], b["accepted"], b["open"]) for b in board
    ] == [("DE-BE", "nurses", 30, 20, 10)]
    s.client.cookies.set("pairaid_token", s.tokens["coord"])
    page = s.client.get("/ui/board").text
    assert "Berlin" in page and "germany" in page


def test_the_default_is_hubei(people: Service) -> None:
    assert people.regions.dataset == "hubei-2020"
    r = people.call("xiaogan", "POST", "/needs", {"region_code": "420900", **NEED})
    assert r.status_code == 201, r.text
