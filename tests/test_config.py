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


@pytest.mark.parametrize(("text", "needle"), [
    # a TOML file has real types: a string, a boolean or a float is not an integer
    ('k = "2"\n', "setting 'k' (line 1) = '2': Input should be a valid integer (a TOML string"),
    ("k = true\n", "setting 'k' (line 1) = True: Input should be a valid integer"),
    ("k = 2.5\n", "setting 'k' (line 1) = 2.5: Input should be a valid integer"),
    ('# plan\nhorizon_days = "28"\n', "setting 'horizon_days' (line 2) = '28'"),
    ('k = 2\n[parameters]\ncovid_share_staff = "0.08"\n',
     "setting 'parameters.covid_share_staff' (line 3) = '0.08': Input should be a valid number"),
    ("staff_cap_to_official = 1\n", "setting 'staff_cap_to_official' (line 1) = 1: "
     "Input should be a valid boolean"),
    ("decision_date = 20200210\n", "setting 'decision_date' (line 1) = 20200210: "
     "Input should be a valid date (a TOML date such as 2020-02-10)"),
    ("decision_date = 2020-02-10T08:00:00\n", "setting 'decision_date' (line 1)"),
    # numpy's SeedSequence takes no negative seed: refused in the configuration
    ("seed = -1\n", "setting 'seed' (line 1) = -1: Input should be greater than or equal to 0"),
])
def test_toml_values_of_the_wrong_type_are_refused(tmp_path: Path, text: str,
                                                   needle: str) -> None:
    path = tmp_path / "typed.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_config_file(path)
    assert f"invalid configuration ({path}): {needle}" in str(info.value)


def test_toml_values_of_the_right_type_are_read(tmp_path: Path) -> None:
    path = tmp_path / "typed.toml"
    path.write_text('time_limit = 30\ndecision_date = "2020-02-12"\ndata_dir = "d"\n'
                    'official_round = "none"\nfixed_pairs = [["CN-SD", "421100"]]\n',
                    encoding="utf-8")
    c = make_config(read_config_file(path))
    # an integer stands for a float; an ISO string for a date (older run folders)
    assert c.time_limit == 30.0 and c.decision_date == date(2020, 2, 12)
    assert c.data_dir == Path("d") and c.official_round is None
    assert c.fixed_pairs == [("CN-SD", "421100")]


def test_seed_below_zero_is_refused_from_any_source() -> None:
    with pytest.raises(ConfigError, match="setting 'seed' = -1"):
        make_config({"seed": -1})


def test_a_utf8_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes("\ufeffk = 3\n".encode())
    assert read_config_file(path) == {"k": 3}


def test_a_file_not_in_utf8_says_so(tmp_path: Path) -> None:
    path = tmp_path / "utf16.toml"
    path.write_bytes("k = 2\n".encode("utf-16"))
    with pytest.raises(ConfigError, match="utf16.toml: not valid TOML: not UTF-8 text"):
        read_config_file(path)


@pytest.mark.parametrize(("text", "needle"), [
    ("team_doctors_per_nurse = -0.2\n", "team_doctors_per_nurse"),
    ('team_doctors_per_nurse = "0.6"\n', "write the value without quotes"),
    ("team_doctors_per_nurse = nan\n", "team_doctors_per_nurse"),
])
def test_team_ratio_must_be_a_number_at_least_zero(tmp_path: Path, text: str,
                                                   needle: str) -> None:
    path = tmp_path / "teams.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        make_config(read_config_file(path))
    assert needle in str(info.value) and "team_doctors_per_nurse" in str(info.value)


def test_team_ratio_reaches_the_pairing_options(tmp_path: Path) -> None:
    from pairaid.pipeline import pairing_options

    path = tmp_path / "teams.toml"
    path.write_text("team_doctors_per_nurse = 0\n", encoding="utf-8")
    config = make_config(read_config_file(path))
    assert config.team_doctors_per_nurse == 0.0
    assert pairing_options(config).team_doctors_per_nurse == 0.0
    # the 2020 contingents' 1,003 doctors to 1,681 nurses, by default
    assert pairing_options(make_config({})).team_doctors_per_nurse == 0.6
