"""Problem, options and result of the dispatch scheduler (plain frozen dataclasses)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pairaid.pairing.highs import SolveStatus

__all__ = ["DispatchOptions", "DispatchProblem", "DispatchResult", "SolveStatus"]


@dataclass(frozen=True, eq=False)
class DispatchProblem:
    """What a schedule is made for: a plan's flows and the recipients' daily gaps.

    Parameters
    ----------
    flows : DataFrame
        ``donor_code``, ``recipient_code``, ``resource``, ``quantity`` [staff]: the most
        staff of each cadre a donor may have on site at a recipient on any day (a plan's
        ``flows`` table). Pairs with no positive quantity send no team.
    gaps : DataFrame
        ``recipient_code``, ``resource``, ``date``, ``gap`` [staff on the day]: the staff a
        recipient needs from outside, day by day; its dates are the horizon (consecutive
        days).
    travel : DataFrame
        ``donor_code``, ``recipient_code``, ``travel_mode``, ``travel_days`` [days] for
        every pair of ``flows`` (see :func:`pairaid.schedule.travel_table`).
    team_types : DataFrame
        As :func:`pairaid.schedule.read_team_types` returns.
    previous : DataFrame or None
        A schedule in force (columns of :data:`pairaid.schemas.SCHEDULE`): its teams that
        left before the horizon's first day stay as scheduled (see
        :attr:`DispatchOptions.keep_previous`); teams not yet gone are planned anew.
    weights : Mapping[str, float]
        Weight of one staff-day of unmet need per resource [objective units per
        staff-day]; missing resources weigh 1.
    """

    flows: pd.DataFrame
    gaps: pd.DataFrame
    travel: pd.DataFrame
    team_types: pd.DataFrame
    previous: pd.DataFrame | None = None
    weights: Mapping[str, float] = field(default_factory=dict)

    @property
    def start(self) -> date:
        """First day of the horizon."""
        return pd.Timestamp(self.gaps["date"].min()).date()

    @property
    def days(self) -> int:
        """Length of the horizon [days]."""
        dates = pd.to_datetime(self.gaps["date"])
        return int((dates.max() - dates.min()).days) + 1 if len(dates) else 0


@dataclass(frozen=True)
class DispatchOptions:
    """Settings of the dispatch scheduler (all keyword).

    Parameters
    ----------
    max_teams_away : int or Mapping[str, int] or None
        Most teams a donor may have away from home at once (travelling, on site or in
        quarantine); a mapping sets it per donor code (others unlimited). None: no limit.
    max_departures_per_day : int or Mapping[str, int] or None
        Most teams a donor may send off on one day (all recipients together).
    keep_previous : bool
        Teams of the previous schedule that have already left stay to the end of their
        tour (default). If false, teams already on site may be sent home early, from the
        horizon's first day on (never later than scheduled).
    batch_cost : float
        Objective cost of one batch (a donor's departures to one recipient on one day)
        [objective units; staff-days of unmet need weigh 1].
    travel_cost : float
        Objective cost of one staff-day of travel [per staff-day].
    on_site_cost : float
        Objective cost of one staff-day on site [per staff-day]: sends teams home when
        the need has fallen and keeps them from arriving before it.
    time_limit : float
        Solver time limit [s].
    mip_rel_gap : float
        Relative gap at which the solver stops.
    threads : int or None
        Solver threads (None = the solver's default; CP-SAT then uses 2 workers).
    solver : {"highs", "cp-sat"}
        The HiGHS MIP solver (default) or OR-Tools CP-SAT on the same model.
    types_per_pair : int or None
        Team types modelled per pair (default 2: the large type closest to the pair's
        doctor share and the closest small one); None models every type that fits.

    Notes
    -----
    The defaults rank unmet need first, then batches, then travel and time on site: a
    batch costs 0.01 staff-days of unmet need, a staff-day of travel or presence 1e-4, so
    the solver trades a staff-day of unmet need only against 100 batches or 10,000
    staff-days of travel (weights, not a strict lexicographic order).
    """

    max_teams_away: int | Mapping[str, int] | None = None
    max_departures_per_day: int | Mapping[str, int] | None = None
    keep_previous: bool = True
    batch_cost: float = 1e-2
    travel_cost: float = 1e-4
    on_site_cost: float = 1e-4
    time_limit: float = 10.0
    mip_rel_gap: float = 1e-4
    threads: int | None = None
    solver: str = "highs"
    types_per_pair: int | None = 2

    def limit(self, which: str, donor: str) -> int | None:
        """The ``max_teams_away`` or ``max_departures_per_day`` of one donor."""
        value = getattr(self, which)
        if isinstance(value, Mapping):
            got = value.get(donor)
            return None if got is None else int(got)
        return None if value is None else int(value)


@dataclass(frozen=True, eq=False)
class DispatchResult:
    """Result of :func:`pairaid.schedule.dispatch`.

    Attributes
    ----------
    status : SolveStatus
    objective, bound : float
        Objective of the schedule and the solver's best bound [objective units].
    mip_gap : float
        ``(objective - bound) / |objective|`` as the solver reports it.
    solve_seconds : float
        Model building and solving [s].
    schedule : DataFrame
        One row per team: ``team_id``, ``donor_code``, ``recipient_code``, ``team_type``,
        ``doctors``, ``nurses``, ``other_staff`` [persons], ``depart``, ``arrive``,
        ``tour_end``, ``quarantine_end`` (dates), ``travel_mode``, ``travel_days``
        [days], ``previous`` (bool: a team of the schedule in force). A team works from
        ``arrive`` to the day before ``tour_end``; ``tour_end`` past the horizon is the
        longest tour (nothing is known of the need then).
    on_site : DataFrame
        ``recipient_code``, ``resource``, ``date``, ``gap``, ``on_site``, ``shortfall``
        [staff on the day]: the need from outside, staff on site of the cadre, what is unmet.
    travel : DataFrame
        The problem's travel table.
    measures : dict[str, float]
        ``unmet_staff_days``, ``gap_staff_days``, ``teams``, ``batches``, ``staff_sent``,
        ``travel_staff_days``, ``on_site_staff_days``.
    supplies : DataFrame or None
        Daily supplies per donor, recipient and item (see
        :func:`pairaid.schedule.supplies.supply_plan`), when computed.
    """

    status: SolveStatus
    objective: float
    bound: float
    mip_gap: float
    solve_seconds: float
    schedule: pd.DataFrame
    on_site: pd.DataFrame
    travel: pd.DataFrame
    measures: dict[str, float]
    supplies: pd.DataFrame | None = None
