"""The fast replay (gaps vectorised, flows by min-cost flow on fixed pairs) gives what the
pairing engine gives scenario by scenario (the reference, slow path)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from pairaid.evaluation import build_context
from pairaid.evaluation.recourse import best_flows, build_network, chunk_gaps, measures
from pairaid.evaluation.replay import replay_paths, replay_scenario, scenario_demand
from pairaid.forecast.scenarios import census_paths, scenario_chunks


@pytest.fixture(scope="module")
def paths_and_ctx(small_run):
    ctx = build_context(small_run, random_plan=False)
    chunk = scenario_chunks(5, seed=11, chunk_size=5)[0]
    paths = census_paths(ctx.cases, region_codes=ctx.recipients, origin=ctx.origin,
                         horizon_days=ctx.horizon_days, chunk=chunk,
                         parameters=ctx.parameters, model=ctx.model)
    # a heavier path too (census x 3), so that the total staff cap binds
    return ctx, np.concatenate([paths, 3.0 * paths[:2]])


def test_vectorised_gaps_are_the_stages_gaps(paths_and_ctx) -> None:
    ctx, paths = paths_and_ctx
    inst = build_network(ctx).inst
    gaps = chunk_gaps(paths, ctx, inst)
    for i in range(len(paths)):
        demand = scenario_demand(paths[i], ctx)
        r = demand["recipient_code"].map({c: j for j, c in enumerate(inst.recipients)})
        s = demand["resource"].map({c: j for j, c in enumerate(inst.resources)})
        t = (pd.to_datetime(demand["date"]) - pd.Timestamp(inst.dates[0])).dt.days
        got = gaps[i][r.to_numpy(), s.to_numpy(), t.to_numpy()]
        np.testing.assert_array_equal(got, demand["gap"].to_numpy())
        assert gaps[i].sum() == pytest.approx(demand["gap"].sum(), rel=1e-12)


def test_fast_path_gives_the_engines_shortfall(paths_and_ctx) -> None:
    ctx, paths = paths_and_ctx
    labels = [str(i) for i in range(len(paths))]
    fast = replay_paths(ctx, paths, labels)
    slow = pd.DataFrame([row for i, lab in enumerate(labels)
                         for row in replay_scenario(paths[i], lab, ctx)])
    assert list(fast["plan"]) == list(slow["plan"])
    assert (fast["shortfall_staff_days"] > 0).any()
    for col in ("shortfall_staff_days", "gap_staff_days", "gap_covered_share",
                "total_distance_km", "staff_sent"):
        np.testing.assert_allclose(fast[col], slow[col], rtol=1e-9, atol=1e-6, err_msg=col)


def test_fast_path_on_the_three_city_case(three_cities, small_run) -> None:
    """D (2) -> X (gap 10), A (8) -> Y (gap 5), total staff 3: 12 staff-days unmet."""
    ctx = replace(build_context(small_run), problem=three_cities,
                  donor_capacities=three_cities.supply, total_staff=3.0)
    net = build_network(ctx)
    idx = net.pairs_of("p", [("D", "X"), ("A", "Y")])
    q = best_flows(net, idx, net.inst.gaps)
    row = measures(net, idx, net.inst.gaps, q)
    assert row["shortfall_staff_days"] == pytest.approx(12.0)
    assert row["staff_sent"] == pytest.approx(3.0)
    assert row["total_distance_km"] == pytest.approx(150.0)


def test_a_pair_without_distance_is_refused(small_run) -> None:
    from pairaid.errors import InfeasibleError

    net = build_network(build_context(small_run))
    with pytest.raises(InfeasibleError, match="no distance"):
        net.pairs_of("p", [("CN-XX", "420900")])


def test_gap_frames_are_the_scenario_demands(paths_and_ctx) -> None:
    from pairaid.evaluation.replay import gap_frames

    ctx, paths = paths_and_ctx
    for frame, path in zip(gap_frames(ctx, paths[:3]), paths[:3], strict=True):
        want = scenario_demand(path, ctx).sort_values(["recipient_code", "resource", "date"])
        got = frame.sort_values(["recipient_code", "resource", "date"])
        np.testing.assert_array_equal(got["gap"].to_numpy(), want["gap"].to_numpy())
        assert list(got["recipient_code"]) == list(want["recipient_code"])
