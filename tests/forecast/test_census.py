"""Census from admissions through LOS, and nested severity classes: hand-computed cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.errors import ConfigError
from pairaid.forecast import LengthOfStay, project_census, severity_census
from pairaid.forecast.census import starting_census

# LOS: everyone stays 1, 2 or 3 days with probabilities 0.5, 0.25, 0.25
# S(0)=1, S(1)=P(LOS>1)=0.5, S(2)=0.25, S(3)=0
SURVIVAL = np.array([1.0, 0.5, 0.25, 0.0])


def test_census_from_admissions_hand_computed():
    past = np.array([8.0, 4.0])  # admissions on origin-1 and origin
    # implied census at origin: 8*S(1) + 4*S(0) = 4 + 4 = 8; observed census 16 (factor 2)
    # implied day +1: 8*S(2) + 4*S(1) = 2 + 2 = 4 -> prevalent 8
    # implied day +2: 8*S(3) + 4*S(2) = 0 + 1 = 1 -> prevalent 2
    future = np.array([[10.0, 20.0]])
    # new day +1: 10*S(0) = 10 ; day +2: 10*S(1) + 20*S(0) = 5 + 20 = 25
    got = project_census(past, 16.0, future, SURVIVAL)
    np.testing.assert_allclose(got, [[8 + 10, 2 + 25]])


def test_census_without_history_uses_stationary_residual_stay():
    # sum S = 1.75; P(residual > 1) = (0.5+0.25)/1.75, P(residual > 2) = 0.25/1.75
    got = project_census(np.array([0.0]), 7.0, np.zeros((1, 2)), SURVIVAL)
    np.testing.assert_allclose(got, [[7 * 0.75 / 1.75, 7 * 0.25 / 1.75]])


def test_starting_census_observed_and_estimated():
    conf = np.array([10.0, 20.0, 30.0])
    deaths = np.array([0.0, 1.0, 2.0])
    rec = np.array([0.0, 3.0, 5.0])
    adm = np.array([10.0, 10.0, 10.0])
    assert starting_census(conf, deaths, rec, adm, SURVIVAL) == (23.0, False)
    # recovered unknown at the origin: carry day 1 (census 16) forward one day.
    # cohorts up to day 1 imply 10*S(1)+10*S(0)=15 at day 1 and 10*S(2)+10*S(1)=7.5 at day 2
    # -> 16 * 7.5/15 = 8, plus day-2 admissions 10*S(0) = 10 -> 18
    rec_unknown = np.array([0.0, 3.0, np.nan])
    assert starting_census(conf, deaths, rec_unknown, adm, SURVIVAL) == (18.0, True)
    # nothing known: implied by admissions 10*S(2)+10*S(1)+10*S(0) = 17.5
    none = np.full(3, np.nan)
    assert starting_census(conf, deaths, none, adm, SURVIVAL) == (17.5, True)


def test_default_los_matches_rees_quartiles():
    """Default gamma LOS reproduces median 14, IQR 10-19 days (Rees et al. 2020)."""
    from scipy import stats

    los = LengthOfStay()
    dist = stats.gamma(los.shape, scale=los.mean_days / los.shape)
    np.testing.assert_allclose(dist.ppf([0.25, 0.5, 0.75]), [10, 14, 19], atol=0.1)
    s = los.survival()
    assert s[0] == 1.0 and np.all(np.diff(s) <= 0) and s[-1] < 1e-9


def test_severity_census_nested_hand_computed():
    census = pd.DataFrame(
        {
            "region_code": ["A", "A"],
            "date": pd.to_datetime(["2020-02-01", "2020-02-01"]),
            "target": ["census", "census"],
            "quantile": [0.5, 0.9],
            "value": [1000.0, 2000.0],
            "estimated": [False, False],
        }
    )
    got = severity_census(census, shares={"icu_share": 0.1, "ventilated_share_of_icu": 0.5})
    wide = got.pivot(index="quantile", columns="severity", values="value")
    np.testing.assert_allclose(
        wide.loc[0.5, ["hospital", "ward", "icu", "ventilated"]], [1000, 900, 100, 50]
    )
    np.testing.assert_allclose(
        wide.loc[0.9, ["hospital", "ward", "icu", "ventilated"]], [2000, 1800, 200, 100]
    )
    assert (wide["ventilated"] <= wide["icu"]).all() and (wide["icu"] <= wide["hospital"]).all()
    np.testing.assert_allclose(wide["ward"] + wide["icu"], wide["hospital"])


def test_severity_census_ignores_other_targets_and_checks_shares():
    rows = pd.DataFrame(
        {
            "region_code": ["A", "A"],
            "date": pd.to_datetime(["2020-02-01"] * 2),
            "target": ["census", "new_confirmed"],
            "quantile": [0.5, 0.5],
            "value": [100.0, 7.0],
        }
    )
    got = severity_census(rows)
    assert len(got) == 4 and set(got["value"].round(6)) == {100.0, 95.0, 5.0, 2.3}
    with pytest.raises(ConfigError, match="icu_share"):
        severity_census(rows, shares={"icu_share": 1.5})


# --- re-count days at the census start (case c0007 and its kind) -----------------------

CASES_DIR = Path(__file__).parents[1] / "data" / "cases"


def test_c0007_census_start_is_carried_over_the_recount_day():
    # c0007: Jingmen (420800) confirmed 901 -> 794 (-107) on 2020-02-19 and 912 on 02-20.
    # 02-18: 901 - 33 - 181 = 687; 02-19 reports 1 more death and 20 more discharges, and
    # a re-count day counts 0 admissions, so the census is 687 - 1 - 20 = 666 (not 559);
    # observed 646 on 02-20 must lie inside the day-1 forecast interval
    from pairaid.datasets import load_dataset
    from pairaid.forecast import forecast_cases

    cases = load_dataset(CASES_DIR / "c0007" / "data").cases
    rows = cases[cases["region_code"] == "420800"].sort_values("date")
    col = {c: rows[c].to_numpy(dtype=float) for c in ("confirmed_cum", "deaths_cum",
                                                        "recovered_cum")}
    adm = np.zeros(len(rows))
    got = starting_census(col["confirmed_cum"], col["deaths_cum"], col["recovered_cum"], adm,
                          LengthOfStay().survival())
    assert got == (666.0, True)
    fc = forecast_cases(cases, region_codes=["420800"], origin=date(2020, 2, 19),
                        horizon_days=3)
    day1 = fc[(fc["target"] == "census") & (fc["date"] == pd.Timestamp("2020-02-20"))]
    q = day1.set_index("quantile")["value"]
    assert q[0.05] <= 646 <= q[0.95]
    assert abs(q[0.5] - 646) <= 15
    assert day1["estimated"].all()


@pytest.mark.parametrize("seed", range(5))
def test_kind_a_recount_dip_never_moves_the_census_start(seed):
    """Kind of c0007: however deep the dip of confirmed on a re-count day (at the origin or
    inside the LOS fitting window, once or falling on consecutive days), the starting census and
    the fitted LOS mean are those of the same series with confirmed held at its level the
    day before (no admissions), and the start is flagged as estimated when the origin is
    a re-count day."""
    from pairaid.forecast.discharges import fit_los_posterior
    from pairaid.forecast.events import observed_census

    def fit_los_mean(adm: np.ndarray, census: np.ndarray, prior: LengthOfStay) -> float:
        return fit_los_posterior(adm, census, prior=prior).mean_days

    rng = np.random.default_rng(seed)
    n = 30
    conf = np.cumsum(rng.integers(20, 80, n)).astype(float)
    deaths = np.cumsum(rng.integers(0, 3, n)).astype(float)
    rec = np.cumsum(rng.integers(5, 30, n)).astype(float)
    surv = LengthOfStay().survival()
    for days in ([n - 1], [n - 2, n - 1], [n - 4], [n - 6, n - 5]):
        held = conf.copy()
        for d in days:  # no admissions on a re-count day: the level of the day before
            held[d:] -= held[d] - held[d - 1]
        adm = np.maximum(np.diff(held, prepend=0.0), 0.0)
        want = starting_census(held, deaths, rec, adm, surv)[0]
        want_fit = fit_los_mean(adm, held - deaths - rec, prior=LengthOfStay())
        for depth in (1.0, 17.0, 0.5 * held[days[0]], held[days[0]]):
            dipped = held.copy()
            for i, d in enumerate(days):  # falls on each re-count day
                dipped[d] = held[d] - depth * (i + 1) / len(days)
            if days[-1] + 1 < n:  # restored the day after (Jingmen 2020-02-20)
                assert dipped[days[-1] + 1] == held[days[-1] + 1]
            value, estimated = starting_census(dipped, deaths, rec, adm, surv)
            assert value == pytest.approx(want)
            assert estimated == (n - 1 in days)
            census, carried = observed_census(dipped, deaths, rec)
            assert carried[days].all() and carried.sum() == len(days)
            assert fit_los_mean(adm, census, prior=LengthOfStay()) == want_fit
            # the untreated reading takes the dip at face value
            ignored = starting_census(dipped, deaths, rec, adm, surv, events="ignore")[0]
            if days == [n - 1]:
                assert ignored == pytest.approx(max(want - depth, 0.0))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("column", ["deaths", "recovered"])
def test_kind_a_fall_of_deaths_or_discharges_is_a_recount_too(seed, column):
    """Kind of c0007 on the other counts: a day whose deaths or discharges count falls
    (Italy flags 39 such days of recovered_cum; Hubei's Shiyan 2020-03-13 went 633 -> 629)
    would put patients back into care overnight (census 31 -> 35). Its census is that of
    the same series with the fallen count held at the day before (the day's admissions
    in, nobody out through that count), flagged estimated; other days as reported."""
    from pairaid.forecast.events import observed_census

    rng = np.random.default_rng(seed)
    n = 30
    conf = np.cumsum(rng.integers(20, 80, n)).astype(float)
    counts = {"deaths": np.cumsum(rng.integers(0, 3, n)).astype(float),
              "recovered": np.cumsum(rng.integers(5, 30, n)).astype(float)}
    surv = LengthOfStay().survival()
    adm = np.diff(conf, prepend=0.0)
    for d in (n - 1, n - 4):
        for depth in (1.0, 25.0, counts[column][d - 1]):
            held = {k: v.copy() for k, v in counts.items()}
            held[column][d] = counts[column][d - 1]
            dipped = {k: v.copy() for k, v in counts.items()}
            dipped[column][d] = counts[column][d - 1] - depth
            census, carried = observed_census(conf, dipped["deaths"], dipped["recovered"])
            want = conf - held["deaths"] - held["recovered"]
            assert census == pytest.approx(want)
            assert carried.tolist() == [i == d for i in range(n)]
            value, estimated = starting_census(conf, dipped["deaths"], dipped["recovered"],
                                               adm, surv)
            assert value == pytest.approx(want[-1]) and estimated == (d == n - 1)
    # Shiyan (420300) 2020-03-11..13 by hand: 672 - 8 - 633 = 31 stays 31 on 03-13
    census, carried = observed_census(np.array([672.0, 672.0, 672.0]), np.array([8.0] * 3),
                                      np.array([614.0, 633.0, 629.0]))
    assert census.tolist() == [50.0, 31.0, 31.0] and carried.tolist() == [False, False, True]


def test_kind_confirmed_and_discharges_falling_on_the_same_day_bring_nobody_back():
    """c0007 kind, both counts at once: Jingmen (420800) 2020-02-18 -> 19 with confirmed
    901 -> 794 and recovered 181 -> 150 as well. By hand: 687 in care on 02-18 (901 - 33 -
    181); on 02-19 no admissions (confirmed fell), 1 death, no discharges (recovered fell):
    687 - 1 = 686. Taking the discharges' fall as reported put 31 patients back: 717."""
    from pairaid.forecast.events import observed_census

    census, carried = observed_census(np.array([901.0, 794.0]), np.array([33.0, 34.0]),
                                      np.array([181.0, 150.0]))
    assert census.tolist() == [687.0, 686.0] and carried.tolist() == [False, True]
    surv = LengthOfStay().survival()
    value, estimated = starting_census(np.array([901.0, 794.0]), np.array([33.0, 34.0]),
                                       np.array([181.0, 150.0]), np.array([901.0, 0.0]), surv)
    assert (value, estimated) == (686.0, True)


def test_random_departures_keep_the_expected_census_and_whole_persons():
    """With a random source, patients present at the origin leave by binomial thinning:
    the mean over paths equals the expected census, every path is a whole number of
    persons, and a path never grows without admissions."""
    past = np.full(30, 10.0)
    survival = LengthOfStay().survival()
    future = np.zeros((4000, 14))
    expected = project_census(past, 120.0, future[:1], survival)[0]
    paths = project_census(past, 120.0, future, survival, np.random.default_rng(3))
    np.testing.assert_allclose(paths.mean(axis=0), expected, rtol=0.02)
    assert np.all(paths == np.round(paths)) and np.all(np.diff(paths, axis=1) <= 0)
    # binomial spread: sd of the count on day 14 = sqrt(N p (1 - p))
    p14 = expected[-1] / 120.0
    assert paths[:, -1].std() == pytest.approx(np.sqrt(120 * p14 * (1 - p14)), rel=0.1)


def test_hazard_multiplier_is_proportional_hazards_hand_computed():
    """Exponential LOS (shape 1, mean 10 d): the daily stay probability is exp(-1/10), so a
    hazard multiplied by ``m_k`` on day ``k`` leaves ``exp(-sum m_k / 10)`` of any cohort;
    a constant factor 2 is the same as a mean of 5 days. A factor of 1 changes nothing."""
    exponential = LengthOfStay(10.0, 1.0).survival()
    past = np.array([30.0, 0.0, 50.0, 20.0])
    future = np.array([[40.0, 0.0, 10.0, 0.0, 0.0]])
    m = np.array([1.0, 2.0, 0.5, 3.0, 1.0])
    got = project_census(past, 100.0, future, exponential, hazard_multiplier=m)[0]
    cum = np.cumsum(m)
    # present at the origin: 100 exp(-cum_h / 10); admitted on day i: exp(-(cum_h - cum_i)/10)
    want = 100.0 * np.exp(-cum / 10.0)
    for i, a in enumerate(future[0]):
        want[i:] += a * np.exp(-(cum[i:] - cum[i]) / 10.0)
    np.testing.assert_allclose(got, want, rtol=1e-10)
    doubled = project_census(past, 100.0, future, exponential, hazard_multiplier=np.full(5, 2.0))
    halved = project_census(past, 100.0, future, LengthOfStay(5.0, 1.0).survival())
    np.testing.assert_allclose(doubled, halved, rtol=1e-10)
    gamma = LengthOfStay().survival()
    same = project_census(past, 100.0, future, gamma, hazard_multiplier=np.full(5, 1.0 + 1e-13))
    np.testing.assert_allclose(same, project_census(past, 100.0, future, gamma), rtol=1e-9)
