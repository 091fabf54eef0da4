"""Partial pooling of a small stock's growth with the total's (pairaid.forecast.pooling)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.forecast.occupancy import forecast_occupancy
from pairaid.forecast.pooling import POOL_CODE, pooled_growth, total_stock


def test_pooled_growth_worked_by_hand() -> None:
    # module example: 19 patients, own 0.9 quantile 1,155, total 1,672 -> 3,344, n0 = 100:
    # w = 19 / 119; growth 19/119 * log(1156/20) + 100/119 * log(3345/1673) = 1.230;
    # 20 * e^1.230 - 1 = 67.4
    q = pooled_growth(np.array([1155.0]), 19, np.array([3344.0]), 1672, weight=100)
    assert q[0] == np.float64(q[0]) and abs(q[0] - 67.4) < 0.1
    # n0 = 0 leaves the region's own forecast as it is
    own = np.array([3.0, 20.0, 1155.0])
    assert np.allclose(pooled_growth(own, 19, own * 50, 1672, weight=0), own)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.floats(0, 1e5), min_size=2, max_size=23),
       st.lists(st.floats(0, 1e5), min_size=2, max_size=23),
       st.floats(0, 1e4), st.floats(1, 1e5), st.floats(0, 1e3))
def test_pooled_quantiles_stay_monotone_and_between(own: list[float], total: list[float],
                                                     s: float, s_total: float,
                                                     n0: float) -> None:
    k = min(len(own), len(total))
    a, b = np.sort(own[:k]), np.sort(total[:k])
    q = pooled_growth(a, s, b, s_total, weight=n0)
    assert np.all(np.diff(q) >= 0) and np.all(q >= 0)
    # the pooled growth lies between the region's own and the total's, level by level
    own_g = np.log1p(a) - np.log1p(s)
    tot_g = np.log1p(b) - np.log1p(s_total)
    g = np.log1p(np.maximum(q, 0)) - np.log1p(s)
    lo, hi = np.minimum(own_g, tot_g), np.maximum(own_g, tot_g)
    # np.maximum.accumulate may lift a level to its left neighbour (never below lo)
    assert np.all(g >= lo - 1e-9) and np.all(g <= np.maximum.accumulate(hi) + 1e-9)


def _two_regions() -> pd.DataFrame:
    """A large ICU stock growing 6 % a day (200 -> 813 over 24 days) and a small one that
    went 1, 1, 2, 3, 5, 7, 10, 14, 19 over its last nine days; 6 in hospital per ICU patient."""
    days = pd.date_range("2020-02-20", "2020-03-15")
    n = len(days)
    stocks = {"BIG": np.round(200 * 1.06 ** np.arange(n)),
              "SMALL": np.array([0] * (n - 9) + [1, 1, 2, 3, 5, 7, 10, 14, 19])}
    frames = [pd.DataFrame({"date": days, "region_code": code, "confirmed_cum": icu * 6 + 5,
                            "deaths_cum": 0, "recovered_cum": 0, "hospitalised": icu * 6,
                            "icu": icu}) for code, icu in stocks.items()]
    cases = pd.concat(frames, ignore_index=True)
    for col in ("confirmed_cum", "deaths_cum", "recovered_cum", "hospitalised", "icu"):
        cases[col] = cases[col].astype("Int64")
    cases["flags"] = pd.Series(pd.NA, index=cases.index, dtype="string")
    return cases


def test_small_stock_tail_is_bounded_by_the_pooled_growth() -> None:
    """Regression (Trento's ICU 0.9 quantile 1,155 for 2020-03-29 where 75 were observed):
    the linear pool carries a small stock's early doubling, with its parametric spread, over
    14 days; the default model pools that growth with the total's."""
    cases = _two_regions()
    kw = {"region_codes": ["SMALL", "BIG"], "origin": date(2020, 3, 15), "horizon_days": 14,
          "parameters": {"icu_los_days": 7}, "seed": 0}

    def q(fc: pd.DataFrame, code: str, level: float) -> float:
        row = fc[(fc["region_code"] == code) & (fc["target"] == "icu_census")
                 & (fc["date"] == "2020-03-29") & np.isclose(fc["quantile"], level)]
        return float(row["value"].iloc[0])

    old = forecast_occupancy(cases, model="ensemble", **kw)
    new = forecast_occupancy(cases, model="default", **kw)
    # the raw ensemble: 19 patients become a 0.9 quantile of more than 30 times as many
    assert q(old, "SMALL", 0.9) > 30 * 19
    # pooled (n0 = 10, w = 19/29 = 0.66): the total grows about 2.2x in 14 days at the 0.9
    # level, so the bound is about 20 * (own growth)^0.66 * 2.2^0.34 - 1, well under 20x
    assert q(new, "SMALL", 0.9) < 16 * 19
    assert q(new, "SMALL", 0.9) < 0.5 * q(old, "SMALL", 0.9)
    # the large stock keeps nearly its own forecast (w = 813/823 = 0.988: the total moves
    # it by the factor (total's growth / own growth)^0.012, within 2 % at these levels)
    for level in (0.5, 0.9):
        assert abs(q(new, "BIG", level) / q(old, "BIG", level) - 1) < 0.02
    # quantiles monotone; ICU never above the hospital census at the same level
    for fc in (old, new):
        for _, g in fc.groupby(["region_code", "date", "target"]):
            assert np.all(np.diff(g.sort_values("quantile")["value"].to_numpy()) >= 0)
        wide = fc.pivot_table(index=["region_code", "date", "quantile"], columns="target",
                              values="value")
        assert (wide["icu_census"] <= wide["census"] + 1e-9).all()
    assert POOL_CODE not in set(new["region_code"])


def test_total_stock_is_unknown_on_a_day_a_region_does_not_report() -> None:
    cases = pd.DataFrame({"date": pd.to_datetime(["2020-03-01"] * 2 + ["2020-03-02"] * 2),
                          "region_code": ["A", "B", "A", "B"],
                          "icu": pd.array([3, 4, 5, pd.NA], dtype="Int64")})
    total = total_stock(cases, "icu").set_index("date")["icu"]
    assert total.loc["2020-03-01"] == 7 and np.isnan(total.loc["2020-03-02"])
