"""The teams of a plan run scheduled day by day (:func:`pairaid.schedule.dispatch` over a
:class:`pairaid.pipeline.PlanRun`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pairaid.errors import ConfigError
from pairaid.pipeline import PlanRun


def dispatch(run: PlanRun, *, official: bool = False, team_types: pd.DataFrame | None = None,
             travel_modes: pd.DataFrame | None = None, travel_mode: str = "fastest",
             previous: pd.DataFrame | None = None,
             options: Any = None, supply_norms: pd.DataFrame | None = None,
             supply_stock: dict[str, float] | None = None) -> Any:
    """Schedule the teams of a plan (:func:`pairaid.schedule.dispatch` over a run).

    Parameters
    ----------
    run : PlanRun
        A finished run; its plan's ``flows`` cap the staff on site per pair and cadre and
        its staff ``gaps`` are the need, day by day over the horizon.
    official : bool
        Schedule the official pairing's flows instead of pairaid's plan.
    team_types, travel_modes : pandas.DataFrame, optional
        As :func:`pairaid.schedule.read_team_types` / ``read_travel_modes`` return;
        default the shipped 2020 tables.
    travel_mode : str
        ``"fastest"`` or one mode of ``travel_modes``.
    previous : pandas.DataFrame, optional
        The schedule in force (re-planning): its teams already gone stay.
    options : pairaid.schedule.DispatchOptions, optional
    supply_norms : pandas.DataFrame, optional
        As :func:`pairaid.schedule.supplies.read_supply_norms` returns (default: shipped).
    supply_stock : dict of item to units, optional
        What each donor can ship of an item over the horizon; default unlimited.

    Returns
    -------
    pairaid.schedule.DispatchResult
        With ``supplies`` filled in.

    Raises
    ------
    pairaid.errors.ConfigError
        If ``official`` is asked for a run without an official plan, or as
        :func:`pairaid.schedule.dispatch` and :func:`pairaid.schedule.travel_table`.
    """
    from pairaid.schedule import (
        DispatchProblem,
        read_team_types,
        read_travel_modes,
        travel_table,
    )
    from pairaid.schedule import dispatch as schedule_teams

    plan_ = run.official if official else run.plan
    if plan_ is None:
        raise ConfigError("no official plan in this run to schedule (see --no-official)")
    flows = plan_.flows[plan_.flows["quantity"] > 0]
    pairs = set(zip(flows["donor_code"], flows["recipient_code"], strict=True))
    if previous is not None:
        pairs |= set(zip(previous["donor_code"], previous["recipient_code"], strict=True))
    dist = run.distances[[(d, r) in pairs for d, r in zip(
        run.distances["donor_code"], run.distances["recipient_code"], strict=True)]]
    modes = travel_modes if travel_modes is not None else read_travel_modes()
    problem = DispatchProblem(
        flows=flows, gaps=run.problem.demand,
        travel=travel_table(dist, modes, mode=travel_mode),
        team_types=team_types if team_types is not None else read_team_types(),
        previous=previous, weights=dict(run.problem.weights))
    from dataclasses import replace

    from pairaid.schedule.supplies import read_supply_norms, supply_plan

    result = schedule_teams(problem, options)
    days = pd.date_range(problem.start, periods=problem.days, freq="D")
    norms = supply_norms if supply_norms is not None else read_supply_norms()
    return replace(result, supplies=supply_plan(result.schedule, norms, days,
                                                stock=supply_stock))


def teams_off_plan(schedule: pd.DataFrame, flows: pd.DataFrame) -> pd.DataFrame:
    """Teams of the schedule in force (``previous``) on pairs that send nothing in the plan.

    A re-plan may drop a pair (forbidden, withdrawn, a donor left out) whose teams are on
    site; the schedule keeps them until their tour ends (or ends it early with
    ``--release-previous``). The run names them instead of keeping them silently (the
    c0015 kind on the schedule).

    Parameters
    ----------
    schedule : pandas.DataFrame
        A dispatch result's ``schedule`` (``donor_code``, ``recipient_code``, ``tour_end``,
        ``previous``).
    flows : pandas.DataFrame
        The plan's ``flows`` (``donor_code``, ``recipient_code``, ``quantity`` [staff]).

    Returns
    -------
    pandas.DataFrame
        ``donor_code``, ``recipient_code``, ``teams`` (count), ``last_tour_end`` (ISO
        date), one row per such pair, sorted by codes.
    """
    sending = flows[flows["quantity"] > 0]
    planned = set(zip(sending["donor_code"], sending["recipient_code"], strict=True))
    prev = schedule[schedule["previous"].astype(bool)]
    keep = np.array([(d, r) not in planned for d, r in zip(prev["donor_code"],
                                                            prev["recipient_code"],
                                                            strict=True)], dtype=bool)
    off = prev.loc[keep]
    out = off.groupby(["donor_code", "recipient_code"], as_index=False).agg(
        teams=("tour_end", "size"), last_tour_end=("tour_end", "max"))
    out["last_tour_end"] = out["last_tour_end"].astype(str).str[:10]
    return out.sort_values(["donor_code", "recipient_code"]).reset_index(drop=True)
