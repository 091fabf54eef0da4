"""Staff on site and a schedule's summary figures, worked out by hand from a typed-in
schedule (no solver): the numbers a planner reads off a dispatch (issue 18)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from tests.schedule.helpers import day, flows, gaps, team_types, travel

from pairaid.errors import ConfigError
from pairaid.schedule import DispatchProblem, dispatch, measures, on_site_table
from pairaid.schedule.dispatch import _gap_array, _pairs

# X needs doctors 2, 2, 0, 1 and nurses 5, 5, 5, 0 on days 0..3 (and beds, not staff).
GAPS = pd.DataFrame(
    [("X", "doctors", pd.Timestamp(day(t)), g) for t, g in enumerate([2, 2, 0, 1])]
    + [("X", "nurses", pd.Timestamp(day(t)), g) for t, g in enumerate([5, 5, 5, 0])]
    + [("X", "beds", pd.Timestamp(day(0)), 100.0)],
    columns=["recipient_code", "resource", "date", "gap"])


def _team(donor: str, recipient: str, doctors: int, nurses: int, other: int, depart: int,
          arrive: int, end: int, previous: bool) -> dict[str, object]:
    return {"team_id": f"{donor}-{recipient}-{depart}", "donor_code": donor,
            "recipient_code": recipient, "team_type": "t", "doctors": doctors,
            "nurses": nurses, "depart": day(depart), "arrive": day(arrive),
            "tour_end": day(end), "quarantine_end": day(end + 3), "other_staff": other,
            "travel_mode": "road", "travel_days": arrive - depart, "previous": previous}


# a team in force since before day 0 (on site days -1..1), a new one on days 1..5 (past
# the horizon), one at Z (a recipient without gaps) on day 2, and one whose tour ends as
# it arrives (never on site)
SCHEDULE = pd.DataFrame([
    _team("A", "X", 1, 4, 0, -2, -1, 2, True),
    _team("A", "X", 0, 3, 1, 0, 1, 6, False),
    _team("B", "Z", 0, 2, 0, 0, 2, 3, False),
    _team("A", "X", 1, 1, 0, 0, 3, 3, False),
])


def test_staff_on_site_by_hand() -> None:
    with warnings.catch_warnings():  # no pandas deprecation reaches the planner either
        warnings.simplefilter("error")
        got = on_site_table(SCHEDULE, GAPS)
    assert list(got.columns) == ["recipient_code", "resource", "date", "gap", "on_site",
                                 "shortfall"]
    assert got["date"].tolist() == [pd.Timestamp(day(t)) for t in range(4)] * 4
    assert got[["recipient_code", "resource"]].drop_duplicates().values.tolist() == [
        ["X", "doctors"], ["X", "nurses"], ["Z", "doctors"], ["Z", "nurses"]]
    # X doctors: the old team's 1 on days 0 and 1; nurses 4 (days 0, 1) + 3 (days 1..3)
    assert got["on_site"].tolist() == [1, 1, 0, 0, 4, 7, 3, 3, 0, 0, 0, 0, 0, 0, 2, 0]
    assert got["gap"].tolist() == [2, 2, 0, 1, 5, 5, 5, 0] + [0] * 8
    assert got["shortfall"].tolist() == [1, 1, 0, 1, 1, 0, 2, 0] + [0] * 8


def test_summary_figures_of_a_schedule_by_hand() -> None:
    got = measures(SCHEDULE, on_site_table(SCHEDULE, GAPS))
    # new teams only: staff 0 + 3 + 1 = 4 (1 day's travel), 2 (2 days), 1 + 1 = 2 (3 days);
    # travel both ways: 2 x (4 x 1 + 2 x 2 + 2 x 3) = 28 staff-days; batches: A-X leaving
    # day 0 (two teams) and B-Z leaving day 0
    assert got == pytest.approx({
        "unmet_staff_days": 6.0, "gap_staff_days": 20.0, "teams": 3.0, "batches": 2.0,
        "staff_sent": 8.0, "travel_staff_days": 28.0, "on_site_staff_days": 21.0})


def test_a_schedule_without_teams_leaves_the_whole_gap() -> None:
    empty = SCHEDULE.iloc[:0]
    table = on_site_table(empty, GAPS)
    assert len(table) == 8 and (table["on_site"] == 0).all()
    got = measures(empty, table)
    assert got["unmet_staff_days"] == got["gap_staff_days"] == 20.0
    assert got["teams"] == got["batches"] == got["staff_sent"] == 0.0


def test_a_flow_without_travel_time_is_refused() -> None:
    problem = DispatchProblem(
        flows=flows({("D1", "X"): {"nurses": 10}, ("D2", "X"): {"nurses": 10},
                     ("D3", "X"): {"nurses": 0.4}, ("D4", "X"): {"doctors": 2}}),
        gaps=gaps({"X": [10] * 3}), travel=travel({("D1", "X"): 1}),
        team_types=team_types())
    # D3's flow is less than one person, so it needs no travel time
    with pytest.raises(ConfigError) as err:
        dispatch(problem)
    assert str(err.value) == ("no travel time for pair(s) D2→X, D4→X: the travel table "
                              "must cover every pair with a flow")


def test_flows_of_one_pair_and_cadre_add_up_to_a_team() -> None:
    # two flow rows of 5 nurses each on one pair: 10 nurses, one team of 10
    two = pd.concat([flows({("D1", "X"): {"nurses": 5}})] * 2, ignore_index=True)
    problem = DispatchProblem(flows=two, gaps=gaps({"X": [10] * 4}),
                              travel=travel({("D1", "X"): 1}), team_types=team_types())
    result = dispatch(problem)
    assert len(result.schedule) == 1 and result.schedule["nurses"].tolist() == [10]
    # a team with a doctor cannot go where the flow holds nurses only
    mixed = team_types(team_type="m", doctors=1, nurses=10)
    problem = DispatchProblem(flows=two, gaps=gaps({"X": [10] * 4}),
                              travel=travel({("D1", "X"): 1}), team_types=mixed)
    assert dispatch(problem).schedule.empty


def test_a_flow_a_rounding_error_below_a_team_still_sends_it() -> None:
    # 10 - 1e-11 nurses is 10 people as a solver writes them (within pairaid.rounding's
    # relative 1e-9): one team of 10 goes
    problem = DispatchProblem(flows=flows({("D1", "X"): {"nurses": 10 - 1e-11}}),
                              gaps=gaps({"X": [10] * 4}), travel=travel({("D1", "X"): 1}),
                              team_types=team_types())
    result = dispatch(problem)
    assert len(result.schedule) == 1
    assert result.measures["unmet_staff_days"] == pytest.approx(10.0)  # day 0 only


def test_a_negative_flow_counts_as_none_and_one_person_is_a_flow() -> None:
    # doctors -20 (nothing to send) and nurses 10: one team of 10 nurses still goes
    problem = DispatchProblem(flows=flows({("D1", "X"): {"doctors": -20, "nurses": 10}}),
                              gaps=gaps({"X": [10] * 4}), travel=travel({("D1", "X"): 1}),
                              team_types=team_types())
    assert dispatch(problem).schedule["nurses"].tolist() == [10]
    # a flow of one nurse and a one-nurse team type: the nurse goes
    problem = DispatchProblem(flows=flows({("D1", "X"): {"nurses": 1}}),
                              gaps=gaps({"X": [1] * 4}), travel=travel({("D1", "X"): 1}),
                              team_types=team_types(nurses=1))
    result = dispatch(problem)
    assert result.schedule["nurses"].tolist() == [1]
    assert result.measures["unmet_staff_days"] == pytest.approx(1.0)  # day 0 only


def test_pairs_table_by_hand() -> None:
    # D1→X: nurses 6 + 4 = 10, doctors -2 (none); D2→X: doctors 3, nurses 2.4 (2 whole);
    # D4→Y: one nurse; D5→X: 0.4 nurse (no one, and no travel time needed); D3→Y and D1→X
    # had teams before: D3→Y only through them, so it has no capacity and no travel time
    flow = pd.concat([flows({("D1", "X"): {"nurses": 6, "doctors": -2},
                             ("D2", "X"): {"doctors": 3, "nurses": 2.4},
                             ("D4", "Y"): {"nurses": 1}, ("D5", "X"): {"nurses": 0.4}}),
                      flows({("D1", "X"): {"nurses": 4}})], ignore_index=True)
    way = travel({("D1", "X"): 2, ("D2", "X"): 1, ("D4", "Y"): 3})
    way.loc[way["donor_code"] == "D1", "travel_mode"] = "rail"
    problem = DispatchProblem(flows=flow, gaps=gaps({"X": [1], "Y": [1]}), travel=way,
                              team_types=team_types())
    before = pd.DataFrame({"donor_code": ["D3", "D1", "D3"],
                           "recipient_code": ["Y", "X", "Y"]})
    got = _pairs(problem, before)
    assert got[["donor_code", "recipient_code", "cap_doctors", "cap_nurses", "travel_mode",
                "travel_days"]].values.tolist() == [
        ["D1", "X", 0, 10, "rail", 2], ["D2", "X", 3, 2, "road", 1], ["D3", "Y", 0, 0, "", 0],
        ["D4", "Y", 0, 1, "road", 3]]
    assert got["travel_days"].dtype.kind == "i"


def test_a_one_person_flow_without_travel_time_is_refused() -> None:
    problem = DispatchProblem(flows=flows({("D1", "X"): {"nurses": 1}}),
                              gaps=gaps({"X": [1]}), travel=travel({("D2", "X"): 1}),
                              team_types=team_types())
    with pytest.raises(ConfigError, match=r"^no travel time for pair\(s\) D1→X: "):
        _pairs(problem, pd.DataFrame(columns=["donor_code", "recipient_code"]))


def test_gap_array_by_hand() -> None:
    # X: nurses 0, 3, 2 on days 0..2 (day 1 given in two rows, 1 + 2), doctors 1 on day 2;
    # Y (listed first) needs nothing; beds are not staff
    table = pd.DataFrame(
        [("X", "nurses", day(0), 0.0), ("X", "nurses", day(1), 1.0),
         ("X", "nurses", day(1), 2.0), ("X", "nurses", day(2), 2.0),
         ("X", "doctors", day(2), 1.0), ("X", "doctors", day(0), 0.0),
         ("Y", "nurses", day(0), 0.0), ("X", "beds", day(0), 50.0)],
        columns=["recipient_code", "resource", "date", "gap"])
    got = _gap_array(table, ["Y", "X"], day(0), 3)
    assert got.tolist() == [[[0, 0, 0], [0, 0, 0]], [[0, 0, 1], [0, 3, 2]]]
