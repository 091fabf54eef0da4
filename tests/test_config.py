"""Run options: defaults, TOML round trip and clear errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pairaid.config import make_config, read_config_file
from pairaid.errors import ConfigError


def test_defaults_are_the_2020_setting() -> None:
    c = make_config({})
    assert c.decision_date == date(2020, 2, 10) and c.horizon_days == 28
    assert c.k == 2 and c.m == 1 and c.exclude_recipients == ["420100"]


def test_toml_round_trip(tmp_path: Path) -> None:
    c = make_config({"k": 3, "m_per_donor": {"CN-SX": 3}, "fixed_pairs": [["CN-SD", "421100"]],
                     "parameters": {"covid_share_staff": 0.05}})
    path = tmp_path / "c.toml"
    path.write_text(c.to_toml(), encoding="utf-8")
    assert make_config(read_config_file(path)) == c


@pytest.mark.parametrize(("values", "needle"), [
    ({"k": 0}, "setting 'k' = 0"),
    ({"horizon_days": 0}, "setting 'horizon_days' = 0"),
    ({"decision_date": "2020-02-30"}, "setting 'decision_date'"),
    ({"resource_weights": {"pilots": 1.0}}, "unknown resource"),
    ({"colour": "blue"}, "setting 'colour' = 'blue': unknown setting"),
])
def test_bad_values_name_the_setting(values: dict, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        make_config(values)
    assert needle in str(info.value)


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("k = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.toml: not valid TOML"):
        read_config_file(path)


def test_example_config_in_docs_is_valid() -> None:
    path = Path(__file__).resolve().parents[1] / "docs" / "plan.example.toml"
    c = make_config(read_config_file(path))
    assert c.m_per_donor == {"CN-SX": 3} and c.planning_quantile == 0.9
    assert c.parameters == {"covid_share_staff": 0.08}
    assert ("CN-SD", "421100") in c.fixed_pairs


def test_a_level_or_parent_replaces_the_data_sets_default_list() -> None:
    from pairaid.config import with_dataset_defaults

    defaults = {"recipients": ["IT-25", "IT-57"], "donors_level": "region", "horizon_days": 14}
    # no choice by the user: the data set's list stands
    assert with_dataset_defaults(defaults, {"horizon_days": 7}) == {
        "recipients": ["IT-25", "IT-57"], "donors_level": "region", "horizon_days": 7}
    # a level for the recipients drops the data set's recipient list, not its donor level
    assert with_dataset_defaults(defaults, {"recipients_level": "region"}) == {
        "recipients_level": "region", "donors_level": "region", "horizon_days": 14}
    # a parent for the donors drops the data set's donor level
    assert with_dataset_defaults(defaults, {"donors_parent": "IT"}) == {
        "recipients": ["IT-25", "IT-57"], "donors_parent": "IT", "horizon_days": 14}
    with pytest.raises(ConfigError, match="give one or the other"):
        with_dataset_defaults(defaults, {"recipients": ["IT-25"], "recipients_parent": "IT"})
