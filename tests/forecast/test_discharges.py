"""Length of stay from the region's own removals: recovers a known distribution."""

from __future__ import annotations

import numpy as np
import pytest

from pairaid.forecast.census import LengthOfStay
from pairaid.forecast.discharges import fit_los_posterior, observed_removals


def synthetic(los: LengthOfStay, days: int = 45) -> tuple[np.ndarray, np.ndarray]:
    """Admissions rising then falling; census = sum_d a_d S(t - d) exactly."""
    t = np.arange(days)
    admissions = np.round(400 * np.exp(-0.5 * ((t - 18) / 7.0) ** 2))
    s = los.survival()
    census = np.array([sum(admissions[d] * s[k - d] for d in range(k + 1)) for k in t])
    return admissions, census


def test_removals_are_census_change_plus_admissions():
    removals = observed_removals(np.array([5.0, 3.0, 0.0]), np.array([5.0, 7.0, 4.0]))
    np.testing.assert_allclose(removals, [np.nan, 1.0, 3.0])


@pytest.mark.parametrize(("mean", "shape"), [(8.0, 6.0), (25.0, 3.0)])
def test_posterior_recovers_a_known_length_of_stay(mean, shape):
    admissions, census = synthetic(LengthOfStay(mean, shape))
    post = fit_los_posterior(admissions, census, prior=LengthOfStay())  # prior 15.1 d
    assert post.from_data
    # grid steps are 13 % apart in the mean; the literature prior is 15.1 days
    assert post.mean_days == pytest.approx(mean, rel=0.15)
    # the fitted hazard: share of the census leaving per day at the origin, as implied
    # by the true and by the fitted distribution, agree
    best = int(np.argmax(post.weights))
    fitted = LengthOfStay(float(post.means[best]), float(post.shapes[best])).survival()
    true = LengthOfStay(mean, shape).survival()
    ages = np.arange(len(admissions))[::-1]
    hazard = [1 - (admissions @ s[ages + 1]) / (admissions @ s[ages]) for s in (true, fitted)]
    assert hazard[1] == pytest.approx(hazard[0], rel=0.1)


def test_literature_fallback_when_the_census_is_unknown_or_removals_are_few():
    admissions, census = synthetic(LengthOfStay(8.0, 6.0))
    unknown = census.copy()
    unknown[-2] = np.nan  # only the origin known: no day of removals
    post = fit_los_posterior(admissions, unknown, prior=LengthOfStay())
    assert not post.from_data
    assert post.mean_days == pytest.approx(15.1, rel=0.05)
    few = fit_los_posterior(admissions[:8] * 0 + 1, np.arange(8.0) + 1, prior=LengthOfStay())
    assert not few.from_data


@pytest.mark.parametrize(("mean", "shape"), [(8.0, 6.0), (25.0, 3.0)])
def test_a_few_days_of_removals_are_fitted_not_replaced_by_the_literature(mean, shape):
    """Hubei cities on 2020-02-10: recovered known on the last 5 days only (4 days of
    removals). The fit uses them: the share of the census leaving per day at the origin
    matches the true one, where the literature LOS (15.1 d) is off by a factor of 2 or
    more either way."""
    admissions, census = synthetic(LengthOfStay(mean, shape), days=30)
    recent = census.copy()
    recent[:-5] = np.nan
    post = fit_los_posterior(admissions, recent, prior=LengthOfStay())
    assert post.from_data
    best = int(np.argmax(post.weights))
    ages = np.arange(len(admissions))[::-1]

    def hazard(los: LengthOfStay) -> float:
        s = los.survival()
        return float(1 - (admissions @ s[ages + 1]) / (admissions @ s[ages]))

    true = hazard(LengthOfStay(mean, shape))
    fitted = hazard(LengthOfStay(float(post.means[best]), float(post.shapes[best])))
    literature = hazard(LengthOfStay())
    assert fitted == pytest.approx(true, rel=0.1)
    assert max(literature / true, true / literature) > 2.0


def test_groups_draw_each_grid_point_floor_or_ceil_of_its_share():
    """Systematic resampling: with 8 groups, a point of weight w is drawn floor(8 w) or
    ceil(8 w) times, whatever the random source."""
    from pairaid.forecast.discharges import LosPosterior

    weights = np.array([0.05, 0.30, 0.02, 0.40, 0.23])
    post = LosPosterior(means=np.array([10.0, 12.0, 14.0, 16.0, 18.0]),
                        shapes=np.full(5, 4.0), weights=weights, from_data=True)
    for seed in range(50):
        drawn = [g.mean_days for g in post.groups(np.random.default_rng(seed), 8)]
        counts = np.array([drawn.count(m) for m in post.means])
        assert counts.sum() == 8
        assert np.all(counts >= np.floor(8 * weights)) and np.all(counts <= np.ceil(8 * weights))
