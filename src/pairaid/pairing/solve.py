"""Entry point of the pairing engine: validate, diagnose, build, solve, report."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from pairaid.errors import InfeasibleError, PairaidError
from pairaid.pairing.analysis.diagnose import diagnose
from pairaid.pairing.analysis.evaluate import evaluate_plan
from pairaid.pairing.formulations import assignment, colgen, subsets
from pairaid.pairing.formulations.model import PairingModel, build_model, extract, solve_model
from pairaid.pairing.highs import PROVEN_GAP, MipSolution, SolveStatus, proven_status
from pairaid.pairing.instance import Instance, build_instance
from pairaid.pairing.method import Method, MethodChoice, choose_method
from pairaid.pairing.search import transport
from pairaid.pairing.search.greedy import greedy_plan
from pairaid.pairing.search.lns import improve_plan
from pairaid.pairing.types import PairingOptions, PairingProblem, PairingResult

MIN_SOLVE_SECONDS = 0.5
"""Least time the solver is given even when building the model used up the time limit [s]."""

FIRST_PHASE = 0.3
"""Share of the time limit HiGHS has on the compact model before, if it has not proven
optimality, neighbourhood search (:mod:`pairaid.pairing.search.lns`) takes over."""
LNS_PHASE = 0.5
"""Share of the time limit of the neighbourhood search; HiGHS has the rest, warm-started
from the best plan, to improve the bound."""


COLGEN_SHARE = 0.1
"""Share of the time limit that column generation over donor sets
(:mod:`pairaid.pairing.formulations.colgen`) may take to bound a many-to-many (m > 1) compact model
before HiGHS solves it (the bound of its last finished round is valid; on the synthetic
30 x 16 instance it converges in 13 rounds, 3-7 s on the shared 2-core machine)."""


class SolverError(PairaidError):
    """The solver stopped without a plan (time limit before any feasible plan, or a
    numerical failure); the message says which and what to try."""


def _left(deadline: float) -> float:
    """Seconds left until ``deadline`` (``time.perf_counter()`` clock), at least
    :data:`MIN_SOLVE_SECONDS`."""
    return max(deadline - time.perf_counter(), MIN_SOLVE_SECONDS)


def _checked_instance(problem: PairingProblem, options: PairingOptions) -> Instance:
    """Validate and index a problem; raise InfeasibleError with the reason in words."""
    inst = build_instance(problem, options)
    reason = diagnose(inst)
    if reason is not None:
        raise InfeasibleError(reason)
    return inst


def solve(problem: PairingProblem, options: PairingOptions | None = None) -> PairingResult:
    """Find the pairing (and staff flows) that minimises the weighted objective.

    Parameters
    ----------
    problem : PairingProblem
        Supply [staff], demand [staff on the day], distances [km] and shortfall weights.
    options : PairingOptions, optional
        Limits, fixed/forbidden/exact pairs, objective weights and solver settings
        (defaults: k = 2 donors per recipient, m = 1 recipient per donor).

    Returns
    -------
    PairingResult
        Status, objective, bound, gap, time, pairs, flows, shortfall per recipient,
        resource and day, donor burden and each objective term.

    Raises
    ------
    InputError
        A table is malformed (missing column, negative value, duplicate key...).
    ConfigError
        An option is out of range or names an unknown code
        (:class:`~pairaid.pairing.instance.UnknownCodeError`).
    InfeasibleError
        No pairing satisfies the limits; the message says which limits conflict, e.g.
        "16 recipients need a donor but only 12 donors may take one each".
    SolverError
        The time limit passed before any feasible plan was found.

    Examples
    --------
    >>> import pandas as pd
    >>> from pairaid.pairing import PairingProblem, PairingOptions, solve
    >>> problem = PairingProblem(
    ...     supply=pd.DataFrame({"donor_code": ["A", "B"], "resource": "nurses",
    ...                          "capacity": [10, 4]}),
    ...     demand=pd.DataFrame({"recipient_code": ["X", "Y"], "resource": "nurses",
    ...                          "date": pd.Timestamp("2020-02-11"), "gap": [8, 3]}),
    ...     distances=pd.DataFrame({"donor_code": ["A", "A", "B", "B"],
    ...                             "recipient_code": ["X", "Y", "X", "Y"],
    ...                             "distance_km": [100.0, 200.0, 300.0, 50.0]}),
    ...     weights={"nurses": 1.0})
    >>> result = solve(problem, PairingOptions(max_donors_per_recipient=1))
    >>> result.status.value, result.terms["shortfall"]
    ('optimal', 0.0)
    >>> list(zip(result.pairs.donor_code, result.pairs.recipient_code))
    [('A', 'X'), ('B', 'Y')]
    """
    options = options or PairingOptions()
    t0 = time.perf_counter()
    inst = _checked_instance(problem, options)
    choice = choose_method(inst, options)
    form = choice.method
    if form is Method.TRANSPORT:
        chosen, q, bound = transport.solve_transport(inst, options)
        plan = evaluate_plan(inst, options, chosen, q)
        check_bound(plan.objective, bound, "the transportation method's flow bound")
        gap = relative_gap(plan.objective, bound)
        return PairingResult(
            status=proven_status(plan.objective, bound) if gap <= options.mip_rel_gap
            or proven_status(plan.objective, bound) == SolveStatus.OPTIMAL
            else SolveStatus.FEASIBLE,
            objective=plan.objective, bound=bound, mip_gap=gap,
            solve_seconds=time.perf_counter() - t0, pairs=plan.pairs, flows=plan.flows,
            shortfall=plan.shortfall, burden=plan.burden, terms=plan.terms,
            measures=plan.measures, formulation="transport",
            bound_source="transport bound, gap recomputed")
    use_subsets = form is Method.SUBSETS
    bound_from = "solver"  # where the final bound and gap come from (bound_source)
    # the time limit covers the whole call: what checking and building took is deducted
    # from what the solver gets (never below MIN_SOLVE_SECONDS)
    deadline = t0 + options.time_limit
    options = replace(options, time_limit=_left(deadline))
    if form is Method.ASSIGNMENT:
        chosen, q, _ = assignment.solve_one_to_one(inst, options)
        plan = evaluate_plan(inst, options, chosen, q)
        return PairingResult(
            status=SolveStatus.OPTIMAL, objective=plan.objective, bound=plan.objective,
            mip_gap=0.0, solve_seconds=time.perf_counter() - t0, pairs=plan.pairs,
            flows=plan.flows, shortfall=plan.shortfall, burden=plan.burden,
            terms=plan.terms, measures=plan.measures, formulation="assignment",
            bound_source="exact method (no bound computed)")
    if use_subsets:
        smodel = subsets.build_subset_model(inst, options)
        # a feasible start, so that a short time limit still returns a plan (c0014)
        start_pairs, start_q = greedy_plan(inst, options)
        start = subsets.start_from_plan(smodel, inst, start_pairs)
        sol = smodel.builder.solve(time_limit=_left(deadline),
                                   mip_rel_gap=options.mip_rel_gap, threads=options.threads,
                                   start=start)
    else:
        model = build_model(inst, options)
        start_pairs, start_q = greedy_plan(inst, options)
        if choice.transport_applies:
            t_pairs, t_q, _ = transport.solve_transport(inst, options)
            if (evaluate_plan(inst, options, t_pairs, t_q).objective
                    < evaluate_plan(inst, options, start_pairs, start_q).objective):
                start_pairs, start_q = t_pairs, t_q
        set_bound = float("-inf")
        if choice.colgen_bound:
            # many-to-many: the compact model's LP bound is weak; column generation over
            # the recipients' donor sets gives a tighter one (formulations.colgen)
            start_value = evaluate_plan(inst, options, start_pairs, start_q).objective
            set_bound = colgen.set_bound(
                inst, options, COLGEN_SHARE * options.time_limit,
                start=(start_pairs, start_q), upper=start_value).bound
        options = replace(options, time_limit=_left(deadline))
        sol = _solve_compact(model, inst, options, start_pairs, start_q)
        if sol.x is not None and np.isfinite(set_bound) and set_bound > sol.bound:
            gap = max((sol.objective - set_bound) / max(abs(sol.objective), 1e-9), 0.0)
            status = sol.status
            if gap <= options.mip_rel_gap or abs(sol.objective - set_bound) <= 1e-6 * max(
                    1.0, abs(sol.objective)):
                status = proven_status(sol.objective, set_bound)
            sol = replace(sol, status=status, bound=set_bound, mip_gap=gap)
            bound_from = "column-generation bound, gap recomputed"
    if sol.status == SolveStatus.INFEASIBLE:
        raise InfeasibleError(
            "the solver found the pairing model infeasible although the degree limits, "
            "fixed and forbidden pairs are compatible; check max_total_sent and reserves")
    if sol.x is None and sol.status == SolveStatus.TIME_LIMIT_NO_SOLUTION and use_subsets \
            and start is not None:
        # the solver found nothing better in time: the start plan is the best known one
        plan = evaluate_plan(inst, options, start_pairs, start_q)
        bound, gap, source = _bound_and_gap(inst, options, choice, plan.objective,
                                            sol.bound)
        return PairingResult(
            status=SolveStatus.TIME_LIMIT_FEASIBLE, objective=plan.objective, bound=bound,
            mip_gap=gap,
            solve_seconds=time.perf_counter() - t0, pairs=plan.pairs, flows=plan.flows,
            shortfall=plan.shortfall, burden=plan.burden, terms=plan.terms,
            measures=plan.measures, formulation=f"{form.value}, greedy start",
            bound_source=source)
    if sol.x is None:
        if sol.status == SolveStatus.TIME_LIMIT_NO_SOLUTION:
            raise SolverError(f"no feasible plan found within the time limit "
                              f"({deadline - t0:g} s); raise --time-limit")
        raise SolverError(f"the solver failed (status {sol.status.value})")
    if use_subsets:
        chosen, q = subsets.extract_subsets(smodel, inst, options, sol)
    else:
        chosen, q = extract(model, inst, sol.x, integer_flows=options.integer_flows)
    plan = evaluate_plan(inst, options, chosen, q)
    final: SolveStatus = sol.status
    bound, gap = sol.bound, sol.mip_gap
    source = bound_from
    if not np.isfinite(bound):
        bound, gap, source = _bound_and_gap(inst, options, choice, plan.objective, bound)
    else:
        check_bound(plan.objective, bound, f"the proven bound ({source})")
        if not _same(plan.objective, sol.objective):
            # the plan re-evaluated from its pairs and flows (integer flows snapped) is not
            # the value HiGHS reported: its gap and status are recomputed for this plan
            gap = relative_gap(plan.objective, bound)
            source = "solver bound, gap recomputed"
            if final.proven:
                final = (proven_status(plan.objective, bound)
                         if gap <= options.mip_rel_gap + PROVEN_GAP
                         else SolveStatus.FEASIBLE)
    return PairingResult(
        status=final, objective=plan.objective, bound=bound, mip_gap=gap,
        solve_seconds=time.perf_counter() - t0, pairs=plan.pairs, flows=plan.flows,
        shortfall=plan.shortfall, burden=plan.burden, terms=plan.terms,
        measures=plan.measures, diagnosis=None,
        formulation=form.value, bound_source=source,
    )


def _bound_and_gap(inst: Instance, options: PairingOptions, choice: MethodChoice,
                   objective: float, bound: float) -> tuple[float, float, str]:
    """Bound, relative gap and where they come from, for a plan whose solver proved no
    bound in time: the transportation method's flow bound where it applies (a relaxation
    of the same objective; :func:`check_bound` raises if the plan is below it), else
    (-inf, inf)."""
    if not np.isfinite(bound) and choice.transport_applies:
        bound = transport.solve_transport(inst, options)[2]
        check_bound(objective, bound, "the transportation method's flow bound")
        return bound, relative_gap(objective, bound), "transport bound, gap recomputed"
    return float("-inf"), float("inf"), "none"


BOUND_TOLERANCE = 1e-6
"""Largest amount, relative to max(1, |objective|), by which a re-evaluated plan may lie
below a proven lower bound before it counts as a model error (HiGHS' default primal
feasibility tolerance is 1e-7 per row; this leaves room for the sum over terms)."""


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= BOUND_TOLERANCE * max(1.0, abs(a), abs(b))


def check_bound(objective: float, bound: float, what: str) -> None:
    """Raise :class:`SolverError` if a plan's re-evaluated ``objective`` is below a proven
    lower ``bound`` by more than :data:`BOUND_TOLERANCE`: the model the bound belongs to and
    the evaluation of the plan disagree, so neither figure can be reported (this used to be
    hidden by capping the bound at the objective)."""
    if np.isfinite(bound) and objective < bound - BOUND_TOLERANCE * max(1.0, abs(objective)):
        raise SolverError(
            f"model error: the plan's objective re-evaluated from its pairs and flows "
            f"({objective:.9g}) is below {what} ({bound:.9g}); the optimisation model and "
            "the evaluation of a plan disagree (please report this with the input)")


def relative_gap(objective: float, bound: float) -> float:
    """``(objective - bound) / max(|objective|, 1e-9)``, 0 when the bound meets the
    objective within :data:`BOUND_TOLERANCE` (never negative after :func:`check_bound`)."""
    if _same(objective, bound):
        return 0.0
    return max((objective - bound) / max(abs(objective), 1e-9), 0.0)


def solve_greedy(problem: PairingProblem, options: PairingOptions | None = None
                 ) -> PairingResult:
    """The greedy baseline as a :class:`PairingResult` (status ``feasible``, bound NaN).

    Same validation, diagnosis and objective as :func:`solve`; see
    :mod:`pairaid.pairing.search.greedy` for the rule.

    Raises
    ------
    InputError, ConfigError, InfeasibleError
        As :func:`solve`.
    """
    options = options or PairingOptions()
    t0 = time.perf_counter()
    inst = _checked_instance(problem, options)
    chosen, q = greedy_plan(inst, options)
    plan = evaluate_plan(inst, options, chosen, q)
    return PairingResult(
        status=SolveStatus.FEASIBLE, objective=plan.objective, bound=float("nan"),
        mip_gap=float("nan"), solve_seconds=time.perf_counter() - t0, pairs=plan.pairs,
        flows=plan.flows, shortfall=plan.shortfall, burden=plan.burden, terms=plan.terms,
        measures=plan.measures, formulation="greedy", bound_source="none")


def _solve_compact(model: PairingModel, inst: Instance, options: PairingOptions,
                   start_pairs: NDArray[np.bool_], start_q: NDArray[np.float64]
                   ) -> MipSolution:
    """HiGHS; if it has not proven optimality after :data:`FIRST_PHASE` of the time,
    neighbourhood search from its incumbent, then HiGHS again from the best plan."""
    t0 = time.perf_counter()
    first = solve_model(model, replace(options, time_limit=FIRST_PHASE * options.time_limit),
                        start_pairs, start_q)
    if first.status.proven or first.x is None:
        if first.x is None and first.status == SolveStatus.TIME_LIMIT_NO_SOLUTION:
            left = options.time_limit - (time.perf_counter() - t0)
            return solve_model(model, replace(options, time_limit=max(left, 0.1)))
        return first
    x, value = improve_plan(model, inst, first.x, time_limit=LNS_PHASE * options.time_limit)
    left = options.time_limit - (time.perf_counter() - t0)
    bound = first.bound
    if left > 0.1:
        chosen, q = extract(model, inst, x, integer_flows=options.integer_flows)
        last = solve_model(model, replace(options, time_limit=left), chosen, q)
        bound = max(bound, last.bound)
        if last.x is not None and last.objective <= value + 1e-9:
            x, value = last.x, last.objective
        if last.status.proven:
            return MipSolution(last.status, x, value, last.bound, last.mip_gap,
                               time.perf_counter() - t0)
    gap = max((value - bound) / max(abs(value), 1e-9), 0.0)
    return MipSolution(SolveStatus.TIME_LIMIT_FEASIBLE, x, value, bound, gap,
                       time.perf_counter() - t0)
