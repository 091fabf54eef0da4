"""Explanations of a pairing by re-solving: what forbidding each pair would cost, what
one more team is worth at each recipient, and what-if comparisons.

Every figure is the difference of two optimal (or best-found) objectives of the same
model, so it inherits their status: when a re-solve stops at the time limit its value is
an upper estimate, and the ``status`` column says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from pairaid.errors import ConfigError, InfeasibleError
from pairaid.pairing.solve import solve
from pairaid.pairing.types import PairingOptions, PairingProblem, PairingResult


def forbid_costs(problem: PairingProblem, options: PairingOptions,
                 result: PairingResult | None = None) -> pd.DataFrame:
    """Cost of forbidding each chosen pair, one re-solve per pair.

    Parameters
    ----------
    problem, options
        As given to :func:`pairaid.pairing.solve`.
    result : PairingResult, optional
        The plan to explain (solved here if not given).

    Returns
    -------
    DataFrame
        ``donor_code``, ``recipient_code``, ``objective`` (without the pair),
        ``cost`` (objective without the pair minus the plan's objective; ``inf`` when no
        plan exists without it), ``shortfall_change`` [staff-days], ``status``,
        ``reason`` (why forbidding is impossible, if it is). Fixed pairs are reported
        with status ``fixed`` and not re-solved.
    """
    base = result or solve(problem, options)
    rows = []
    for d, r, fixed, previous in zip(base.pairs.donor_code, base.pairs.recipient_code,
                                     base.pairs.fixed, base.pairs.previous, strict=True):
        row: dict[str, object] = {"donor_code": d, "recipient_code": r}
        if fixed:
            why = ("kept pair of the previous plan"
                   if previous and (d, r) not in set(map(tuple, options.fixed_pairs))
                   else "fixed pair")
            row.update(objective=np.nan, cost=np.nan, shortfall_change=np.nan,
                       status="fixed", reason=why)
        else:
            alt_opts = replace(options, forbidden_pairs=[*options.forbidden_pairs, (d, r)])
            try:
                alt = solve(problem, alt_opts)
                row.update(objective=alt.objective, cost=alt.objective - base.objective,
                           shortfall_change=alt.measures["shortfall_staff_days"]
                           - base.measures["shortfall_staff_days"],
                           status=alt.status.value, reason="")
            except InfeasibleError as exc:
                row.update(objective=np.inf, cost=np.inf, shortfall_change=np.nan,
                           status="infeasible", reason=str(exc))
        rows.append(row)
    return pd.DataFrame(rows, columns=["donor_code", "recipient_code", "objective", "cost",
                                       "shortfall_change", "status", "reason"])


def marginal_values(problem: PairingProblem, options: PairingOptions,
                    team: Mapping[str, float], result: PairingResult | None = None
                    ) -> pd.DataFrame:
    """Value of one more team of a given size at each recipient, one re-solve each.

    The team stays for the whole horizon, like paired teams, so it lowers the
    recipient's gap by its size on every day (never below 0).

    Parameters
    ----------
    team : Mapping[str, float]
        Team size per resource [staff], e.g. ``{"doctors": 30, "nurses": 100}``.

    Returns
    -------
    DataFrame
        ``recipient_code``, ``objective`` (with the team), ``value`` (objective decrease,
        >= 0 up to solver tolerance), ``shortfall_change`` [staff-days, <= 0],
        ``status``; sorted by decreasing value.

    Raises
    ------
    ConfigError
        Negative team size or a resource absent from the problem.
    """
    base = result or solve(problem, options)
    demand = problem.demand
    known = set(demand["resource"].astype(str)) | set(problem.supply["resource"].astype(str))
    for res, size in team.items():
        if res not in known or not np.isfinite(size) or size < 0:
            raise ConfigError(f"team size for {res!r} must be >= 0 and the resource must "
                              f"be in the problem, got {size!r}")
    rows = []
    for r in pd.unique(demand["recipient_code"].astype(str)):
        extra = demand["resource"].astype(str).map(dict(team)).fillna(0.0)
        at_r = (demand["recipient_code"].astype(str) == r).to_numpy()
        gap = demand["gap"].to_numpy(dtype=float) - np.where(at_r, extra.to_numpy(), 0.0)
        alt_problem = replace(problem, demand=demand.assign(gap=np.maximum(gap, 0.0)))
        try:
            alt = solve(alt_problem, options)
        except InfeasibleError:  # pragma: no cover - a smaller gap never adds constraints
            continue
        rows.append({"recipient_code": r, "objective": alt.objective,
                     "value": base.objective - alt.objective,
                     "shortfall_change": alt.measures["shortfall_staff_days"]
                     - base.measures["shortfall_staff_days"],
                     "status": alt.status.value})
    out = pd.DataFrame(rows, columns=["recipient_code", "objective", "value",
                                      "shortfall_change", "status"])
    return out.sort_values("value", ascending=False, ignore_index=True)


@dataclass(frozen=True, eq=False)
class WhatIf:
    """Two plans and their differences.

    ``changes``: one row per measure (``objective`` and every measure of
    :attr:`PairingResult.measures`) with ``before``, ``after``, ``change``.
    ``pairs_added`` / ``pairs_removed``: (donor_code, recipient_code) tables.
    """

    before: PairingResult
    after: PairingResult
    changes: pd.DataFrame
    pairs_added: pd.DataFrame
    pairs_removed: pd.DataFrame


def compare(before: PairingResult, after: PairingResult) -> WhatIf:
    """Differences between two plans (measures and pairs)."""
    names = ["objective", *before.measures]
    b = {"objective": before.objective, **before.measures}
    a = {"objective": after.objective, **after.measures}
    changes = pd.DataFrame({"measure": names, "before": [b[n] for n in names],
                            "after": [a.get(n, np.nan) for n in names]})
    changes["change"] = changes["after"] - changes["before"]
    key = ["donor_code", "recipient_code"]
    merged = before.pairs[key].merge(after.pairs[key], how="outer", indicator=True)
    added = merged[merged["_merge"] == "right_only"][key].reset_index(drop=True)
    removed = merged[merged["_merge"] == "left_only"][key].reset_index(drop=True)
    return WhatIf(before, after, changes, added, removed)


def what_if(problem: PairingProblem, options: PairingOptions, *,
            add_donor: tuple[pd.DataFrame, pd.DataFrame] | None = None,
            remove_donor: str | None = None, k: int | None = None,
            before: PairingResult | None = None) -> WhatIf:
    """Re-solve after adding or removing a donor or changing k, and compare.

    Parameters
    ----------
    add_donor : (supply rows, distance rows), optional
        Rows to append to ``supply`` (``donor_code``, ``resource``, ``capacity``) and to
        ``distances`` for the new donor.
    remove_donor : str, optional
        Donor code to drop from supply (its fixed pairs are dropped too).
    k : int, optional
        New max_donors_per_recipient.
    before : PairingResult, optional
        The current plan (solved here if not given).

    Raises
    ------
    ConfigError
        Nothing to change, or an unknown donor to remove.
    InfeasibleError
        The changed problem has no feasible plan (with the reason in words).
    """
    if add_donor is None and remove_donor is None and k is None:
        raise ConfigError("what_if needs add_donor, remove_donor or k")
    base = before or solve(problem, options)
    supply, distances = problem.supply, problem.distances
    opts = options
    if add_donor is not None:
        supply = pd.concat([supply, add_donor[0]], ignore_index=True)
        distances = pd.concat([distances, add_donor[1]], ignore_index=True)
    if remove_donor is not None:
        if remove_donor not in set(supply["donor_code"].astype(str)):
            raise ConfigError(f"remove_donor: unknown donor {remove_donor!r}")
        supply = supply[supply["donor_code"].astype(str) != remove_donor]
        distances = distances[distances["donor_code"].astype(str) != remove_donor]
        opts = replace(opts,
                       fixed_pairs=[p for p in opts.fixed_pairs if p[0] != remove_donor],
                       forbidden_pairs=[p for p in opts.forbidden_pairs
                                        if p[0] != remove_donor],
                       previous_pairs=[p for p in opts.previous_pairs
                                       if p[0] != remove_donor])
        if isinstance(opts.max_recipients_per_donor, Mapping):
            opts = replace(opts, max_recipients_per_donor={
                d: v for d, v in opts.max_recipients_per_donor.items() if d != remove_donor})
    if k is not None:
        opts = replace(opts, max_donors_per_recipient=k, default_max_donors_per_recipient=k)
    after = solve(replace(problem, supply=supply, distances=distances), opts)
    return compare(base, after)
