"""Two-stage pairing: pairs chosen once, staff flows chosen per scenario (recourse).

The sample-average model over scenarios ``w = 1..N`` (each with its own staff gaps)::

    min   (1/N) sum_w L_w  +  lam * CVaR_alpha(L)  +  c * sum_p km_p z_p
    L_w = sum_{r,s,t} w_s u_{r,s,t,w}                     unmet staff-days of scenario w
    u_{r,s,t,w} >= gap_{r,s,t,w} - sum_{p into r} x_{p,s,w},   u >= 0
    sum_{p from d} x_{p,s,w} <= capacity_{d,s}            donor capacity, every scenario
    x_{p,s,w} <= capacity_{d(p),s} z_p                     flows only on chosen pairs
    sum_{p,s} x_{p,s,w} <= T                              same total staff as the others
    sum_{p into r} z_p <= k,  sum_{p from d} z_p <= m,  sum_{p into r} z_p >= 1 for the
    recipients with a gap at the planning quantile        (the limits of ``plan``)
    z binary, x >= 0

CVaR by Rockafellar & Uryasev (2000): ``CVaR = eta + 1/((1 - alpha) N) sum_w v_w`` with
``v_w >= L_w - eta``, ``v >= 0``. Solved as one MIP by HiGHS (no decomposition; rows with
no gap in a scenario are left out). Flows are continuous here (the plan is the pairs; the
evaluation re-optimises integer flows per scenario with the pairing engine).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp

from pairaid.errors import InfeasibleError
from pairaid.pairing.highs import new_highs
from pairaid.pairing.types import Pair


@dataclass(frozen=True)
class TwoStageResult:
    """Result of :func:`solve_two_stage`.

    Attributes
    ----------
    pairs : list of (donor_code, recipient_code)
    objective : float
        Objective value [staff-days plus weighted km].
    expected_shortfall : float
        Mean over the scenarios of the unmet staff-days (weighted) [staff-days].
    status : str
        HiGHS model status.
    mip_gap : float
    seconds : float
        Build and solve time [s].
    rows, columns, nonzeros : int
        Size of the MIP.
    """

    pairs: list[Pair]
    objective: float
    expected_shortfall: float
    status: str
    mip_gap: float
    seconds: float
    rows: int
    columns: int
    nonzeros: int


def solve_two_stage(supply: pd.DataFrame, demands: Sequence[pd.DataFrame],
                    distances: pd.DataFrame, weights: dict[str, float], *,
                    required: Sequence[str] = (), k: int = 2, m: int = 1,
                    total_staff: float | None = None, distance_weight: float = 1e-3,
                    cvar_alpha: float | None = None, cvar_weight: float = 1.0,
                    time_limit: float = 60.0, mip_rel_gap: float = 1e-4) -> TwoStageResult:
    """Pairs that minimise the expected unmet staff-days over scenarios (see module).

    Parameters
    ----------
    supply : pandas.DataFrame
        ``donor_code``, ``resource``, ``capacity`` [staff].
    demands : sequence of pandas.DataFrame
        One per scenario: ``recipient_code``, ``resource``, ``date``, ``gap`` [staff/day].
    distances : pandas.DataFrame
        ``donor_code``, ``recipient_code``, ``distance_km`` [km]: the candidate pairs.
    weights : dict of str to float
        Weight of one staff-day of shortfall per resource.
    required : sequence of str
        Recipients that must get at least one donor.
    k, m : int
        Most donors per recipient, most recipients per donor.
    total_staff : float, optional
        Most staff sent in each scenario [staff].
    distance_weight : float
        Objective weight per km of a chosen pair.
    cvar_alpha : float, optional
        Add ``cvar_weight`` × CVaR at this level (e.g. 0.9) to the objective.
    time_limit, mip_rel_gap : float
        HiGHS settings [s], [-].

    Returns
    -------
    TwoStageResult

    Raises
    ------
    pairaid.errors.InfeasibleError
        If no pairing meets the limits.
    """
    t0 = time.perf_counter()
    cap = {(str(d), str(s)): float(c) for d, s, c in
           zip(supply["donor_code"], supply["resource"], supply["capacity"], strict=True)}
    donors = sorted({d for d, _ in cap})
    resources = sorted({s for _, s in cap})
    cand = [(str(d), str(r), float(km)) for d, r, km in
            zip(distances["donor_code"], distances["recipient_code"],
                distances["distance_km"], strict=True) if str(d) in donors]
    recipients = sorted({r for _, r, _ in cand} | set(required))
    n_scen, n_pairs = len(demands), len(cand)
    # columns: z (pairs), x (pair, resource, scenario) only where the pair's recipient has
    # a gap of that resource in that scenario (other flows cannot lower the shortfall),
    # u (positive gaps), [eta, v]
    inf = highspy.kHighsInf
    res_index = {s: i for i, s in enumerate(resources)}
    into = {r: [p for p, c in enumerate(cand) if c[1] == r] for r in recipients}
    positive = []
    for demand in demands:
        pos = demand[(demand["gap"] > 0) & demand["resource"].isin(res_index)]
        positive.append(list(zip(pos["recipient_code"].astype(str), pos["resource"],
                                 pos["gap"].astype(float), strict=True)))
    x0 = n_pairs
    xmap: dict[tuple[int, int, int], int] = {}
    for w, rows_w in enumerate(positive):
        for r, s in dict.fromkeys((r, s) for r, s, _ in rows_w):
            for p in into.get(r, []):
                xmap[(w, p, res_index[s])] = x0 + len(xmap)
    n_x = len(xmap)
    col_cost: list[np.ndarray] = [distance_weight * np.array([c[2] for c in cand]),
                                  np.zeros(n_x)]
    lower = [np.zeros(n_pairs), np.zeros(n_x)]
    upper = [np.ones(n_pairs), np.full(n_x, inf)]
    integer = [np.ones(n_pairs), np.zeros(n_x)]
    rows_i: list[int] = []
    rows_j: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []

    def row(cols: Sequence[int], coefs: Sequence[float], a: float, b: float) -> int:
        r = len(lo)
        rows_i.extend([r] * len(cols))
        rows_j.extend(cols)
        vals.extend(coefs)
        lo.append(a)
        hi.append(b)
        return r

    u_col = x0 + n_x
    u_weight: list[float] = []
    u_scen: list[int] = []
    for w, rows_w in enumerate(positive):
        for r, s, g in rows_w:
            si = res_index[s]
            cols = [u_col] + [xmap[(w, p, si)] for p in into.get(r, [])]
            row(cols, [1.0] * len(cols), g, inf)
            u_weight.append(float(weights[s]))
            u_scen.append(w)
            u_col += 1
    n_u = len(u_weight)
    uw = np.array(u_weight)
    col_cost.append(uw / n_scen)
    lower.append(np.zeros(n_u))
    upper.append(np.full(n_u, inf))
    integer.append(np.zeros(n_u))
    if cvar_alpha is not None:
        eta = x0 + n_x + n_u
        tail = cvar_weight / ((1.0 - float(cvar_alpha)) * n_scen)
        col_cost += [np.array([cvar_weight]), np.full(n_scen, tail)]
        lower += [np.array([-inf]), np.zeros(n_scen)]
        upper += [np.array([inf]), np.full(n_scen, inf)]
        integer += [np.zeros(1), np.zeros(n_scen)]
        u_by_scen: dict[int, list[int]] = {}
        for i, w in enumerate(u_scen):
            u_by_scen.setdefault(w, []).append(i)
        for w in range(n_scen):
            us = u_by_scen.get(w, [])
            # v_w + eta - L_w >= 0
            row([eta + 1 + w, eta, *(x0 + n_x + i for i in us)],
                [1.0, 1.0, *(-uw[us])], 0.0, inf)
    by_scen: dict[int, list[tuple[int, int, int]]] = {}
    for (w, p, si), col in xmap.items():
        by_scen.setdefault(w, []).append((p, si, col))
    for w in range(n_scen):
        xs = by_scen.get(w, [])
        per_donor: dict[tuple[str, int], list[int]] = {}
        for p, si, col in xs:
            d = cand[p][0]
            per_donor.setdefault((d, si), []).append(col)
            row([col, p], [1.0, -cap.get((d, resources[si]), 0.0)], -inf, 0.0)
        for (d, si), cols in per_donor.items():
            row(cols, [1.0] * len(cols), -inf, cap.get((d, resources[si]), 0.0))
        if total_staff is not None and xs:
            row([c for _, _, c in xs], [1.0] * len(xs), -inf, float(total_staff))
    out = {d: [p for p, c in enumerate(cand) if c[0] == d] for d in donors}
    for r in recipients:
        if into[r]:
            row(into[r], [1.0] * len(into[r]), 1.0 if r in required else 0.0, float(k))
        elif r in required:
            raise InfeasibleError(f"recipient {r} needs a donor but has no candidate pair")
    for d in donors:
        if out[d]:
            row(out[d], [1.0] * len(out[d]), 0.0, float(m))
    cost = np.concatenate(col_cost)
    n_cols = cost.size
    matrix = sp.csc_matrix((vals, (rows_i, rows_j)), shape=(len(lo), n_cols))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, len(lo)
    lp.col_cost_ = cost
    lp.col_lower_, lp.col_upper_ = np.concatenate(lower), np.concatenate(upper)
    lp.row_lower_, lp.row_upper_ = np.array(lo), np.array(hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    lp.integrality_ = [highspy.HighsVarType.kInteger if v else highspy.HighsVarType.kContinuous
                       for v in np.concatenate(integer)]
    h = new_highs()
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.passModel(lp)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    if h.getInfo().primal_solution_status != 2:
        raise InfeasibleError(f"two-stage pairing: no plan found (HiGHS: {status})")
    sol = np.asarray(h.getSolution().col_value)
    chosen = [(cand[p][0], cand[p][1]) for p in range(n_pairs) if sol[p] > 0.5]
    expected = float(uw @ sol[x0 + n_x:x0 + n_x + n_u]) / n_scen
    info = h.getInfo()
    return TwoStageResult(pairs=sorted(chosen), objective=float(info.objective_function_value),
                          expected_shortfall=expected, status=status,
                          mip_gap=float(info.mip_gap), seconds=time.perf_counter() - t0,
                          rows=len(lo), columns=n_cols, nonzeros=len(vals))
