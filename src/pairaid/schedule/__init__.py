"""Dispatch scheduling: turn a plan's flows into teams, batches, tours and quarantine.

Stages (pure, no file I/O)::

    read_team_types / read_travel_modes -> travel_table -> dispatch -> schedule, on_site

See :mod:`pairaid.schedule.model` for the time-indexed model.
"""

from pairaid.schedule.dispatch import SCHEDULE_COLUMNS, dispatch, measures, on_site_table
from pairaid.schedule.inputs import (
    CADRES,
    default_dispatch_file,
    mode_days,
    read_team_types,
    read_travel_modes,
    travel_table,
)
from pairaid.schedule.types import DispatchOptions, DispatchProblem, DispatchResult

__all__ = [
    "CADRES",
    "SCHEDULE_COLUMNS",
    "DispatchOptions",
    "DispatchProblem",
    "DispatchResult",
    "default_dispatch_file",
    "dispatch",
    "measures",
    "mode_days",
    "on_site_table",
    "read_team_types",
    "read_travel_modes",
    "travel_table",
]
