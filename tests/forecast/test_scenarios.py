"""Scenario paths: chunks and seeds, marginals against the forecast, the realised path."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pairaid.datasets import load_builtin
from pairaid.errors import ConfigError
from pairaid.forecast import forecast_cases
from pairaid.forecast.scenarios import (
    SCENARIO_LEVEL,
    census_paths,
    realised_census,
    recalibrate_paths,
    scenario_chunks,
    scenario_forecast,
)

ORIGIN = date(2020, 2, 10)


@pytest.fixture(scope="module")
def cases() -> pd.DataFrame:
    return load_builtin("hubei-2020").cases


def test_chunks_cover_every_scenario_once_whatever_the_size() -> None:
    chunks = scenario_chunks(23, seed=1, chunk_size=5)
    assert [(c.start, c.stop) for c in chunks] == [(0, 5), (5, 10), (10, 15), (15, 20),
                                                   (20, 23)]
    assert [c.index for c in chunks] == [0, 1, 2, 3, 4]


def test_chunk_streams_are_seedsequence_children() -> None:
    # the chunk's stream is the one SeedSequence(seed).spawn(n)[i] gives
    chunk = scenario_chunks(10, seed=7, chunk_size=5)[1]
    child = np.random.SeedSequence(7).spawn(2)[1]
    assert np.array_equal(chunk.seed_sequence().generate_state(4), child.generate_state(4))


@pytest.mark.parametrize("n, size", [(0, 5), (5, 0)])
def test_bad_counts_are_refused(n: int, size: int) -> None:
    with pytest.raises(ConfigError):
        scenario_chunks(n, seed=1, chunk_size=size)


def test_same_chunk_same_paths_other_seed_other_paths(cases: pd.DataFrame) -> None:
    codes = ["421100", "429006"]
    a, b = (census_paths(cases, region_codes=codes, origin=ORIGIN, horizon_days=7,
                         chunk=scenario_chunks(6, seed=3, chunk_size=3)[1]) for _ in range(2))
    other = census_paths(cases, region_codes=codes, origin=ORIGIN, horizon_days=7,
                         chunk=scenario_chunks(6, seed=4, chunk_size=3)[1])
    assert a.shape == (3, 2, 7)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, other)
    # a region's paths do not depend on which other regions are drawn with it
    alone = census_paths(cases, region_codes=["429006"], origin=ORIGIN, horizon_days=7,
                         chunk=scenario_chunks(6, seed=3, chunk_size=3)[1])
    assert np.array_equal(alone[:, 0], a[:, 1])


def test_marginal_quantiles_of_paths_match_the_forecast(cases: pd.DataFrame) -> None:
    """Tolerance: on every day, the paths' q-quantile is within 12 % of the forecast's, or
    the forecast's q-quantile lies between the paths' (q - 0.06)- and (q + 0.06)-quantiles.
    The forecast is itself a 1,000-sample estimate: two of its seeds differ by up to 10 %
    at the 0.25 quantile of Xiaogan (420900), whose ensemble forecast is bimodal."""
    codes = ["421100", "420900"]
    fc = forecast_cases(cases, region_codes=codes, origin=ORIGIN, horizon_days=28, seed=0)
    paths = np.concatenate([census_paths(cases, region_codes=codes, origin=ORIGIN,
                                         horizon_days=28, chunk=c)
                            for c in scenario_chunks(1000, seed=11)])
    for j, code in enumerate(codes):
        for q in (0.1, 0.25, 0.5, 0.75, 0.9):
            want = fc[(fc["region_code"] == code) & (fc["target"] == "census")
                      & np.isclose(fc["quantile"], q)].sort_values("date")["value"].to_numpy()
            level = (paths[:, j, :] <= want[None, :]).mean(axis=0)
            value = np.quantile(paths[:, j, :], q, axis=0)
            ok = (np.abs(level - q) <= 0.06) | (np.abs(value / want - 1) <= 0.12)
            assert ok.all(), (code, q, level, value / want)


def test_recalibration_maps_ranks_to_shifted_values() -> None:
    table = pd.DataFrame({"target": "census", "horizon_days": 1, "quantile": [0.25, 0.75],
                          "shift": [0.0, np.log(2.0)]})
    paths = np.array([[9.0], [1.0]])  # ranks 1 and 0: levels 0.75 and 0.25
    out = recalibrate_paths(paths, table)
    assert out[:, 0].tolist() == pytest.approx([19.0, 1.0])  # (1 + 9) * 2 - 1


def test_scenario_forecast_is_a_one_level_census_table() -> None:
    census = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    fc = scenario_forecast(census, region_codes=["A", "B"], origin=ORIGIN)
    assert list(fc["region_code"]) == ["A"] * 3 + ["B"] * 3
    assert list(fc["value"]) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert fc["date"].iloc[0] == pd.Timestamp("2020-02-11")
    assert set(fc["quantile"]) == {SCENARIO_LEVEL} and set(fc["target"]) == {"census"}


def test_realised_path_is_the_observed_census(cases: pd.DataFrame) -> None:
    real = realised_census(cases, region_codes=["421100"], origin=ORIGIN, horizon_days=3)
    assert real is not None
    rows = cases[(cases["region_code"] == "421100")
                 & cases["date"].between("2020-02-11", "2020-02-13")].sort_values("date")
    expected = (rows["confirmed_cum"] - rows["deaths_cum"] - rows["recovered_cum"]).astype(float)
    assert np.allclose(real[0], expected.to_numpy())


def test_realised_path_is_none_past_the_data(cases: pd.DataFrame) -> None:
    assert realised_census(cases, region_codes=["421100"], origin=date(2020, 4, 20),
                           horizon_days=28) is None
