"""Replay plans on scenarios: scenario census -> needs -> gaps -> best flows of each plan.

A *plan* here is a set of pairs (and, for the Wenchuan rule, a supply). On every scenario
each plan gets the same total staff (``EvaluationContext.total_staff``, the official
pairing's total at the median, as ``pairaid plan`` caps its own plan) and its flows are
re-optimised by the pairing engine (:func:`pairaid.pairing.solve` with ``exact_pairs``,
as :func:`pairaid.pipeline.pair_on_forecast` solves the official plan). Needs and gaps come
from the same stages as ``plan`` (:func:`pairaid.needs.compute_needs`,
:func:`pairaid.gaps.compute_gaps`).

Two paths give the same shortfall: :func:`replay_scenario` (the pairing engine per scenario
and plan, the reference) and :func:`replay_paths` (what :func:`evaluate_chunk` runs: gaps
vectorised over a chunk, flows by min-cost flow on each plan's fixed pairs,
:mod:`pairaid.evaluation.recourse`; about 40 times faster). When several flows leave the
same shortfall, the two may return different ones, so the worst city's covered share and
the largest donor burden can differ between them; shortfall, gap, covered share, staff
sent and distance agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from pairaid.burden import burden_table, largest_burden
from pairaid.evaluation.baselines import random_pairing
from pairaid.evaluation.recourse import best_flows, build_network, chunk_gaps, measures
from pairaid.forecast.scenarios import (
    SCENARIO_LEVEL,
    Chunk,
    census_paths,
    scenario_forecast,
)
from pairaid.gaps import compute_gaps
from pairaid.needs import compute_needs
from pairaid.pairing import PairingOptions, PairingProblem, PairingResult, solve
from pairaid.pairing.search.transport import shortfall_segments
from pairaid.pairing.types import Pair
from pairaid.schemas import STAFF_RESOURCES

RANDOM_PLAN = "random"
"""Name of the random-pairing baseline: a fresh random pairing on every scenario."""

REALISED = "realised"
"""``scenario`` label of the observed path in ``evaluation.csv``."""

EVALUATION_COLUMNS = ["plan", "scenario", "shortfall_staff_days", "gap_staff_days",
                      "gap_covered_share", "worst_city_covered_share", "max_donor_burden",
                      "total_distance_km", "staff_sent"]
RANDOM_KEY = 2**31 - 1
"""Sub-stream key of the random pairings of a chunk (region keys are CRC-32 values)."""


@dataclass(frozen=True)
class PlanSpec:
    """A plan to replay: its pairs and, optionally, its own supply (Wenchuan rule)."""

    name: str
    pairs: tuple[Pair, ...]
    supply: pd.DataFrame | None = None


@dataclass(frozen=True, eq=False)
class EvaluationContext:
    """Everything a worker needs to replay plans on a chunk of scenarios.

    Attributes
    ----------
    cases, capacities : pandas.DataFrame
        The data set's tables (``cases`` only of the recipients).
    parameters : mapping of str to float
        The run's model parameters.
    norms : pandas.DataFrame or None
    norm_set : str or None
    recipients : tuple of str
    origin : datetime.date
    horizon_days : int
    model : str
        Forecast model the scenarios are drawn from.
    problem : PairingProblem
        The planning problem (supply, median demand, distances, weights).
    donor_capacities : pandas.DataFrame
        ``donor_code``, ``resource``, ``capacity`` [staff] (burden is measured against it).
    total_staff : float or None
        Staff every plan may send in all [staff].
    plans : tuple of PlanSpec
    random_plan : bool
        Also replay a fresh random pairing per scenario (plan :data:`RANDOM_PLAN`).
    options : dict
        Extra :class:`~pairaid.pairing.PairingOptions` (distance_weight, reserve_share,
        time_limit, mip_rel_gap).
    """

    cases: pd.DataFrame
    capacities: pd.DataFrame
    parameters: Mapping[str, float]
    norms: pd.DataFrame | None
    norm_set: str | None
    recipients: tuple[str, ...]
    origin: date
    horizon_days: int
    model: str
    problem: PairingProblem
    donor_capacities: pd.DataFrame
    total_staff: float | None
    plans: tuple[PlanSpec, ...]
    random_plan: bool = True
    options: dict[str, Any] = field(default_factory=dict)


def scenario_demand(census: np.ndarray, ctx: EvaluationContext) -> pd.DataFrame:
    """Staff gaps of one scenario as the pairing engine's ``demand`` table.

    Parameters
    ----------
    census : numpy.ndarray, shape (len(ctx.recipients), ctx.horizon_days)
        Census [persons].

    Returns
    -------
    pandas.DataFrame
        ``recipient_code``, ``resource``, ``date``, ``gap`` [staff on the day].
    """
    forecast = scenario_forecast(census, region_codes=ctx.recipients, origin=ctx.origin)
    needs = compute_needs(forecast, ctx.parameters, norms=ctx.norms, norm_set=ctx.norm_set)
    gaps = compute_gaps(needs, ctx.capacities, quantile=SCENARIO_LEVEL,
                        parameters=ctx.parameters)
    staff = gaps[gaps["resource"].isin(STAFF_RESOURCES)]
    return staff[["region_code", "resource", "date", "gap"]].rename(
        columns={"region_code": "recipient_code"}).reset_index(drop=True)


def replay(plan: PlanSpec, demand: pd.DataFrame, ctx: EvaluationContext) -> PairingResult:
    """Best flows of ``plan``'s pairs on one scenario's ``demand`` (same total staff)."""
    problem = PairingProblem(
        supply=plan.supply if plan.supply is not None else ctx.problem.supply,
        demand=demand, distances=ctx.problem.distances, weights=ctx.problem.weights)
    return solve(problem, PairingOptions(exact_pairs=list(plan.pairs),
                                         max_total_sent=ctx.total_staff, **ctx.options))


def plan_row(result: PairingResult, demand: pd.DataFrame,
             donor_capacities: pd.DataFrame) -> dict[str, float]:
    """The measures of one plan on one scenario (columns of ``evaluation.csv``).

    Returns
    -------
    dict
        ``shortfall_staff_days`` [staff-days uncovered over the horizon], ``gap_staff_days``
        [staff-days of gap before aid], ``gap_covered_share`` (1 − shortfall / gap; 1 with
        no gap), ``worst_city_covered_share`` (the same for the worst-covered recipient with
        a gap), ``max_donor_burden`` (largest share of a donor's capacity of one resource
        sent, :mod:`pairaid.burden`), ``total_distance_km`` [km, sum over pairs],
        ``staff_sent`` [staff].
    """
    short = result.shortfall
    short = short[short["resource"].isin(STAFF_RESOURCES)]
    gap_r = demand.groupby("recipient_code")["gap"].sum()
    short_r = short.groupby("recipient_code")["shortfall"].sum().reindex(gap_r.index,
                                                                          fill_value=0.0)
    need = gap_r > 0
    gap_total = float(gap_r.sum())
    short_total = float(short_r.sum())
    worst = float((1.0 - short_r[need] / gap_r[need]).min()) if need.any() else 1.0
    flows = result.flows
    burdens = burden_table(flows, donor_capacities, STAFF_RESOURCES)["burden"]
    return {
        "shortfall_staff_days": short_total,
        "gap_staff_days": gap_total,
        "gap_covered_share": 1.0 - short_total / gap_total if gap_total > 0 else 1.0,
        "worst_city_covered_share": worst,
        "max_donor_burden": largest_burden(burdens),
        "total_distance_km": float(result.pairs["distance_km"].sum()),
        "staff_sent": float(flows["quantity"].sum()),
    }


def replay_scenario(census: np.ndarray, label: str, ctx: EvaluationContext,
                    extra: Sequence[PlanSpec] = ()) -> list[dict[str, Any]]:
    """Rows of ``evaluation.csv`` for every plan of ``ctx`` (and ``extra``) on one path."""
    demand = scenario_demand(census, ctx)
    rows = []
    for plan in (*ctx.plans, *extra):
        result = replay(plan, demand, ctx)
        rows.append({"plan": plan.name, "scenario": label}
                    | plan_row(result, demand, ctx.donor_capacities))
    return rows


def replay_paths(ctx: EvaluationContext, census: np.ndarray, labels: Sequence[str],
                 rng: np.random.Generator | None = None) -> pd.DataFrame:
    """Rows of ``evaluation.csv`` for every plan of ``ctx`` on many census paths, by the
    fast path (:mod:`pairaid.evaluation.recourse`: gaps vectorised over the paths, flows
    by min-cost flow on each plan's fixed pairs).

    Parameters
    ----------
    census : numpy.ndarray, shape (n, len(ctx.recipients), H)
        Census paths [persons].
    labels : sequence of str
        ``scenario`` label of each path.
    rng : numpy.random.Generator, optional
        With it (and ``ctx.random_plan``), a fresh random pairing per path is replayed too.

    Returns
    -------
    pandas.DataFrame
        :data:`EVALUATION_COLUMNS`, plans in the order of ``ctx.plans`` per path.
    """
    base = build_network(ctx)
    nets = [base if plan.supply is None else build_network(ctx, plan.supply)
            for plan in ctx.plans]
    pairs = [net.pairs_of(plan.name, plan.pairs)
             for net, plan in zip(nets, ctx.plans, strict=True)]
    gaps = chunk_gaps(census, ctx, base.inst)
    draw = random_pairing(ctx.problem) if rng is not None and ctx.random_plan else None
    rows: list[dict[str, Any]] = []
    for i, label in enumerate(labels):
        g = gaps[i]
        # the shortfall segments depend on the gaps and weights only: once per path
        seg = shortfall_segments(replace(base.inst, gaps=g))
        todo = list(zip(ctx.plans, nets, pairs, strict=True))
        if draw is not None and rng is not None:
            drawn = PlanSpec(RANDOM_PLAN, tuple(draw(rng)))
            todo.append((drawn, base, base.pairs_of(RANDOM_PLAN, drawn.pairs)))
        for plan, net, idx in todo:
            same = (net.inst.recipients == base.inst.recipients
                    and net.inst.resources == base.inst.resources)
            q = best_flows(net, idx, g, seg if same else None)
            rows.append({"plan": plan.name, "scenario": label} | measures(net, idx, g, q))
    return pd.DataFrame(rows, columns=EVALUATION_COLUMNS)


def evaluate_chunk(ctx: EvaluationContext, chunk: Chunk) -> pd.DataFrame:
    """Draw one chunk's scenarios and replay every plan on each (one Dask task).

    Returns
    -------
    pandas.DataFrame
        :data:`EVALUATION_COLUMNS`; ``scenario`` is the scenario number (as text).
    """
    paths = census_paths(ctx.cases, region_codes=ctx.recipients, origin=ctx.origin,
                         horizon_days=ctx.horizon_days, chunk=chunk,
                         parameters=ctx.parameters, model=ctx.model)
    rng = np.random.default_rng(chunk.seed_sequence(RANDOM_KEY))
    return replay_paths(ctx, paths, [str(chunk.start + i) for i in range(chunk.size)], rng)


def chunk_demands(ctx: EvaluationContext, chunk: Chunk) -> list[pd.DataFrame]:
    """The staff gaps of one chunk's scenarios (one Dask task), as the pairing engine's
    ``demand`` tables (the rows of :func:`scenario_demand`, gaps vectorised by
    :func:`pairaid.evaluation.recourse.chunk_gaps`)."""
    paths = census_paths(ctx.cases, region_codes=ctx.recipients, origin=ctx.origin,
                         horizon_days=ctx.horizon_days, chunk=chunk,
                         parameters=ctx.parameters, model=ctx.model)
    return gap_frames(ctx, paths)


def gap_frames(ctx: EvaluationContext, paths: np.ndarray) -> list[pd.DataFrame]:
    """``demand`` tables (``recipient_code``, ``resource``, ``date``, ``gap`` [staff on
    the day]) of census paths (n, len(ctx.recipients), H), one per path."""
    inst = build_network(ctx).inst
    gaps = chunk_gaps(paths, ctx, inst)
    demand = ctx.problem.demand
    r_of = {c: i for i, c in enumerate(inst.recipients)}
    s_of = {c: i for i, c in enumerate(inst.resources)}
    ri = demand["recipient_code"].astype(str).map(r_of).to_numpy()
    si = demand["resource"].astype(str).map(s_of).to_numpy()
    ti = np.searchsorted(inst.dates, pd.to_datetime(demand["date"]).to_numpy())
    keys = demand[["recipient_code", "resource", "date"]].reset_index(drop=True)
    return [keys.assign(gap=g[ri, si, ti]) for g in gaps]


def evaluate_realised(ctx: EvaluationContext, census: np.ndarray) -> pd.DataFrame:
    """Rows of ``evaluation.csv`` on the realised (observed) path, scenario
    :data:`REALISED`; the random baseline is left out (one draw says nothing)."""
    return replay_paths(ctx, census[None], [REALISED])
