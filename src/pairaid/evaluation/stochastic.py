"""Two-stage plans of a run (``pairaid plan --scenarios N``), and the value of the
stochastic solution and of perfect information.

The two-stage plan is chosen on *planning* scenarios drawn from the run's forecast seed;
it is judged on *fresh* scenarios (the evaluation's seed, :mod:`pairaid.evaluation.api`).

- **VSS** (value of the stochastic solution, Birge & Louveaux 2011, ch. 4.2): the mean
  unmet staff-days of the median plan (``pairaid plan``'s plan, made on the forecast
  median) minus that of the two-stage plan, both replayed on the same fresh scenarios with
  the same total staff and optimised flows (``evaluation.csv``).
- **EVPI** (expected value of perfect information): the mean unmet staff-days of the
  two-stage plan minus the mean of the *wait-and-see* optimum, the best pairs for each
  scenario known in advance under the same limits. Both sides use the two-stage model's
  continuous flows (:func:`pairaid.evaluation.twostage.solve_two_stage_instance` on one
  scenario), so the difference is the information alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pairaid.evaluation.engine import map_chunks
from pairaid.evaluation.recourse import build_network, chunk_gaps
from pairaid.evaluation.replay import EvaluationContext
from pairaid.evaluation.twostage import (
    TwoStageResult,
    reduce_scenarios,
    solve_two_stage_instance,
)
from pairaid.forecast.scenarios import DEFAULT_CHUNK_SIZE, Chunk, census_paths, scenario_chunks
from pairaid.pairing.instance import Instance, build_instance
from pairaid.pairing.types import Pair

VSS_COLUMNS = ["measure", "value", "unit", "scenarios", "note"]


def chunk_gap_arrays(ctx: EvaluationContext, chunk: Chunk) -> NDArray[np.float64]:
    """Gaps (n, R, S, T) of one chunk's scenarios in the order of
    :func:`pairaid.evaluation.recourse.build_network`'s instance (one Dask task)."""
    paths = census_paths(ctx.cases, region_codes=ctx.recipients, origin=ctx.origin,
                         horizon_days=ctx.horizon_days, chunk=chunk,
                         parameters=ctx.parameters, model=ctx.model)
    return chunk_gaps(paths, ctx, build_network(ctx).inst)


def draw_gaps(ctx: EvaluationContext, scenarios: int, *, seed: int, client: Any = None,
              chunk_size: int = DEFAULT_CHUNK_SIZE) -> NDArray[np.float64]:
    """Gaps (N, R, S, T) [staff on the day] of ``scenarios`` scenarios from ``seed``, on the
    Dask cluster of ``client`` (in this process without one); the same array whatever the
    number of workers."""
    chunks = scenario_chunks(scenarios, seed=seed, chunk_size=chunk_size)
    if client is None:
        parts = [chunk_gap_arrays(ctx, c) for c in chunks]
    else:
        parts = map_chunks(chunk_gap_arrays, ctx, chunks, client=client)
    return np.concatenate(parts)


def plan_instance(run: Any) -> Instance:
    """The plan's indexed problem (candidates, fixed and forbidden pairs, max distance,
    limits k and m, reserves), as ``pairaid plan`` builds it."""
    return build_instance(run.problem, run.options)


def two_stage_pairs(run: Any, ctx: EvaluationContext, scenarios: int, *,
                    cvar_alpha: float | None = None, reduce_to: int | None = None,
                    client: Any = None) -> TwoStageResult:
    """pairaid's two-stage plan of ``run`` on ``scenarios`` planning scenarios (seed: the
    run's forecast seed), under the plan's constraints and the same total staff, started
    from the run's (median) plan.

    Parameters
    ----------
    reduce_to : int, optional
        Solve on this many representative scenarios with their probabilities
        (:func:`pairaid.evaluation.twostage.reduce_scenarios`) instead of all.

    Raises
    ------
    pairaid.errors.InfeasibleError
        If no pairing meets the limits.
    """
    cfg = run.config
    gaps = draw_gaps(ctx, scenarios, seed=cfg.seed, client=client)
    inst = plan_instance(run)
    gaps = _reorder(gaps, build_network(ctx).inst, inst)
    prob = None
    if reduce_to is not None and reduce_to < scenarios:
        idx, prob = reduce_scenarios(gaps, reduce_to, seed=cfg.seed)
        gaps = gaps[idx]
    start = list(zip(run.plan.pairs["donor_code"].astype(str),
                     run.plan.pairs["recipient_code"].astype(str), strict=True))
    return solve_two_stage_instance(inst, gaps, probabilities=prob,
                                    total_staff=ctx.total_staff,
                                    distance_weight=cfg.distance_weight,
                                    cvar_alpha=cvar_alpha, time_limit=cfg.time_limit,
                                    mip_rel_gap=max(cfg.mip_rel_gap, 1e-4),
                                    start_pairs=start)


def _reorder(gaps: NDArray[np.float64], src: Instance, dst: Instance) -> NDArray[np.float64]:
    """Gaps in ``src``'s (recipient, resource, date) order, put in ``dst``'s order."""
    out = np.zeros((gaps.shape[0], len(dst.recipients), len(dst.resources), len(dst.dates)))
    ri = [src.recipients.index(r) if r in src.recipients else -1 for r in dst.recipients]
    si = [src.resources.index(s) if s in src.resources else -1 for s in dst.resources]
    for a, i in enumerate(ri):
        for c, j in enumerate(si):
            if i >= 0 and j >= 0:
                out[:, a, c, :] = gaps[:, i, j, :]
    return out


def with_pairs(run: Any, pairs: Sequence[Pair], info: dict[str, Any]) -> Any:
    """``run`` with its plan replaced by ``pairs`` (flows re-optimised on the planning gaps
    by the pairing engine, same total staff) and ``metrics['two_stage']`` = ``info``."""
    from pairaid.metrics import plan_metrics
    from pairaid.pairing import solve

    result = solve(run.problem, replace(run.options, exact_pairs=list(pairs),
                                        fixed_pairs=(), forbidden_pairs=()))
    metrics = dict(run.metrics)
    metrics["pairaid"] = plan_metrics(result, run.gaps, run.donor_capacities)
    metrics["two_stage"] = info
    note = (f"pairs by the two-stage model on {info['planning_scenarios']} planning scenarios"
            + (f" (reduced to {info['scenarios_in_mip']})"
               if info["scenarios_in_mip"] < info["planning_scenarios"] else "")
            + (f", CVaR at {info['cvar_alpha']}" if info.get("cvar_alpha") else "")
            + "; flows on the forecast median" + _two_stage_proof(info))
    return replace(run, plan=result, metrics=metrics, notes=(*run.notes, note))


def _two_stage_proof(info: dict[str, Any]) -> str:
    """What the two-stage MIP proved about its pairs, when not proven best (c0019 kind:
    the plan table's "optimal" is the flow solve's, on the pairs given)."""
    status, gap = str(info.get("status")), info.get("mip_gap")
    if status == "optimal":
        return ""
    within = (f"within {gap:.2%} of the best possible" if isinstance(gap, float)
              and math.isfinite(gap) else "not bounded (no bound proven)")
    return (f"; the two-stage model did not prove its pairs best (status {status}, "
            f"{within}): the plan table's status is that of the flows on these pairs"
            + ("; raise --time-limit" if status.startswith("time_limit") else ""))


def scenario_losses(inst: Instance, gaps: NDArray[np.float64],
                    plans: dict[str, Sequence[Pair]], *, total_staff: float | None,
                    time_limit: float = 60.0) -> pd.DataFrame:
    """Unmet staff-days (weighted by resource) of each plan's pairs and of the wait-and-see
    optimum on each scenario, by the two-stage model on that scenario alone.

    Parameters
    ----------
    inst : Instance
        The plan's indexed problem.
    gaps : numpy.ndarray, shape (N, R, S, T)
    plans : dict of str to pairs
        Plans to score (their pairs are fixed; limits are not imposed on them).

    Returns
    -------
    pandas.DataFrame
        ``scenario`` (0..N-1), ``plan`` (the plans, then ``wait-and-see``), ``shortfall``
        [staff-days].
    """
    names = [(str(inst.donors[d]), str(inst.recipients[r]))
             for d, r in zip(inst.pair_d, inst.pair_r, strict=True)]
    fixed_insts = {}
    for name, pairs in plans.items():
        want = set(pairs)
        sel = np.asarray([p in want for p in names], dtype=bool)
        fixed_insts[name] = replace(
            inst, pair_d=inst.pair_d[sel], pair_r=inst.pair_r[sel],
            pair_dist=inst.pair_dist[sel], fixed=np.ones(int(sel.sum()), dtype=bool),
            previous=inst.previous[sel], lo=np.zeros_like(inst.lo),
            k=np.full_like(inst.k, len(inst.donors)),
            m=np.full_like(inst.m, len(inst.recipients)))
    rows = []
    for w in range(gaps.shape[0]):
        g = gaps[w:w + 1]
        for name, fi in fixed_insts.items():
            res = solve_two_stage_instance(fi, g, total_staff=total_staff,
                                           distance_weight=0.0, time_limit=time_limit,
                                           mip_rel_gap=0.0)
            rows.append({"scenario": w, "plan": name, "shortfall": res.expected_shortfall})
        best = solve_two_stage_instance(inst, g, total_staff=total_staff,
                                        distance_weight=0.0, time_limit=time_limit,
                                        mip_rel_gap=0.0)
        rows.append({"scenario": w, "plan": "wait-and-see",
                     "shortfall": best.expected_shortfall})
    return pd.DataFrame(rows, columns=["scenario", "plan", "shortfall"])


def value_table(vss: float, evpi: float, *, vss_scenarios: int, evpi_scenarios: int,
                median: str, two_stage: str) -> pd.DataFrame:
    """``evaluation_vss.csv``: VSS and EVPI with their units and how they were measured."""
    return pd.DataFrame([
        {"measure": "VSS", "value": vss, "unit": "staff-days", "scenarios": vss_scenarios,
         "note": f"mean unmet staff-days of {median} minus {two_stage} on fresh scenarios "
                 "(same total staff, flows optimised per scenario)"},
        {"measure": "EVPI", "value": evpi, "unit": "staff-days (weighted)",
         "scenarios": evpi_scenarios,
         "note": f"mean unmet staff-days of {two_stage} minus the wait-and-see optimum "
                 "(best pairs per scenario under the same limits; continuous flows both)"},
    ], columns=VSS_COLUMNS)


def evpi_on(run: Any, ctx: EvaluationContext, pairs: Sequence[Pair], scenarios: int, *,
            seed: int, client: Any = None) -> tuple[float, pd.DataFrame]:
    """EVPI of ``pairs`` on the first ``scenarios`` fresh scenarios of ``seed``.

    Returns
    -------
    evpi : float
        Mean shortfall of ``pairs`` minus mean wait-and-see shortfall [staff-days].
    table : pandas.DataFrame
        :func:`scenario_losses`' table.
    """
    gaps = draw_gaps(ctx, scenarios, seed=seed, client=client)
    inst = plan_instance(run)
    gaps = _reorder(gaps, build_network(ctx).inst, inst)
    if client is None:
        table = scenario_losses(inst, gaps, {"two-stage": list(pairs)},
                                total_staff=ctx.total_staff)
    else:
        parts = client.gather(client.map(
            _losses_task, [inst] * gaps.shape[0], list(gaps), [list(pairs)] * gaps.shape[0],
            [ctx.total_staff] * gaps.shape[0], pure=False))
        table = pd.concat([p.assign(scenario=i) for i, p in enumerate(parts)],
                          ignore_index=True)
    mean = table.groupby("plan")["shortfall"].mean()
    return float(mean["two-stage"] - mean["wait-and-see"]), table


def _losses_task(inst: Instance, gaps: NDArray[np.float64], pairs: list[Pair],
                 total_staff: float | None) -> pd.DataFrame:
    return scenario_losses(inst, gaps[None], {"two-stage": pairs}, total_staff=total_staff)
