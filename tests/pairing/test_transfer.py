"""Patient-transfer pairing (pairaid.pairing.formulations.transfer): hand-solved cases and
invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pairaid.pairing.formulations.transfer import (
    TransferOptions,
    TransferProblem,
    pairs_within,
    solve_transfers,
)
from pairaid.pairing.highs import SolveStatus


def _three_regions(spare_a: int = 1, spare_b: int = 5) -> TransferProblem:
    """Recipient R with 2 patients over capacity on days 0 and 1; donors A (100 km, 1
    spare bed) and B (300 km, 5 spare beds); a moved patient stays 2 days."""
    return TransferProblem(
        overflow=pd.DataFrame({"recipient_code": "R", "day": [0, 1], "overflow": [2.0, 2.0]}),
        spare=pd.DataFrame({"donor_code": ["A", "A", "B", "B"], "day": [0, 1, 0, 1],
                            "spare": [spare_a, spare_a, spare_b, spare_b]}),
        distances=pd.DataFrame({"donor_code": ["A", "B"], "recipient_code": ["R", "R"],
                                "distance_km": [100.0, 300.0]}),
        stay_days=2)


def test_three_region_case_solved_by_hand() -> None:
    # by hand: both patients leave on day 0 (they stay 2 days, covering day 1 too); A takes
    # the one it can (100 km), B the other (300 km): no patient without a bed, 400 patient-km
    result = solve_transfers(_three_regions())
    assert result.status is SolveStatus.OPTIMAL
    assert result.unserved_patient_days == 0
    assert result.patient_km == pytest.approx(400.0)
    moved = {(r.donor_code, r.day): r.patients for r in result.transfers.itertuples()}
    assert moved == {("A", 0): 1, ("B", 0): 1}


def test_three_region_case_with_one_move_a_day() -> None:
    # by hand: one patient a day; day 0 one of two is left without a bed, day 1 the day-0
    # patient still occupies a donor bed and the second one leaves: 1 patient-day without
    # a bed; A's single bed is taken on both days by whoever arrives first, so one patient
    # goes to A and one to B: 400 patient-km
    result = solve_transfers(_three_regions(), TransferOptions(max_per_day=1))
    assert result.unserved_patient_days == pytest.approx(1.0)
    assert result.patient_km == pytest.approx(400.0)
    assert result.transfers.groupby("day")["patients"].sum().max() <= 1


def test_distance_limit_and_clusters_remove_pairs() -> None:
    result = solve_transfers(_three_regions(), TransferOptions(max_km=200))
    # only A (1 bed) is near enough: 1 patient without a bed on each of 2 days
    assert result.unserved_patient_days == pytest.approx(2.0)
    assert set(result.transfers["donor_code"]) == {"A"}
    allowed = pairs_within({"R": "north", "A": "south", "B": "north"}, ["A", "B"], ["R"])
    assert allowed == [("B", "R")]
    result = solve_transfers(_three_regions(), TransferOptions(allowed_pairs=allowed))
    assert result.unserved_patient_days == 0 and result.patient_km == pytest.approx(600.0)


def _random_problem(rng: np.random.Generator, days: int, donors: list[str],
                    recips: list[str], *, overflow_below: int, spare_below: int,
                    stay_days: int | None) -> TransferProblem:
    """Random whole overflows, spare beds and distances (50-899 km), drawn in this order;
    ``stay_days`` None draws it last, from 1-3."""
    overflow = pd.DataFrame([{"recipient_code": r, "day": t,
                              "overflow": float(rng.integers(0, overflow_below))}
                             for r in recips for t in range(days)])
    spare = pd.DataFrame([{"donor_code": d, "day": t,
                           "spare": float(rng.integers(0, spare_below))}
                          for d in donors for t in range(days)])
    distances = pd.DataFrame([{"donor_code": d, "recipient_code": r,
                               "distance_km": float(rng.integers(50, 900))}
                              for d in donors for r in recips])
    stay = int(rng.integers(1, 4)) if stay_days is None else stay_days
    return TransferProblem(overflow=overflow, spare=spare, distances=distances,
                           stay_days=stay)


@pytest.mark.parametrize("seed", range(6))
def test_patient_flow_never_exceeds_a_donors_spare_beds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    problem = _random_problem(rng, 6, ["A", "B", "C"], ["R", "S"], overflow_below=8,
                              spare_below=5, stay_days=None)
    result = solve_transfers(problem, TransferOptions(max_per_day=int(rng.integers(1, 6))))
    occ = result.occupancy
    assert (occ["received"] <= occ["spare"] + 1e-9).all()
    # and moving patients never leaves more of them without a bed than moving none
    assert result.unserved_patient_days <= problem.overflow["overflow"].sum() + 1e-9


def test_italian_transfer_problem_respects_spare_beds_every_day() -> None:
    from pairaid.transfers import transfer_problem

    caps = pd.DataFrame({"region_code": ["R", "A"], "resource": "icu_beds",
                         "quantity": [10.0, 20.0]})
    params = {"covid_share_icu_beds": 1.0, "icu_reserve_share": 0.1, "icu_los_days": 3}
    rec = pd.DataFrame({"region_code": "R", "day": [0, 1, 2], "icu": [12.2, 15.0, 9.0]})
    don = pd.DataFrame({"region_code": "A", "day": [0, 1, 2], "icu": [14.0, 16.5, 17.0]})
    dist = pd.DataFrame({"donor_code": ["A"], "recipient_code": ["R"], "distance_km": [50.0]})
    problem = transfer_problem(rec, don, caps, params, dist)
    # by hand: overflow ceil(12.2 - 10) = 3, 5, 0; spare floor(18 - 14) = 4, floor(1.5) = 1, 1
    assert problem.overflow["overflow"].tolist() == [3.0, 5.0, 0.0]
    assert problem.spare["spare"].tolist() == [4.0, 1.0, 1.0]
    result = solve_transfers(problem)
    occ = result.occupancy
    assert (occ["received"] <= occ["spare"]).all()
    # day 0 may place only 1 patient (it stays 3 days and day 1 has 1 spare bed): unserved
    # 3 - 1 = 2 on day 0 and 5 - 1 = 4 on day 1
    assert result.unserved_patient_days == pytest.approx(6.0)


def test_c0014_kind_a_time_limit_before_any_plan_still_returns_the_plan_moving_nobody(
) -> None:
    # c0014: a short time limit gave no plan at all. Moving nobody is always a plan (every
    # overflow unserved), so the transfer model returns it (or better) with its status,
    # never "found no plan". By hand: unserved = the whole overflow when nobody moves.
    rng = np.random.default_rng(0)
    problem = _random_problem(rng, 20, [f"D{i}" for i in range(15)],
                              [f"R{i}" for i in range(10)], overflow_below=30,
                              spare_below=10, stay_days=5)
    total = float(problem.overflow["overflow"].sum())
    for limit in (1e-6, 1e-3):
        result = solve_transfers(problem, TransferOptions(time_limit=limit,
                                                          max_donors_per_recipient=2))
        assert result.status in (SolveStatus.TIME_LIMIT_FEASIBLE, SolveStatus.OPTIMAL)
        assert result.unserved_patient_days <= total + 1e-9
        occ = result.occupancy
        assert (occ["received"] <= occ["spare"] + 1e-9).all()
        if result.transfers.empty:
            assert result.unserved_patient_days == pytest.approx(total)
    stopped = solve_transfers(problem, TransferOptions(time_limit=1e-6))
    assert stopped.status == SolveStatus.TIME_LIMIT_FEASIBLE
    assert stopped.transfers.empty and stopped.unserved_patient_days == pytest.approx(total)
    assert any("--time-limit" in n for n in stopped.notes)


def test_c0019_kind_a_time_limited_transfer_plan_reports_the_gap_of_its_unproven_level(
) -> None:
    # A first level (unserved patient-days) stopped by the time limit was reported with the
    # second level's gap, 0.0 (that level is proven given the first's plan): "time limit,
    # gap 0" read as proven. The gap must be the first level's: unserved patient-days
    # against their bound, which is at least 0 (nobody can be less than unserved).
    rng = np.random.default_rng(0)
    problem = _random_problem(rng, 20, [f"D{i}" for i in range(15)],
                              [f"R{i}" for i in range(10)], overflow_below=30,
                              spare_below=10, stay_days=5)
    for limit in (1e-4, 1e-3, 1e-2, 60.0):
        result = solve_transfers(problem, TransferOptions(time_limit=limit))
        unserved = result.unserved_patient_days
        low = max(result.unserved_bound, 0.0) if np.isfinite(result.unserved_bound) else 0.0
        # the gap shown is never smaller than the first level's own distance to its bound
        assert result.mip_gap >= (unserved - low) / unserved - 1e-9
        assert result.status in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT_FEASIBLE)
        assert (result.status == SolveStatus.OPTIMAL) == (result.mip_gap <= 1e-6)


def test_transfer_console_names_the_gap_of_a_plan_not_proven_optimal() -> None:
    from pairaid.transfers_console import _gap_text

    assert _gap_text({"status": "optimal", "mip_gap": 0.0}) == ""
    assert _gap_text({"status": "time_limit_feasible", "mip_gap": 0.25}) == \
        ", within 25.0% of the best possible"
    assert "unknown" in _gap_text({"status": "time_limit_feasible", "mip_gap": None})
