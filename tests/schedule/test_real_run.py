"""Invariants of the schedule of the built-in run (whatever its gaps are)."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.schedule.helpers import check_invariants

from pairaid.rounding import whole_ceil
from pairaid.schedule import DispatchOptions, read_team_types


@pytest.fixture(scope="module")
def dispatched(hubei_run):  # noqa: ANN001, ANN201
    from pairaid.run_dispatch import dispatch

    options = DispatchOptions(max_teams_away=4, max_departures_per_day=2)
    return dispatch(hubei_run, options=options), options


def test_real_run_schedule_keeps_every_rule(hubei_run, dispatched) -> None:  # noqa: ANN001
    result, options = dispatched
    end = pd.Timestamp(hubei_run.problem.demand["date"].max()).date()
    flows = hubei_run.plan.flows
    check_invariants(result, flows, read_team_types(), result.travel, options, end)
    # mip_rel_gap 1e-4 by default: "optimal" only when the gap closed, else within the gap
    # (whichever status a machine's speed gives, it must agree with the gap it reports)
    status, gap = result.status.value, result.mip_gap
    assert status in ("optimal", "optimal_within_gap", "time_limit_feasible"), status
    if status == "optimal":
        assert gap <= 1e-6
    elif status == "optimal_within_gap":
        assert 0 < gap <= 1e-4 + 1e-9
    else:
        assert gap > 1e-4


def test_real_run_on_site_covers_every_recipient_day(hubei_run, dispatched) -> None:  # noqa: ANN001
    result, _ = dispatched
    staff = hubei_run.problem.demand
    merged = staff.merge(result.on_site, on=["recipient_code", "resource", "date"])
    assert len(merged) == len(staff)
    # the need is taken in whole staff (a fraction of a person is a person to find)
    assert merged["gap_y"].tolist() == pytest.approx(
        whole_ceil(merged["gap_x"].astype(float).clip(lower=0).to_numpy()).tolist())
    # unmet need can only be what the plan's own shortfall leaves, plus the days teams
    # travel and what whole teams cannot fill: never more than the gap itself
    assert result.measures["unmet_staff_days"] <= result.measures["gap_staff_days"] + 1e-6
