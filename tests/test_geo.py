"""Great-circle distances."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pairaid.geo import EARTH_RADIUS_KM, distance_table, great_circle_km


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
