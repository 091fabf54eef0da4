"""Whole staff without float residue: against exact rational arithmetic (issue 19, kind 2).

The right answers come from :class:`fractions.Fraction`: the parameters are decimal numbers,
so every capacity and gap is an exact rational number whose floor or ceiling is known.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.gaps import compute_gaps, donor_capacities
from pairaid.needs import per_patient_needs
from pairaid.rounding import WHOLE_TOL, snap_whole, whole_ceil, whole_floor

PARAMS = {"share_mild": "0.8", "share_severe": "0.15", "share_critical": "0.05",
          "share_ventilated_of_critical": "0.5", "beds_per_patient": "1.0",
          "doctors_per_ward_patient": "0.2", "nurses_per_ward_patient": "0.4",
          "doctors_per_icu_patient": "0.8", "nurses_per_icu_patient": "3.0",
          "covid_share_beds": "0.2", "covid_share_staff": "0.1", "deployable_share": "0.01"}
"""The built-in hubei-2020 values, as the decimal text they are published in."""
FLOAT_PARAMS = {k: float(v) for k, v in PARAMS.items()}


def _exact_ratio(resource: str) -> Fraction:
    """Exact staff per patient: the float ratio's nearest fraction with a small denominator
    (0.23000000000000004 -> 23/100; the inputs have at most 4 decimals)."""
    return Fraction(per_patient_needs(FLOAT_PARAMS)[resource]).limit_denominator(10**6)


def test_exact_ratio_is_the_decimal_one() -> None:
    # 0.95 x 0.2 + 0.05 x 0.8 = 0.23 doctors, 0.95 x 0.4 + 0.05 x 3 = 0.53 nurses per patient
    assert _exact_ratio("doctors") == Fraction(23, 100)
    assert _exact_ratio("nurses") == Fraction(53, 100)


@pytest.mark.parametrize("share", ["0.01", "0.02", "0.03"])
def test_donor_capacity_grid_matches_exact_arithmetic(share: str) -> None:
    doctors = np.arange(100, 6001, 100)
    census = np.arange(0, 201)
    codes = [f"D{i}-{j}" for i in range(doctors.size) for j in range(census.size)]
    caps = pd.DataFrame({"region_code": codes, "resource": "doctors",
                         "quantity": np.repeat(doctors, census.size).astype(float),
                         "estimated": False})
    cases = pd.DataFrame({"date": pd.Timestamp("2020-02-10"), "region_code": codes,
                          "confirmed_cum": pd.array(np.tile(census, doctors.size), "Int64"),
                          "deaths_cum": pd.array([0] * len(codes), "Int64"),
                          "recovered_cum": pd.array([0] * len(codes), "Int64")})
    # covid_share_staff 0: the donor's whole own need comes out of what it can send
    params = {**FLOAT_PARAMS, "deployable_share": float(share), "covid_share_staff": 0.0}
    out = donor_capacities(caps, cases, donors=codes, decision_date=date(2020, 2, 10),
                           parameters=params).set_index("donor_code")["capacity"]
    ratio = _exact_ratio("doctors")
    wrong = []
    for code, n, c in zip(codes, np.repeat(doctors, census.size), np.tile(census, doctors.size),
                          strict=True):
        exact = max(Fraction(int(n)) * Fraction(share) - int(c) * ratio, Fraction(0))
        if out[code] != math.floor(exact):
            wrong.append((int(n), int(c), float(exact), float(out[code])))
    assert wrong == []


def test_gap_grid_matches_exact_arithmetic() -> None:
    census = np.arange(0, 2001, 7).astype(float)
    staff = np.arange(0, 3001, 50).astype(float)
    rows = [(f"R{i}-{j}", c, s) for i, c in enumerate(census) for j, s in enumerate(staff)]
    codes = [r[0] for r in rows]
    ratio = per_patient_needs(FLOAT_PARAMS)["doctors"]
    needs = pd.DataFrame({"region_code": codes, "date": pd.Timestamp("2020-02-11"),
                          "resource": "doctors", "quantile": 0.5,
                          "value": [r[1] * ratio for r in rows], "estimated": False})
    caps = pd.DataFrame({"region_code": codes, "resource": "doctors",
                         "quantity": [r[2] for r in rows], "estimated": False})
    gaps = compute_gaps(needs, caps, quantile=0.5, parameters=FLOAT_PARAMS)
    gap = gaps.set_index("region_code")["gap"]
    exact_ratio, share = _exact_ratio("doctors"), Fraction(PARAMS["covid_share_staff"])
    wrong = []
    for code, c, s in rows:
        exact = max(int(c) * exact_ratio - int(s) * share, Fraction(0))
        if exact.denominator == 1 and gap[code] != exact:
            wrong.append((code, "not whole", float(exact), gap[code]))
        if whole_ceil(gap[code]) != math.ceil(exact):
            wrong.append((code, "ceil", float(exact), gap[code]))
    assert wrong == []


def test_rounding_helpers_against_fractions() -> None:
    rng = np.random.default_rng(19)
    for _ in range(2000):
        # a decimal staff figure a - b x c with up to 2 decimals in each factor
        a, b, c = (Fraction(int(rng.integers(0, 10**6)), 100) for _ in range(3))
        exact = a - b * c / 100
        x = float(a) - float(b) * float(c) / 100
        assert whole_floor(x) == math.floor(exact), (a, b, c, x)
        assert whole_ceil(x) == math.ceil(exact), (a, b, c, x)
        assert snap_whole(x) == (float(exact) if exact.denominator == 1 else x)
    # a real fraction of a person is never rounded away
    assert whole_floor(4.99) == 4.0 and whole_ceil(5.01) == 6.0
    assert whole_floor(5 - 10 * WHOLE_TOL) == 4.0


def test_c0013_capacity_equal_to_the_gap_is_not_floored_away(
        run_case: Callable[..., tuple[int, Path, str]]) -> None:
    """c0013: 1 % x 2,800 - 0.23 x 100 = 5 doctors was floored to 4 (4.9999999999999964).
    Since issue 9 the donor's own need (23) is cared for by its own COVID-19 staff
    (0.1 x 2,800 = 280), so all 28 deployable doctors can go; the city's gap of 5 a day is
    met exactly (the residue itself is tested on the grid above)."""
    code, out, _ = run_case("c0013", "data", "--horizon", "3", "--no-official")
    assert code == 0
    caps = pd.read_csv(out / "donor_capacities.csv").set_index("resource")
    assert caps.loc["doctors", "capacity"] == 28
    assert caps.loc["doctors", "own_need"] == 23
    flows = pd.read_csv(out / "flows.csv")
    assert flows.loc[flows["resource"] == "doctors", "quantity"].sum() == 5
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["pairaid"]
    assert metrics["shortfall_staff_days"] == 0
    assert metrics["gap_covered_share"] == 1
    short = pd.read_csv(out / "shortfall.csv")
    doctors = short[short["resource"] == "doctors"]
    assert (doctors["gap"] == 5).all() and (short["shortfall"] == 0).all()


def test_tolerance_edges_signs_and_types_by_hand() -> None:
    """The tolerance is WHOLE_TOL relative to max(1, |x|): 1e-9 below 1, 1e-2 at ten million;
    exactly at the tolerance a value snaps; -0.0 never comes out (it would print as "-0");
    a number gives a Python float, an array an array."""
    import math

    from pairaid.rounding import snap_whole, whole_ceil, whole_floor

    assert whole_floor(1e7 - 1e-3) == 1e7  # within 1e-9 x 1e7 of a whole number
    assert whole_ceil(1e7 + 1e-3) == 1e7
    assert whole_floor(1 - 1.5e-9) == 0.0  # 1.5e-9 short of 1 is more than 1e-9 x 1
    assert whole_ceil(1.5e-9) == 1.0
    assert snap_whole(1e-9) == 0.0 and snap_whole(1.5e-9) == 1.5e-9  # at, past the tolerance
    assert math.copysign(1.0, snap_whole(-1e-14)) == 1.0  # +0.0, not -0.0
    for f in (whole_floor, whole_ceil, snap_whole):
        assert type(f(4.5)) is float
        out = f(np.array([4.5, 2.0]))
        assert isinstance(out, np.ndarray) and out.shape == (2,)
    assert whole_floor(np.array([4.5, 2.0])).tolist() == [4.0, 2.0]
    assert whole_ceil(np.array([4.5, 2.0])).tolist() == [5.0, 2.0]
