"""The dispatch model on small cases worked out by hand, and re-planning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.schedule.helpers import (
    check_invariants,
    day,
    flows,
    gaps,
    team_types,
    travel,
)

from pairaid.errors import ConfigError
from pairaid.schedule import DispatchOptions, DispatchProblem, dispatch

A, B, DONOR = "420900", "421100", "CN-CQ"


def two_city_problem(**kw: object) -> DispatchProblem:
    """City A needs 10 nurses every day 0..9, city B 10 nurses on days 4..6; one donor, one
    day's travel, teams of 10 nurses working 3..5 days, 2 days' quarantine."""
    return DispatchProblem(
        flows=flows({(DONOR, A): {"nurses": 10}, (DONOR, B): {"nurses": 10}}),
        gaps=gaps({A: [10] * 10, B: [0, 0, 0, 0, 10, 10, 10, 0, 0, 0]}),
        travel=travel({(DONOR, A): 1, (DONOR, B): 1}), team_types=team_types(), **kw)


def teams(result):  # noqa: ANN001, ANN201
    s = result.schedule
    return sorted(zip(s["recipient_code"], s["depart"], s["arrive"], s["tour_end"],
                      s["quarantine_end"], strict=True))


def test_two_cities_one_donor_by_hand() -> None:
    # By hand: A's first team leaves on day 0 and works days 1..5 (the longest tour,
    # ending on day 6); its relief leaves on day 5 and works from day 6 on (past the
    # horizon: the longest tour, to day 11). B's team leaves day 3, works 4..6 (the
    # shortest tour). Unmet: A's day 0 only = 10 staff-days; 3 batches.
    problem = two_city_problem()
    result = dispatch(problem)
    assert result.status.value == "optimal"
    assert teams(result) == [
        (A, day(0), day(1), day(6), day(9)),
        (A, day(5), day(6), day(11), day(14)),
        (B, day(3), day(4), day(7), day(10)),
    ]
    # the schedule as a planner reads it: ids in departure order per pair, the pair's
    # travel mode and days, all new
    s = result.schedule
    assert s[["team_id", "depart"]].values.tolist() == [
        [f"{DONOR}-{A}-01", day(0)], [f"{DONOR}-{A}-02", day(5)], [f"{DONOR}-{B}-01", day(3)]]
    assert s["travel_mode"].tolist() == ["road"] * 3 and s["travel_days"].tolist() == [1] * 3
    assert not s["previous"].any()
    assert result.measures["unmet_staff_days"] == pytest.approx(10.0)
    assert result.measures["batches"] == 3
    on_a = result.on_site[(result.on_site["recipient_code"] == A)
                          & (result.on_site["resource"] == "nurses")]
    assert on_a["on_site"].tolist() == [0] + [10] * 9
    check_invariants(result, problem.flows, problem.team_types, problem.travel,
                     DispatchOptions(), day(9))


def test_two_cities_with_two_teams_away_at_most() -> None:
    # With at most 2 teams away, A's relief (leaving day 5) would be a third team away
    # while A's first team (away to day 9) and B's team (away 3..10) are out. Sending B's
    # team costs A days 6..9 (40 staff-days); skipping B costs 30: so B gets no team and
    # the unmet need is 10 + 30 = 40 staff-days.
    problem = two_city_problem()
    options = DispatchOptions(max_teams_away=2)
    result = dispatch(problem, options)
    assert result.measures["unmet_staff_days"] == pytest.approx(40.0)
    assert set(result.schedule["recipient_code"]) == {A}
    check_invariants(result, problem.flows, problem.team_types, problem.travel, options,
                     day(9))


def test_one_departure_a_day() -> None:
    # A needs 20 nurses from day 1: two teams; with one departure a day the second leaves
    # a day later (10 more staff-days unmet on day 1, plus day 0's 20).
    problem = DispatchProblem(flows=flows({(DONOR, A): {"nurses": 20}}),
                              gaps=gaps({A: [20] * 5}), travel=travel({(DONOR, A): 1}),
                              team_types=team_types())
    free = dispatch(problem)
    assert free.measures["unmet_staff_days"] == pytest.approx(20.0)
    options = DispatchOptions(max_departures_per_day=1)
    one = dispatch(problem, options)
    assert one.measures["unmet_staff_days"] == pytest.approx(30.0)
    assert one.schedule["depart"].is_unique
    check_invariants(one, problem.flows, problem.team_types, problem.travel, options, day(4))


def test_need_that_falls_sends_teams_home_early() -> None:
    # Need 10 nurses on days 1..4 only: the team leaves day 0 and goes home after the
    # shortest useful tour (arrive 1, end 5), not the longest.
    problem = DispatchProblem(flows=flows({(DONOR, A): {"nurses": 10}}),
                              gaps=gaps({A: [0, 10, 10, 10, 10, 0, 0, 0, 0, 0]}),
                              travel=travel({(DONOR, A): 1}), team_types=team_types())
    result = dispatch(problem)
    assert teams(result) == [(A, day(0), day(1), day(5), day(8))]
    assert result.measures["unmet_staff_days"] == 0


def test_teams_never_exceed_the_flow() -> None:
    # the flow allows 15 nurses: one team of 10, never two, though the gap is 30
    problem = DispatchProblem(flows=flows({(DONOR, A): {"nurses": 15}}),
                              gaps=gaps({A: [30] * 6}), travel=travel({(DONOR, A): 1}),
                              team_types=team_types())
    result = dispatch(problem)
    assert len(result.schedule) == 1
    assert result.on_site["on_site"].max() == 10


def test_replanning_keeps_staff_on_site() -> None:
    first = dispatch(two_city_problem())
    # a new decision on day 3: the need of A has vanished, B's is as before
    later = gaps({A: [0] * 7, B: [0, 10, 10, 10, 0, 0, 0]})
    later["date"] = later["date"] + pd.Timedelta(days=3)
    problem = DispatchProblem(
        flows=flows({(DONOR, A): {"nurses": 10}, (DONOR, B): {"nurses": 10}}), gaps=later,
        travel=travel({(DONOR, A): 1, (DONOR, B): 1}), team_types=team_types(),
        previous=first.schedule)
    kept = dispatch(problem)
    a1 = first.schedule[first.schedule["depart"] == day(0)].iloc[0]
    row = kept.schedule[kept.schedule["team_id"] == a1["team_id"]].iloc[0]
    assert bool(row["previous"])
    assert (row["arrive"], row["tour_end"]) == (a1["arrive"], a1["tour_end"])
    on_a = kept.on_site[(kept.on_site["recipient_code"] == A)
                        & (kept.on_site["resource"] == "nurses")]
    assert on_a["on_site"].tolist()[:3] == [10, 10, 10]  # days 3..5: the team stays
    # teams that had not left by day 3 are planned anew (A's relief is no longer sent)
    assert not ((kept.schedule["recipient_code"] == A) & ~kept.schedule["previous"]).any()

    released = dispatch(problem, DispatchOptions(keep_previous=False))
    row = released.schedule[released.schedule["team_id"] == a1["team_id"]].iloc[0]
    # allowed to go home, the team leaves at once (A's need is gone): on day 3, the first
    # day of the new plan, instead of day 6
    assert row["tour_end"] == day(3)
    assert (row["quarantine_end"] - row["tour_end"]).days == 1 + 2


def test_a_team_still_needed_stays_and_an_older_schedule_is_completed() -> None:
    """Re-planned on day 3 while A still needs its 10 nurses: A's first team (days 1..5)
    stays to its tour end (day 6) even when it may go home, since no relief could cover
    A sooner. The schedule in force comes from an older file without ``other_staff``,
    ``travel_mode`` and ``travel_days``, or with those cells blank: the kept team reads 0
    other staff, travel days arrive − depart (1) and no mode; other staff it has (2) are
    kept, and so is its travel mode; without team ids it is numbered first of its pair."""
    first = dispatch(two_city_problem())
    later = gaps({A: [10] * 7, B: [0, 10, 10, 10, 0, 0, 0]})
    later["date"] = later["date"] + pd.Timedelta(days=3)
    cols = ["other_staff", "travel_mode", "travel_days"]
    a1 = first.schedule[first.schedule["depart"] == day(0)].iloc[0]
    for old, other, mode in (
            (first.schedule.drop(columns=cols), 0, ""),
            (first.schedule.astype({c: object for c in cols}).assign(
                other_staff=None, travel_days=None, travel_mode=""), 0, ""),
            (first.schedule.assign(other_staff=2), 2, "road"),
            (first.schedule.drop(columns="team_id"), 0, "road")):
        problem = DispatchProblem(
            flows=flows({(DONOR, A): {"nurses": 10}, (DONOR, B): {"nurses": 10}}),
            gaps=later, travel=travel({(DONOR, A): 1, (DONOR, B): 1}),
            team_types=team_types(), previous=old)
        for keep in (True, False):
            got = dispatch(problem, DispatchOptions(keep_previous=keep)).schedule
            # ids: the kept team's own (or, from a file without ids, the first of its
            # pair), new teams numbered after it, none twice
            assert got["team_id"].is_unique and f"{DONOR}-{A}-02" in set(got["team_id"])
            row = got[got["team_id"] == a1["team_id"]].iloc[0]
            assert (row["tour_end"], row["quarantine_end"]) == (day(6), day(9)), keep
            assert (row["other_staff"], row["travel_days"], row["travel_mode"]) == (
                other, 1, mode), keep
            assert bool(row["previous"]), keep
    # decided on day 7 (horizon days 7..9): A's relief, on site from day 6 to day 10, is
    # needed to the end and keeps its tour, which ends past the horizon
    late = gaps({A: [10] * 3, B: [0] * 3})
    late["date"] = late["date"] + pd.Timedelta(days=7)
    problem = DispatchProblem(
        flows=flows({(DONOR, A): {"nurses": 10}, (DONOR, B): {"nurses": 10}}), gaps=late,
        travel=travel({(DONOR, A): 1, (DONOR, B): 1}), team_types=team_types(),
        previous=first.schedule)
    got = dispatch(problem, DispatchOptions(keep_previous=False)).schedule
    a2 = first.schedule[first.schedule["depart"] == day(5)].iloc[0]
    assert got.loc[got["team_id"] == a2["team_id"], "tour_end"].tolist() == [day(11)]


def test_dates_must_be_consecutive() -> None:
    g = gaps({A: [10] * 4})
    g = g[g["date"] != g["date"].min() + pd.Timedelta(days=1)]
    problem = DispatchProblem(flows=flows({(DONOR, A): {"nurses": 10}}), gaps=g,
                              travel=travel({(DONOR, A): 1}), team_types=team_types())
    with pytest.raises(ConfigError, match="consecutive"):
        dispatch(problem)


@pytest.mark.parametrize("seed", range(6))
def test_random_instances_keep_every_rule(seed: int) -> None:
    rng = np.random.default_rng(seed)
    donors = ["CN-AH", "CN-JS"]
    recips = ["420200", "420300", "420500"]
    H = 30
    need = {}
    for r in recips:
        top, peak = rng.integers(5, 25), rng.integers(10, 80)
        need[r] = [max(0.0, peak * (1 - abs(t - top) / 12)) for t in range(H)]
    pairs = {(d, r): {"doctors": float(rng.integers(0, 30)), "nurses": float(rng.integers(5, 60))}
             for d in donors for r in recips if rng.random() < 0.7}
    types = pd.concat([team_types(), team_types(team_type="m", doctors=5, nurses=10,
                                                 other_staff=1, min_tour_days=5,
                                                 tour_days=12, quarantine_days=4)])
    trav = {p: int(rng.integers(1, 3)) for p in pairs}
    g = gaps(need)
    g.loc[g["resource"] == "doctors", "gap"] = g.loc[g["resource"] == "nurses", "gap"].values / 3
    problem = DispatchProblem(flows=flows(pairs), gaps=g, travel=travel(trav),
                              team_types=types)
    options = DispatchOptions(max_teams_away=int(rng.integers(1, 5)),
                              max_departures_per_day=int(rng.integers(1, 3)))
    result = dispatch(problem, options)
    check_invariants(result, problem.flows, types, problem.travel, options, day(H - 1))
    # never worse than sending nobody
    assert result.measures["unmet_staff_days"] <= result.measures["gap_staff_days"] + 1e-9


def test_cp_sat_finds_the_same_optimum() -> None:
    # the same model solved by a second solver: the hand-worked optimum again (asked to
    # prove it: with the default gap of 1e-4 CP-SAT may stop at 10.049 over a bound of
    # 10.048, which is then reported as optimal_within_gap)
    result = dispatch(two_city_problem(), DispatchOptions(solver="cp-sat", mip_rel_gap=0.0))
    assert result.status.value == "optimal"
    assert result.objective == pytest.approx(result.bound)
    assert result.measures["unmet_staff_days"] == pytest.approx(10.0)
    assert result.measures["batches"] == 3


def test_fractional_need_is_taken_in_whole_staff() -> None:
    # 9.2 nurses needed: a whole person covers the fraction, so one team of 10 leaves no
    # unmet need and the table shows 10
    problem = DispatchProblem(flows=flows({(DONOR, A): {"nurses": 10}}),
                              gaps=gaps({A: [9.2] * 4}), travel=travel({(DONOR, A): 1}),
                              team_types=team_types())
    result = dispatch(problem)
    nurses = result.on_site[result.on_site["resource"] == "nurses"]
    assert nurses["gap"].tolist() == [10, 10, 10, 10]
    assert result.measures["unmet_staff_days"] == pytest.approx(10.0)  # day 0 only


def test_unknown_solver_refused() -> None:
    with pytest.raises(ConfigError, match="dispatch solver 'gurobi'"):
        dispatch(two_city_problem(), DispatchOptions(solver="gurobi"))


def test_refusals_name_the_choices_and_the_empty_table() -> None:
    with pytest.raises(ConfigError) as err:
        dispatch(two_city_problem(), DispatchOptions(solver="gurobi"))
    assert str(err.value) == "dispatch solver 'gurobi': use one of cp-sat, highs"
    problem = two_city_problem()
    empty = DispatchProblem(flows=problem.flows, gaps=problem.gaps.iloc[:0],
                            travel=problem.travel, team_types=problem.team_types)
    with pytest.raises(ConfigError) as err:
        dispatch(empty)
    assert str(err.value) == "the gaps table has no days: nothing to schedule"
    gap = problem.gaps[problem.gaps["date"] != problem.gaps["date"].min()
                       + pd.Timedelta(days=1)]
    with pytest.raises(ConfigError) as err:
        dispatch(DispatchProblem(flows=problem.flows, gaps=gap, travel=problem.travel,
                                 team_types=problem.team_types))
    assert str(err.value) == "the gaps table's dates are not consecutive days"
    with pytest.raises(ConfigError) as err:
        dispatch(DispatchProblem(flows=problem.flows, gaps=problem.gaps,
                                 travel=problem.travel.assign(travel_days=[1, 0]),
                                 team_types=problem.team_types))
    assert str(err.value) == "travel_days must be at least 1 for every pair"


@pytest.mark.parametrize("seed", range(3))
def test_c0019_kind_cp_sat_stopped_on_its_gap_is_not_called_optimal(seed: int) -> None:
    # CP-SAT reports OPTIMAL when relative_gap_limit stops it; the schedule was then
    # labelled "optimal" with mip_gap 0 although the bound was far below (seed 0: objective
    # 2552, bound 1297). Status and gap must follow objective and bound, as for HiGHS.
    rng = np.random.default_rng(seed)
    donors, recips, H = [f"CN-D{i}" for i in range(4)], [f"4209{i:02d}" for i in range(5)], 14
    pairs = {(d, r): {"nurses": float(rng.integers(10, 60)),
                      "doctors": float(rng.integers(0, 20))}
             for d in donors for r in recips if rng.random() < 0.6}
    used = sorted({r for _, r in pairs})
    g = pd.concat([gaps({r: list(rng.integers(0, 50, H).astype(float)) for r in used}),
                   gaps({r: list(rng.integers(0, 20, H).astype(float)) for r in used},
                        "doctors")])
    problem = DispatchProblem(flows=flows(pairs), gaps=g,
                              travel=travel({k: int(rng.integers(1, 4)) for k in pairs}),
                              team_types=team_types())
    result = dispatch(problem, DispatchOptions(solver="cp-sat", mip_rel_gap=0.5,
                                               time_limit=30))
    spread = (result.objective - result.bound) / abs(result.objective)
    assert result.bound <= result.objective + 1e-6
    assert result.mip_gap == pytest.approx(spread, abs=1e-3)
    proven = spread <= 1e-6
    assert (result.status.value == "optimal") == proven
    assert result.status.value == ("optimal" if proven else "optimal_within_gap")


@pytest.mark.parametrize("solver", ["highs", "cp-sat"])
def test_c0014_kind_a_short_time_limit_still_returns_a_schedule(solver: str) -> None:
    # c0014 kind: with 0.5 s or less on 8 donors x 10 cities x 40 days both solvers stopped
    # before a schedule and dispatch() raised "found no schedule", although sending no new
    # team is feasible by construction. That schedule (or a better one) comes back instead,
    # labelled time_limit_feasible, and it keeps every rule.
    rng = np.random.default_rng(0)
    donors, recips, H = [f"CN-D{i}" for i in range(8)], [f"4209{i:02d}" for i in range(10)], 40
    pairs = {(d, r): {"nurses": float(rng.integers(10, 200)),
                      "doctors": float(rng.integers(0, 60))}
             for d in donors for r in recips if rng.random() < 0.6}
    used = sorted({r for _, r in pairs})
    g = pd.concat([gaps({r: list(rng.integers(0, 150, H).astype(float)) for r in used}),
                   gaps({r: list(rng.integers(0, 50, H).astype(float)) for r in used},
                        "doctors")])
    problem = DispatchProblem(flows=flows(pairs), gaps=g,
                              travel=travel({k: int(rng.integers(1, 4)) for k in pairs}),
                              team_types=team_types())
    options = DispatchOptions(solver=solver, time_limit=1e-4)
    result = dispatch(problem, options)
    assert result.status.value in ("time_limit_feasible", "optimal")
    check_invariants(result, problem.flows, problem.team_types, problem.travel, options,
                     day(H - 1))
    # never worse than sending nobody: the gap itself is the most that can stay unmet
    assert result.measures["unmet_staff_days"] <= result.measures["gap_staff_days"] + 1e-9
