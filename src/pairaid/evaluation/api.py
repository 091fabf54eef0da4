"""``evaluate(run, ...)``: replay pairaid's plan, the official pairing and the baselines on
fresh scenarios and on the realised path, on Dask."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from pairaid.evaluation import baselines
from pairaid.evaluation.engine import dask_client, map_chunks
from pairaid.evaluation.replay import (
    EVALUATION_COLUMNS,
    RANDOM_PLAN,
    EvaluationContext,
    PlanSpec,
    evaluate_chunk,
    evaluate_realised,
)
from pairaid.evaluation.stochastic import evpi_on, two_stage_pairs, value_table, with_pairs
from pairaid.evaluation.summary import pairwise, summarise
from pairaid.evaluation.twostage import TwoStageResult
from pairaid.forecast.scenarios import DEFAULT_CHUNK_SIZE, realised_census, scenario_chunks
from pairaid.needs import norms_for
from pairaid.pipeline import PlanRun

PAIRAID_PLAN = "pairaid"
TWO_STAGE_PLAN = "pairaid-2stage"
OFFICIAL_PLAN = "official"
BASELINES = ("nearest", "proportional", "wenchuan", "greedy", "stable")
"""Baseline rules (:mod:`pairaid.evaluation.baselines`), plus :data:`RANDOM_PLAN`."""

DEFAULT_SCENARIOS = 1000
DEFAULT_SEED = 20200211
"""Seed of the evaluation scenarios: a different stream from the forecast the plan was made
on (``plan`` draws with ``region_rng(seed, ...)``), so the scenarios are out of sample."""


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Result of :func:`evaluate`.

    Attributes
    ----------
    table : pandas.DataFrame
        ``evaluation.csv``: one row per plan and scenario
        (:data:`pairaid.evaluation.replay.EVALUATION_COLUMNS`), scenario ``realised`` for the
        observed path.
    summary : pandas.DataFrame
        ``evaluation_summary.csv`` (:func:`pairaid.evaluation.summary.summarise`, reference
        the official pairing when the run has one).
    pairwise : pandas.DataFrame
        ``evaluation_pairwise.csv`` (:func:`pairaid.evaluation.summary.pairwise`).
    plans : dict of str to list of pairs
        The pairs of every fixed plan.
    two_stage : TwoStageResult or None
        The two-stage MIP's result, when asked for.
    values : pandas.DataFrame or None
        ``evaluation_vss.csv`` (VSS and EVPI,
        :func:`pairaid.evaluation.stochastic.value_table`), with a two-stage plan.
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    pairwise: pd.DataFrame
    plans: dict[str, list[tuple[str, str]]]
    two_stage: TwoStageResult | None = None
    values: pd.DataFrame | None = None


def plan_specs(run: PlanRun) -> tuple[PlanSpec, ...]:
    """pairaid's plan, the official pairing (if the run has one) and the baseline rules,
    each as pairs chosen on the run's planning gaps."""
    def pairs_of(frame: pd.DataFrame) -> tuple[tuple[str, str], ...]:
        return tuple(zip(frame["donor_code"].astype(str), frame["recipient_code"].astype(str),
                         strict=True))

    problem, options = run.problem, run.options
    specs = [PlanSpec(PAIRAID_PLAN, pairs_of(run.plan.pairs))]
    if run.official is not None:
        specs.append(PlanSpec(OFFICIAL_PLAN, pairs_of(run.official.pairs)))
    wenchuan = tuple(baselines.wenchuan_pairs(problem))
    cap = run.metrics.get("staff_cap")
    specs += [
        PlanSpec("nearest", tuple(baselines.nearest_pairs(problem))),
        PlanSpec("proportional", tuple(baselines.proportional_pairs(problem))),
        PlanSpec("wenchuan", wenchuan,
                 baselines.fixed_share_supply(problem.supply, wenchuan, cap)),
        PlanSpec("greedy", tuple(baselines.greedy_pairs(problem, options))),
        PlanSpec("stable", tuple(baselines.stable_matching_pairs(problem, options))),
    ]
    return tuple(specs)


def build_context(run: PlanRun, *, random_plan: bool = True,
                  with_plans: bool = True) -> EvaluationContext:
    """Everything the workers need, from a finished run (without the plans to replay when
    ``with_plans`` is false, e.g. to draw scenarios only)."""
    cfg = run.config
    cases = run.dataset.cases[run.dataset.cases["region_code"].isin(run.recipients)]
    return EvaluationContext(
        cases=cases.reset_index(drop=True), capacities=run.dataset.capacities,
        parameters=dict(run.parameters), norms=norms_for(run.parameters),
        norm_set=cfg.norms, recipients=tuple(run.recipients), origin=cfg.decision_date,
        horizon_days=cfg.horizon_days, model=cfg.model, problem=run.problem,
        donor_capacities=run.donor_capacities, total_staff=run.metrics.get("staff_cap"),
        plans=plan_specs(run) if with_plans else (), random_plan=random_plan,
        options={"distance_weight": cfg.distance_weight, "reserve_share": cfg.reserve_share,
                 "time_limit": cfg.time_limit, "mip_rel_gap": cfg.mip_rel_gap})


def evaluate(run: PlanRun, *, scenarios: int = DEFAULT_SCENARIOS, seed: int = DEFAULT_SEED,
             chunk_size: int = DEFAULT_CHUNK_SIZE, scheduler: str | None = None,
             workers: int | None = None, client: object | None = None,
             random_plan: bool = True, two_stage: int | None = None,
             cvar_alpha: float | None = None, reduce_to: int | None = None,
             evpi_scenarios: int = 0,
             progress: Callable[[int, int], None] | None = None) -> Evaluation:
    """Replay every plan on ``scenarios`` fresh scenarios and on the realised path.

    Parameters
    ----------
    run : PlanRun
        A finished planning run (its plan, official pairing, planning problem).
    scenarios : int
        Number of sampled scenarios.
    seed : int
        Seed of the scenarios; equal seeds give equal results whatever the workers.
    chunk_size : int
        Scenarios per Dask task.
    scheduler : str, optional
        Address of a running Dask scheduler; default a local cluster.
    workers : int, optional
        Worker processes of the local cluster [default: number of cores].
    client : distributed.Client, optional
        An open client to use instead (``scheduler`` and ``workers`` are then ignored).
    random_plan : bool
        Replay a fresh random pairing on every scenario.
    two_stage : int, optional
        Also plan by the two-stage MIP (:mod:`pairaid.evaluation.twostage`) on this many
        planning scenarios, drawn from the run's forecast seed (a stream apart from the
        evaluation's), and replay it as plan ``pairaid-2stage``.
    cvar_alpha : float, optional
        With ``two_stage``: add the CVaR at this level to its objective.
    reduce_to : int, optional
        With ``two_stage``: solve on this many representative scenarios.
    evpi_scenarios : int
        With ``two_stage``: the EVPI on this many of the fresh scenarios (0: not computed;
        two small MIPs per scenario).
    progress : callable, optional
        ``progress(done, total)`` after each chunk.

    Returns
    -------
    Evaluation

    Raises
    ------
    pairaid.errors.ConfigError
        Bad ``scenarios``, ``chunk_size``, ``seed`` or ``workers``, or an unreachable
        scheduler.
    """
    ctx = build_context(run, random_plan=random_plan)
    chunks = scenario_chunks(scenarios, seed=seed, chunk_size=chunk_size)
    two: TwoStageResult | None = None

    evpi: tuple[float, pd.DataFrame] | None = None

    def work(cl: Any) -> list[pd.DataFrame]:
        nonlocal ctx, two, evpi
        if two_stage:
            two = plan_two_stage(run, ctx, two_stage, client=cl, cvar_alpha=cvar_alpha,
                                 reduce_to=reduce_to)
            ctx = replace(ctx, plans=(ctx.plans[0], PlanSpec(TWO_STAGE_PLAN, tuple(two.pairs)),
                                      *ctx.plans[1:]))
        out = map_chunks(evaluate_chunk, ctx, chunks, client=cl, progress=progress)
        if two is not None and evpi_scenarios > 0:
            evpi = evpi_on(run, ctx, two.pairs, min(evpi_scenarios, scenarios), seed=seed,
                           client=cl)
        return out

    if client is not None:
        parts = work(client)
    else:
        with dask_client(scheduler, workers) as own:
            parts = work(own)
    real = realised_census(run.dataset.cases, region_codes=run.recipients,
                           origin=run.config.decision_date,
                           horizon_days=run.config.horizon_days)
    if real is not None:
        parts.append(evaluate_realised(ctx, real))
    table = pd.concat(parts, ignore_index=True)[EVALUATION_COLUMNS]
    names = [p.name for p in ctx.plans] + ([RANDOM_PLAN] if random_plan else [])
    order = {n: i for i, n in enumerate(names)}
    table = table.sort_values(["plan", "scenario"], key=lambda s: s.map(order) if s.name == "plan"
                              else s.map(_scenario_order), kind="stable").reset_index(drop=True)
    reference = OFFICIAL_PLAN if run.official is not None else None
    values = None
    if two is not None:
        sampled = table[table["scenario"] != "realised"]
        mean = sampled.groupby("plan")["shortfall_staff_days"].mean()
        values = value_table(float(mean[PAIRAID_PLAN] - mean[TWO_STAGE_PLAN]),
                             float("nan") if evpi is None else evpi[0],
                             vss_scenarios=scenarios,
                             evpi_scenarios=0 if evpi is None else min(evpi_scenarios,
                                                                       scenarios),
                             median=PAIRAID_PLAN, two_stage=TWO_STAGE_PLAN)
    return Evaluation(table=table, summary=summarise(table, reference=reference),
                      pairwise=pairwise(table),
                      plans={p.name: list(p.pairs) for p in ctx.plans}, two_stage=two,
                      values=values)


def plan_two_stage(run: PlanRun, ctx: EvaluationContext, scenarios: int, *, client: Any,
                   cvar_alpha: float | None = None,
                   reduce_to: int | None = None) -> TwoStageResult:
    """pairaid's two-stage plan: pairs minimising the mean unmet staff-days over
    ``scenarios`` planning scenarios (seed: the run's forecast seed), under the plan's
    constraints (:func:`pairaid.evaluation.stochastic.two_stage_pairs`).

    Raises
    ------
    pairaid.errors.InfeasibleError
        If no pairing meets the limits.
    """
    return two_stage_pairs(run, ctx, scenarios, cvar_alpha=cvar_alpha, reduce_to=reduce_to,
                           client=client)


def plan_with_scenarios(run: PlanRun, scenarios: int, *, cvar_alpha: float | None = None,
                        reduce_to: int | None = None, client: Any = None) -> PlanRun:
    """``pairaid plan --scenarios N``: ``run`` with its pairs chosen by the two-stage model
    on ``scenarios`` planning scenarios (the run's forecast seed), under the plan's
    constraints (fixed and forbidden pairs, max distance, k and m, reserves, distance
    term, total staff); flows re-optimised on the forecast median by the pairing engine.
    ``metrics['two_stage']`` records the MIP (size, time, status, gap).

    Raises
    ------
    pairaid.errors.InfeasibleError
        If no pairing meets the limits.
    """
    ctx = build_context(run, random_plan=False, with_plans=False)
    two = two_stage_pairs(run, ctx, scenarios, cvar_alpha=cvar_alpha, reduce_to=reduce_to,
                          client=client)
    info = {"planning_scenarios": scenarios, "scenarios_in_mip": two.scenarios,
            "cvar_alpha": cvar_alpha, "status": two.status, "mip_gap": two.mip_gap,
            "seconds": round(two.seconds, 2), "rows": two.rows, "columns": two.columns,
            "nonzeros": two.nonzeros,
            "expected_shortfall_in_sample": two.expected_shortfall,
            "seed": run.config.seed}
    return with_pairs(run, two.pairs, info)


def _scenario_order(label: str) -> float:
    return float(label) if label.isdigit() else np.inf
