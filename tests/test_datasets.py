"""The built-in hubei-2020 data set against figures published in its sources."""

from __future__ import annotations

import pandas as pd
import pytest

from pairaid.datasets import builtin_path, describe, load_builtin
from pairaid.errors import ConfigError


@pytest.fixture(scope="module")
def hubei():
    return load_builtin("hubei-2020")


def _cases(ds, code: str, day: str) -> pd.Series:
    c = ds.cases
    return c[(c["region_code"] == code) & (c["date"] == pd.Timestamp(day))].iloc[0]


def test_bulletin_values(hubei) -> None:
    # Values quoted in SOURCES.md from bulletins (as of 24:00 of the date).
    assert _cases(hubei, "420100", "2020-02-12")["confirmed_cum"] == 32994  # Wuhan
    assert _cases(hubei, "420900", "2020-02-12")["confirmed_cum"] == 2874  # Xiaogan, P6
    assert _cases(hubei, "421100", "2020-02-13")["confirmed_cum"] == 2791  # Huanggang, P10
    divisions = hubei.cases[hubei.cases["region_code"].str.fullmatch(r"\d{6}")]
    day = divisions[divisions["date"] == pd.Timestamp("2020-02-12")]
    assert int(day["confirmed_cum"].sum()) == 48206  # Hubei total, P6


def test_unknown_is_kept_unknown(hubei) -> None:
    # city recovered counts are not broken down on 2020-01-28 (SOURCES.md step 4)
    assert pd.isna(_cases(hubei, "420900", "2020-01-28")["recovered_cum"])
    # no city rows at all before 2020-01-23
    assert pd.isna(_cases(hubei, "420100", "2020-01-21")["confirmed_cum"])


def test_official_pairing_round(hubei) -> None:
    p = hubei.pairings
    official = p[pd.to_datetime(p["round"]) == pd.Timestamp("2020-02-10")]
    assert len(official) == 21
    assert official["donor_code"].nunique() == 19
    assert official["recipient_code"].nunique() == 16
    shanxi = official[official["donor_code"] == "CN-SX"]["recipient_code"]
    assert set(shanxi) == {"429004", "429005", "429006"}


def test_every_region_has_population_and_staff(hubei) -> None:
    assert hubei.regions["population"].notna().all()
    caps = hubei.capacities
    for code in hubei.regions["region_code"]:
        have = set(caps.loc[caps["region_code"] == code, "resource"])
        assert {"doctors", "nurses", "beds"} <= have, code


def test_estimates_are_marked(hubei) -> None:
    caps = hubei.capacities.set_index(["region_code", "resource"])
    # Enshi has no published health-resource figure: all three are estimates
    for res in ("beds", "doctors", "nurses"):
        assert bool(caps.loc[("422800", res), "estimated"])
        assert "fallback" in str(caps.loc[("422800", res), "method"])
    # Yichang's doctors are published (S9): not an estimate
    assert not bool(caps.loc[("420500", "doctors"), "estimated"])
    assert caps.loc[("420500", "doctors"), "quantity"] == 11507


def test_census_population_of_seven_divisions(hubei) -> None:
    pop = hubei.regions.set_index("region_code")
    assert pop.loc["420100", "population"] == 12326518
    assert pop.loc["429021", "population"] == 66571
    assert pop.loc["420100", "population_year"] == 2020


def test_donor_provinces_have_case_counts_on_decision_day(hubei) -> None:
    day = hubei.cases[hubei.cases["date"] == pd.Timestamp("2020-02-10")]
    provinces = day[day["region_code"].str.startswith("CN-")]
    assert provinces["region_code"].nunique() == 30
    assert int(provinces["confirmed_cum"].sum()) > 10000


def test_describe_and_unknown_name(hubei) -> None:
    summary = describe(hubei).set_index("table")
    assert summary.loc["cases", "first_date"] == "2020-01-20"
    assert summary.loc["cases", "last_date"] == "2020-04-30"
    assert builtin_path("hubei-2020").joinpath("SOURCES.md").is_file()
    with pytest.raises(ConfigError, match="unknown data set"):
        load_builtin("nowhere-2020")
