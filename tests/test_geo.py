"""Great-circle distances."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pairaid.geo import (
    EARTH_RADIUS_KM,
    distance_table,
    great_circle_km,
    great_circle_midpoint,
    longitude_window,
    split_at_antimeridian,
)


def test_one_degree_on_equator_is_a_360th_of_the_circumference() -> None:
    d = great_circle_km(np.array([0.0]), np.array([10.0]), np.array([0.0]), np.array([11.0]))
    assert d[0] == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360, rel=1e-9)


def test_pole_to_pole_is_half_the_circumference() -> None:
    d = great_circle_km(np.array([90.0]), np.array([0.0]), np.array([-90.0]), np.array([0.0]))
    assert d[0] == pytest.approx(math.pi * EARTH_RADIUS_KM, rel=1e-9)


def test_distance_table_is_symmetric_and_ordered() -> None:
    regions = pd.DataFrame({"region_code": ["A", "B", "C"], "latitude": [30.0, 31.0, 40.0],
                            "longitude": [114.0, 112.0, 116.0]})
    t = distance_table(regions, ["A", "C"], ["B"])
    back = distance_table(regions, ["B"], ["A", "C"])
    assert list(t["donor_code"]) == ["A", "C"]
    assert np.allclose(t["distance_km"], back["distance_km"])


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance [km] between (lat, lon) points."""
    return float(great_circle_km(np.array([a[0]]), np.array([a[1]]), np.array([b[0]]),
                                 np.array([b[1]]))[0])


@pytest.mark.parametrize("eastward", [True, False])
def test_lines_across_the_antimeridian_are_cut_in_both_directions(eastward: bool) -> None:
    rng = np.random.default_rng(7 if eastward else 8)
    for _ in range(500):
        # one point east of 180° (positive longitude), one west of it, the short way across
        east = [float(rng.uniform(100.0, 180.0)), float(rng.uniform(-80.0, 80.0))]
        west = [float(rng.uniform(-180.0, -100.0)), float(rng.uniform(-80.0, 80.0))]
        if east[0] - west[0] <= 180.0:
            continue  # the short way goes through Greenwich: not a crossing
        start, end = (east, west) if eastward else (west, east)
        parts = split_at_antimeridian(start, end)
        assert len(parts) == 2
        first, second = parts
        assert first[0] == start and second[-1] == end
        # the cut is on the meridian, on the side of each part, at one latitude
        assert abs(first[-1][0]) == 180.0 and second[0][0] == -first[-1][0]
        assert first[-1][0] == math.copysign(180.0, start[0])
        assert first[-1][1] == second[0][1]
        lo, hi = sorted((start[1], end[1]))
        assert lo - 1e-6 <= first[-1][1] <= hi + 1e-6
        for part in parts:  # no part spans more than 180° of longitude
            assert abs(part[1][0] - part[0][0]) <= 180.0
        # the crossing latitude is linear in the unwrapped longitude
        unwrapped = end[0] + (360.0 if eastward else -360.0)
        t = (first[-1][0] - start[0]) / (unwrapped - start[0])
        assert first[-1][1] == pytest.approx(start[1] + t * (end[1] - start[1]), abs=1e-6)


def test_lines_that_do_not_cross_stay_one_part() -> None:
    assert split_at_antimeridian([114.3, 30.5], [116.4, 39.9]) == [[[114.3, 30.5],
                                                                   [116.4, 39.9]]]
    assert split_at_antimeridian([-10.0, 0.0], [170.0, 5.0]) == [[[-10.0, 0.0], [170.0, 5.0]]]
    # an end on the meridian itself is named on the other end's side, never split
    assert split_at_antimeridian([170.0, -40.0], [-180.0, -41.0]) == [[[170.0, -40.0],
                                                                      [180.0, -41.0]]]
    assert split_at_antimeridian([180.0, -40.0], [-170.0, -41.0]) == [[[-180.0, -40.0],
                                                                      [-170.0, -41.0]]]
    # both ends on the meridian, written +180 and -180: one line along it, on the start's
    # side (was a ZeroDivisionError, c0017 kind)
    assert split_at_antimeridian([180.0, -42.0], [-180.0, -44.0]) == [[[180.0, -42.0],
                                                                      [180.0, -44.0]]]
    assert split_at_antimeridian([-180.0, 10.0], [180.0, 20.0]) == [[[-180.0, 10.0],
                                                                    [-180.0, 20.0]]]


def test_midpoint_halves_the_great_circle_distance() -> None:
    rng = np.random.default_rng(11)
    for _ in range(300):
        a = (float(rng.uniform(-80, 80)), float(rng.uniform(-180, 180)))
        b = (float(rng.uniform(-80, 80)), float(rng.uniform(-180, 180)))
        m = great_circle_midpoint(*a, *b)
        assert -180.0 <= m[1] < 180.0
        assert _km(a, m) == pytest.approx(_km(a, b) / 2, abs=1e-6)
        assert _km(m, b) == pytest.approx(_km(a, b) / 2, abs=1e-6)


def test_longitude_window_takes_the_short_way_round() -> None:
    # by hand: Canterbury 172.6362, Wellington 174.7762, Chatham -176.5597 = 183.4403
    assert longitude_window([174.7762, 172.6362, -176.5597]) == (172.6362, 183.4403)
    assert longitude_window([-176.5597, 172.6362]) == (172.6362, 183.4403)
    # the built-in Hubei run: no meridian crossed, the plain min and max
    assert longitude_window([102.7, 126.6, 114.3]) == (102.7, 126.6)
    assert longitude_window([179.0, -179.0]) == (179.0, 181.0)
    assert longitude_window([360.0 + 5.0]) == (5.0, 5.0)
    with pytest.raises(ValueError):
        longitude_window([])
