"""Regions of the service: known in the data set and of the role's kind
(docs/service.md, "Roles"; pairaid/service/regions.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.service.conftest import Service

from pairaid.cli import main
from pairaid.service.errors import Invalid
from pairaid.service.regions import check_region, kinds


def test_kinds_follow_the_data_set() -> None:
    # by hand from hubei-2020 regions.csv: 31 provinces less Hubei (the cities' parent)
    # are donors, the 17 prefectures of Hubei recipients
    found = kinds()
    assert sum(k == "donor" for k in found.values()) == 30
    assert sum(k == "recipient" for k in found.values()) == 17
    assert (found["CN-HN"], found["420900"]) == ("donor", "recipient")
    assert "CN-HB" not in found and "430000" not in found  # codes are region_code only


@pytest.mark.parametrize(("code", "kind", "words"), [
    ("CN-XX", "donor", "not a region of the service's data set"),
    ("420900", "donor", "is a recipient region, not a donor region"),
    ("CN-HN", "recipient", "is a donor region, not a recipient region"),
    ("CN-HB", "donor", "neither a donor nor a recipient"),
    ("659999", "recipient", "not a region of the service's data set")])
def test_check_region_refuses_with_a_reason(code: str, kind: str, words: str) -> None:
    with pytest.raises(Invalid, match=words):
        check_region(code, kind)


@pytest.mark.parametrize("code", ["CN-XX", "420900", "CN-HB"])
def test_a_capacity_of_no_donor_region_is_refused(people: Service, code: str) -> None:
    s = people
    r = s.call("coord", "PUT", f"/capacities/{code}/nurses", {"quantity": 5})
    assert r.status_code == 422, r.text
    assert code in r.json()["detail"]
    assert s.call("coord", "GET", "/capacities").json() == []
    assert s.call("coord", "PUT", "/capacities/CN-GD/nurses",
                  {"quantity": 5}).status_code == 200


@pytest.mark.parametrize(("role", "code", "words"), [
    ("donor", "420900", "is a recipient region"), ("donor", "CN-XX", "not a region"),
    ("recipient", "CN-HN", "is a donor region")])
def test_users_add_refuses_a_region_of_the_wrong_kind(tmp_path: Path, capsys, role: str,
                                                     code: str, words: str) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    assert main(["users", "add", "u", "--role", role, "--region", code, "--db", url]) == 2
    assert words in capsys.readouterr().err
    assert main(["users", "add", "u", "--role", role, "--region",
                 "CN-HN" if role == "donor" else "420900", "--db", url]) == 0
