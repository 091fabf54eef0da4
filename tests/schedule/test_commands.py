"""``pairaid plan --dispatch`` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pandas as pd

from pairaid.cli import main

CONTRACT = ["team_id", "donor_code", "recipient_code", "team_type", "doctors", "nurses",
            "depart", "arrive", "tour_end", "quarantine_end"]


def test_plan_dispatch_writes_schedule_on_site_and_calendars(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["plan", "--out", str(out), "--dispatch", "--max-teams-away", "3",
                 "--max-departures", "1"]) == 0
    printed = capsys.readouterr().out
    assert "Dispatch schedule" in printed and "unmet_staff_days" in printed
    schedule = pd.read_csv(out / "schedule.csv", dtype={"recipient_code": str})
    assert list(schedule.columns[:10]) == CONTRACT
    on_site = pd.read_csv(out / "on_site.csv", dtype={"recipient_code": str})
    assert list(on_site.columns) == ["recipient_code", "resource", "date", "gap", "on_site",
                                     "shortfall"]
    summary = json.loads((out / "dispatch.json").read_text(encoding="utf-8"))
    assert {"status", "mip_gap", "unmet_staff_days", "batches"} <= set(summary["pairaid"])
    assert (out / "official_schedule.csv").is_file()
    for donor, teams in schedule.groupby("donor_code"):
        assert teams.groupby("depart").size().max() <= 1
        cal = icalendar.Calendar.from_ical((out / "calendars" / f"{donor}.ics").read_bytes())
        events = [e for e in cal.walk("VEVENT")]
        assert len(events) == 3 * len(teams)  # travel, tour, quarantine per team
        departures = sorted(str(e.decoded("dtstart")) for e in events
                            if "leaves for" in str(e.get("summary")))
        assert departures == sorted(teams["depart"])
    # re-plan with the schedule in force: its teams gone before the new start stay
    again = tmp_path / "again"
    assert main(["plan", "--out", str(again), "--date", "2020-02-14", "--dispatch",
                 "--previous-schedule", str(out / "schedule.csv")]) == 0
    later = pd.read_csv(again / "schedule.csv", dtype={"recipient_code": str})
    gone = schedule[pd.to_datetime(schedule["depart"]) < pd.Timestamp("2020-02-15")]
    kept = later[later["previous"]]
    assert sorted(kept["team_id"]) == sorted(gone["team_id"])


def test_c0015_kind_teams_in_place_on_a_dropped_pair_are_named(tmp_path: Path,
                                                                 capsys) -> None:
    # c0015 kind on the schedule: a re-plan that forbids Anhui -> Huanggang kept the 42
    # Anhui teams on site there (the schedule in force) without a word. By hand from the
    # first schedule: every previous team of a pair that sends nothing in the new plan is
    # listed, with its count and its last tour end.
    first = tmp_path / "first"
    assert main(["plan", "--out", str(first), "--horizon", "14", "--dispatch"]) == 0
    old = pd.read_csv(first / "schedule.csv", dtype={"recipient_code": str})
    capsys.readouterr()
    again = tmp_path / "again"
    assert main(["plan", "--out", str(again), "--horizon", "14", "--date", "2020-02-14",
                 "--dispatch", "--previous-schedule", str(first / "schedule.csv"),
                 "--forbid", "CN-AH:421100"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    flows = pd.read_csv(again / "flows.csv", dtype={"recipient_code": str})
    planned = set(zip(flows.loc[flows["quantity"] > 0, "donor_code"],
                      flows.loc[flows["quantity"] > 0, "recipient_code"], strict=True))
    gone = old[pd.to_datetime(old["depart"]) < pd.Timestamp("2020-02-15")]
    gone = gone[[(d, r) not in planned for d, r in zip(gone["donor_code"],
                                                        gone["recipient_code"],
                                                        strict=True)]]
    want = gone.groupby(["donor_code", "recipient_code"]).agg(
        teams=("team_id", "size"), last_tour_end=("tour_end", "max")).reset_index()
    assert ("CN-AH", "421100") in set(zip(want["donor_code"], want["recipient_code"],
                                          strict=True))
    listed = json.loads((again / "dispatch.json").read_text(encoding="utf-8"))[
        "pairaid"]["previous_teams_off_plan"]
    assert listed == want.to_dict("records")
    anhui = want[want["donor_code"] == "CN-AH"].iloc[0]
    assert (f"Anhui (CN-AH) → Huanggang (421100): {anhui['teams']} team(s) on site until "
            f"{anhui['last_tour_end']}") in printed


def test_bad_team_type_file_is_named_with_line_and_column(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "teams.csv"
    bad.write_text("team_type,doctors,nurses,other_staff,icu,min_tour_days,tour_days,"
                   "quarantine_days,source\nward,38,112,0,maybe,14,49,14,x\n",
                   encoding="utf-8")
    assert main(["plan", "--out", str(tmp_path / "r"), "--dispatch", "--team-types",
                 str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}, line 2, column 'icu'" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()  # refused before any work


def test_dispatch_flags_need_dispatch(tmp_path: Path, capsys) -> None:
    assert main(["plan", "--out", str(tmp_path / "r"), "--max-teams-away", "2"]) == 2
    assert "--max-teams-away only work(s) with --dispatch" in capsys.readouterr().err
