"""Length of stay from the region's own removals: recovers a known distribution."""

from __future__ import annotations

import numpy as np
import pytest

from pairaid.forecast.census import LengthOfStay, project_census
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


def drifting(los: LengthOfStay, trend: float, days: int, origin: int) -> tuple[np.ndarray,
                                                                             np.ndarray]:
    """Census whose discharge hazard is multiplied by ``exp(trend (t - origin))`` on day
    ``t`` (proportional hazards, each cohort followed day by day; independent of
    :func:`pairaid.forecast.census.project_census`)."""
    t = np.arange(days)
    admissions = np.round(400 * np.exp(-0.5 * ((t - 18) / 7.0) ** 2))
    s = los.survival()
    log_stay = np.log(s[1:] / s[:-1])
    census = np.zeros(days)
    for d in range(days):
        log_left = 0.0
        census[d] += admissions[d]
        for k in range(d + 1, days):
            log_left += log_stay[k - d - 1] * np.exp(trend * (k - origin))
            census[k] += admissions[d] * np.exp(log_left)
    return admissions, census


@pytest.mark.parametrize(("mean", "shape"), [(12.0, 4.0), (20.0, 3.0)])
@pytest.mark.parametrize("trend", [0.0, 0.04, -0.03])
def test_a_calendar_trend_of_the_hazard_is_recovered(mean, shape, trend):
    """Discharges speeding up (or slowing down) in calendar time: the posterior of the
    trend holds the true one within 2 posterior sd, and where discharges speed up (0.04 a
    day: the hazard x1.75 in 14 days) the census 14 days ahead, projected with the true
    admissions and the fitted trend continued, is nearer the truth than the fit without a
    trend."""
    los = LengthOfStay(mean, shape)
    admissions, census = drifting(los, trend, days=59, origin=44)
    seen, later = slice(0, 45), slice(45, 59)
    post = fit_los_posterior(admissions[seen], census[seen], prior=LengthOfStay())
    assert post.trends is not None
    centre = float(np.sum(post.weights * post.trends))
    sd = float(np.sqrt(np.sum(post.weights * (post.trends - centre) ** 2)))
    assert abs(centre - trend) < 2 * sd

    def ahead(p) -> float:
        return sum(
            w * project_census(admissions[seen], census[44], admissions[None, later],
                               LengthOfStay(float(m), float(s)).survival(),
                               hazard_multiplier=p.multiplier(p.trend_of(i), 14))[0, -1]
            for i, (m, s, w) in enumerate(zip(p.means, p.shapes, p.weights, strict=True))
            if w > 1e-9
        )

    if trend > 0:
        flat = fit_los_posterior(admissions[seen], census[seen], prior=LengthOfStay(),
                                 trend=False)
        assert abs(ahead(post) - census[58]) < abs(ahead(flat) - census[58])
