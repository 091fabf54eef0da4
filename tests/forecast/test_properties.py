"""Properties that must hold for any input (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pairaid.forecast import QUANTILES, project_census
from pairaid.forecast.census import LengthOfStay
from pairaid.forecast.scoring import weighted_interval_score

LEVELS = np.asarray(QUANTILES)
counts = st.lists(st.integers(0, 5000), min_size=1, max_size=30)


@settings(max_examples=50, deadline=None)
@given(values=st.lists(st.floats(0, 1e5), min_size=23, max_size=23), y=st.floats(0, 1e5))
def test_wis_is_non_negative_and_zero_only_at_a_point_mass_on_y(values, y):
    q = np.sort(np.asarray(values))
    wis = float(weighted_interval_score(LEVELS, q, np.array(y)))
    assert wis >= 0
    assert float(weighted_interval_score(LEVELS, np.full(23, y), np.array(y))) == 0.0


@settings(max_examples=50, deadline=None)
@given(past=counts, future=counts, extra=st.integers(1, 1000), c0=st.floats(0, 1e5))
def test_census_grows_with_admissions_and_never_negative(past, future, extra, c0):
    s = LengthOfStay().survival()
    past_a = np.asarray(past, dtype=float)
    fut = np.asarray(future, dtype=float)[None, :]
    base = project_census(past_a, c0, fut, s)
    more = fut.copy()
    more[0, 0] += extra
    bigger = project_census(past_a, c0, more, s)
    assert np.all(base >= 0)
    assert np.all(bigger >= base)
    assert np.isclose(bigger[0, 0], base[0, 0] + extra, rtol=1e-12, atol=1e-6)
