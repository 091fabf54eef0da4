"""Terminal side of ``pairaid plan --dispatch``: its flags read and checked, the dispatch
run, and the schedule printed (the schedule itself is :mod:`pairaid.schedule`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pairaid.cli import _key_value


def dispatch_args(dispatch_: bool, team_types: Path | None, travel_modes: Path | None,
                   travel_mode: str | None, max_teams_away: int | None,
                   max_departures: int | None, previous_schedule: Path | None,
                   release_previous: bool, supply_stock: Sequence[str] = ()
                   ) -> dict[str, Any] | None:
    """Read and check the dispatch inputs before any work (None without --dispatch)."""
    from pairaid.errors import ConfigError

    given = {"--team-types": team_types, "--travel-modes": travel_modes,
             "--travel-mode": travel_mode, "--max-teams-away": max_teams_away,
             "--max-departures": max_departures, "--previous-schedule": previous_schedule,
             "--release-previous": release_previous or None,
             "--supply-stock": list(supply_stock) or None}
    if not dispatch_:
        used = [flag for flag, value in given.items() if value is not None]
        if used:
            raise ConfigError(f"{', '.join(used)} only work(s) with --dispatch")
        return None
    if release_previous and previous_schedule is None:
        raise ConfigError("--release-previous needs --previous-schedule")
    from pairaid.io import read_table
    from pairaid.schedule import DispatchOptions, read_team_types, read_travel_modes
    from pairaid.schedule.supplies import check_stock, read_supply_norms
    from pairaid.schemas import SCHEDULE

    norms = read_supply_norms()
    stock = dict(_key_value(t, float, "--supply-stock", "ITEM=UNITS (e.g. n95_respirator=5000)")
                 for t in supply_stock)
    try:
        check_stock(stock, norms)
    except ConfigError as err:
        raise ConfigError(f"--supply-stock: {err}") from None
    return {"team_types": read_team_types(team_types),
            "travel_modes": read_travel_modes(travel_modes),
            "travel_mode": travel_mode or "fastest",
            "previous": read_table(previous_schedule, SCHEDULE) if previous_schedule
            else None,
            "options": DispatchOptions(max_teams_away=max_teams_away,
                                       max_departures_per_day=max_departures,
                                       keep_previous=not release_previous),
            "supply_norms": norms, "supply_stock": stock or None}


def replanned_note(run: Any, args: dict[str, Any]) -> str | None:
    """A note naming the teams of ``--previous-schedule`` that had not left by the first
    day of the plan: they are planned anew (docs/dispatch.md), so their rows are not in
    the new ``schedule.csv`` (the c0002 kind: rows outside the window are left out, and the
    user is told). None when there are none."""
    import pandas as pd

    from pairaid.schedule.dispatch import left_before

    previous = args.get("previous")
    if previous is None or previous.empty:
        return None
    start = pd.Timestamp(run.problem.demand["date"].min()).date()
    later = previous[~left_before(previous, start)].sort_values(["depart", "team_id"])
    if later.empty:
        return None
    listed = ", ".join(f"{r['team_id']} ({r['donor_code']} → {r['recipient_code']}, "
                       f"departing {pd.Timestamp(r['depart']).date()})"
                       for r in later.head(5).to_dict("records"))
    more = f" and {len(later) - 5} more" if len(later) > 5 else ""
    return (f"{len(later)} team(s) of the schedule in force (--previous-schedule) had not "
            f"left by {start}: {listed}{more}. They are planned anew and are not in the new "
            "schedule.csv under their ids; the file given is unchanged.")


def run_dispatch(run: Any, args: dict[str, Any]) -> dict[str, Any]:
    from pairaid.run_dispatch import dispatch

    out = {"pairaid": dispatch(run, **args)}
    if run.official is not None:
        out["official"] = dispatch(run, official=True, **{**args, "previous": None})
    return out


def print_dispatch(console: Console, run: Any, dispatches: dict[str, Any]) -> None:
    names = run.dataset.region_names("en")
    result = dispatches["pairaid"]
    table = Table(title="Dispatch schedule (pairaid plan): batches per donor")
    for col in ("donor", "teams", "batches", "first departure", "last departure",
                "staff", "travel"):
        table.add_column(col, justify="left" if col == "donor" else "right")
    new = result.schedule[~result.schedule["previous"]]
    for donor, g in new.groupby("donor_code"):
        table.add_row(escape(f"{names.get(donor, donor)} ({donor})"), str(len(g)),
                      str(len(g[["recipient_code", "depart"]].drop_duplicates())),
                      str(min(g["depart"])), str(max(g["depart"])),
                      f"{int((g['doctors'] + g['nurses'] + g['other_staff']).sum()):,}",
                      ", ".join(sorted(set(g["travel_mode"]))))
    console.print(table)
    from pairaid.run_dispatch import teams_off_plan

    off = teams_off_plan(result.schedule, run.plan.flows)
    if not off.empty:
        console.print(escape(
            "Teams of the schedule in force (--previous-schedule) on pairs that send nothing "
            "in this plan: " + "; ".join(
                f"{names.get(r['donor_code'], r['donor_code'])} ({r['donor_code']}) → "
                f"{names.get(r['recipient_code'], r['recipient_code'])} "
                f"({r['recipient_code']}): {r['teams']} team(s) on site until "
                f"{r['last_tour_end']}" for r in off.to_dict("records"))
            + ". Teams in place are not withdrawn by a re-plan; --release-previous lets the "
              "schedule end their tours early."))
    keys = list(dispatches)
    summary = Table(title="Dispatch on the same forecast")
    summary.add_column("measure")
    for k in keys:
        summary.add_column(k, justify="right")
    for name, fmt in (("unmet_staff_days", "{:,.0f}"), ("gap_staff_days", "{:,.0f}"),
                      ("teams", "{:,.0f}"), ("batches", "{:,.0f}"),
                      ("staff_sent", "{:,.0f}"), ("travel_staff_days", "{:,.0f}")):
        summary.add_row(name, *[fmt.format(dispatches[k].measures[name]) for k in keys])
    summary.add_row("status", *[dispatches[k].status.value for k in keys])
    summary.add_row("mip_gap", *[f"{dispatches[k].mip_gap:.2e}" for k in keys])
    summary.add_row("solve_seconds", *[f"{dispatches[k].solve_seconds:.2f}" for k in keys])
    console.print(summary)
    sup = result.supplies
    if sup is not None and not sup.empty:
        totals = sup.groupby(["item", "unit"], as_index=False)[
            ["need", "carried", "shipped", "shortfall"]].sum()
        console.print("Supplies (pairaid plan, whole horizon): " + "; ".join(
            f"{r['item']} need {r['need']:,.0f} {r['unit']}, carried {r['carried']:,.0f}, "
            f"shipped {r['shipped']:,.0f}, short {r['shortfall']:,.0f}"
            for r in totals.to_dict("records")) + " (supplies.csv)")
    key = "official" if "official" in dispatches else "pairaid"
    _print_history(console, dispatches[key].schedule, names, key)
    console.print("Unmet staff-days include the days before the first teams can arrive and "
                  "what whole teams cannot fill within the plan's flows; teams work from "
                  "'arrive' to the day before 'tour_end', then travel home and quarantine.")


def _print_history(console: Console, schedule: Any, names: dict[str, str], key: str
                   ) -> None:
    """The schedule's batches per donor beside the batches sourced for 2020."""
    from pairaid.schedule.history import batch_summary, compare_batches, read_batch_history

    table = Table(title=f"Batches: {key} schedule vs 2020 (where sourced)")
    for col in ("donor", "batches", "teams", "staff", "departures", "2020 batches",
                "2020 staff", "2020 departures"):
        table.add_column(col, justify="left" if col == "donor" else "right")
    for row in compare_batches(schedule, read_batch_history()).to_dict("records"):
        span = ("—" if not row["batches"] else
                f"{row['first_departure']} … {row['last_departure']}")
        then = " … ".join(str(_pd_date(row[k])) for k in ("first_2020", "last_2020")
                          if _pd_date(row[k]) is not None) or "—"
        table.add_row(escape(f"{names.get(row['donor_code'], row['donor_code'])}"),
                      str(row["batches"]), str(row["teams"]), f"{row['staff']:,}", span,
                      str(row["batches_2020"]), f"{row['staff_2020']:,}", then)
    console.print(table)
    mine = batch_summary(schedule)
    if not mine.empty:
        console.print(f"{key} schedule: {len(mine)} donors send {int(mine['batches'].sum())} "
                      f"batches (median {mine['batches'].median():.0f} per donor, departures "
                      f"spread over a median {mine['span_days'].median():.0f} days); in 2020 "
                      "Hainan sent 7 batches over 25 days and Shanghai 9 (sources: "
                      "src/pairaid/data/dispatch/SOURCES.md).")


def _pd_date(value: Any) -> Any:
    """A date cell as ``datetime.date`` (None when empty)."""
    import pandas as pd

    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()
