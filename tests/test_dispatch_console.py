"""The terminal side of ``pairaid plan --dispatch`` (pairaid.dispatch_console)."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from pairaid.dispatch_console import replanned_note


def _team(team_id: str, depart: str) -> dict[str, object]:
    return {"team_id": team_id, "donor_code": "CN-JX", "recipient_code": "420700",
            "depart": pd.Timestamp(depart)}


def test_c0002_kind_teams_of_the_schedule_in_force_not_yet_gone_are_named() -> None:
    """A team of --previous-schedule departing after the plan's first day (2020-02-11) is
    planned anew and left out of the new schedule.csv; it was dropped without a word. By
    hand: OLD-1 left 2020-02-01 (kept), FUT-1 leaves 2020-05-01 and NOW-1 on the first day
    itself (both planned anew, in order of departure)."""
    run = SimpleNamespace(problem=SimpleNamespace(demand=pd.DataFrame(
        {"date": pd.to_datetime(["2020-02-11", "2020-02-12"])})))
    previous = pd.DataFrame([_team("OLD-1", "2020-02-01"), _team("FUT-1", "2020-05-01"),
                             _team("NOW-1", "2020-02-11")])
    note = replanned_note(run, {"previous": previous})
    assert note == ("2 team(s) of the schedule in force (--previous-schedule) had not left "
                    "by 2020-02-11: NOW-1 (CN-JX → 420700, departing 2020-02-11), FUT-1 "
                    "(CN-JX → 420700, departing 2020-05-01). They are planned anew and are "
                    "not in the new schedule.csv under their ids; the file given is "
                    "unchanged.")
    assert replanned_note(run, {"previous": previous.iloc[:1]}) is None
    assert replanned_note(run, {"previous": None}) is None
