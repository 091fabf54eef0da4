"""Baseline pairing rules: what a coordinator could do without an optimiser.

Each rule chooses *pairs* only, from the planning (median) gaps, the donors' capacities and
the distances of a :class:`~pairaid.pairing.PairingProblem`; :mod:`pairaid.evaluation.replay`
then gives every plan the same total staff and optimises its flows per scenario, so the
comparison measures the choice of pairs.

Rules (``r`` recipients, ``d`` donors):

- **nearest donor**: recipients in order of decreasing gap each take the nearest donor
  not yet taken (one donor each; every recipient, as the 2020 rounds paired every city).
- **proportional to gap**: the donors are shared out among recipients with a gap in
  proportion to their gaps (largest-remainder apportionment, at least one each), then
  assigned to those places at least total distance (linear assignment).
- **Wenchuan rule** (2008 earthquake, 19 provinces for 18 counties and 1 city): one donor
  per recipient, the largest donors to the neediest recipients by rank, and every donor
  commits the *same share* of its capacity (:func:`fixed_share_supply`).
- **greedy**: :func:`pairaid.pairing.solve_greedy` (the engine's greedy baseline).
- **stable matching**: :func:`pairaid.pairing.stable_pairs` (deferred acceptance on
  rankings by distance, gap and capacity).
- **random**: each recipient a distinct donor drawn at random (:func:`random_pairs`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from pairaid.pairing import PairingOptions, PairingProblem, solve_greedy, stable_pairs
from pairaid.pairing.types import Pair


def recipient_gaps(problem: PairingProblem) -> pd.Series:
    """Total weighted gap per recipient [staff-days], every recipient of the demand table,
    sorted by decreasing gap (ties by code)."""
    demand = problem.demand
    w = demand["resource"].map(dict(problem.weights)).astype(float)
    gaps = (demand["gap"].astype(float) * w).groupby(demand["recipient_code"]).sum()
    frame = gaps.rename("gap").reset_index()
    frame = frame.sort_values(["gap", "recipient_code"], ascending=[False, True])
    return frame.set_index("recipient_code")["gap"]


def donor_totals(problem: PairingProblem) -> pd.Series:
    """Total capacity per donor [staff], sorted by decreasing capacity (ties by code)."""
    caps = problem.supply.groupby("donor_code")["capacity"].sum().rename("cap").reset_index()
    caps = caps.sort_values(["cap", "donor_code"], ascending=[False, True])
    return caps.set_index("donor_code")["cap"].astype(float)


def _distance(problem: PairingProblem) -> dict[Pair, float]:
    d = problem.distances
    return {(str(a), str(b)): float(km) for a, b, km in
            zip(d["donor_code"], d["recipient_code"], d["distance_km"], strict=True)}


def nearest_pairs(problem: PairingProblem) -> list[Pair]:
    """Each recipient, neediest first, takes the nearest donor not yet taken."""
    dist = _distance(problem)
    free = list(donor_totals(problem).index)
    pairs: list[Pair] = []
    for r in recipient_gaps(problem).index:
        options = [(dist[(d, r)], d) for d in free if (d, r) in dist]
        if not options:
            continue
        _, best = min(options)
        free.remove(best)
        pairs.append((best, str(r)))
    return pairs


def apportion(weights: pd.Series, seats: int) -> pd.Series:
    """Largest-remainder (Hamilton) apportionment of ``seats`` in proportion to
    ``weights`` (all > 0), at least one seat each when ``seats >= len(weights)``."""
    if seats < len(weights):
        return pd.Series((np.arange(len(weights)) < seats).astype(int), index=weights.index)
    extra = seats - len(weights)
    quota = weights / weights.sum() * extra
    base = np.floor(quota).astype(int)
    left = extra - int(base.sum())
    order = np.argsort(-(quota - base).to_numpy(), kind="stable")
    base.iloc[order[:left]] += 1
    return base + 1


def proportional_pairs(problem: PairingProblem) -> list[Pair]:
    """Donors shared among recipients with a gap in proportion to the gaps, then placed
    at least total distance."""
    gaps = recipient_gaps(problem)
    gaps = gaps[gaps > 0]
    donors = list(donor_totals(problem).index)
    if gaps.empty or not donors:
        return []
    seats = apportion(gaps, len(donors))
    slots = [str(r) for r, n in seats.items() for _ in range(int(n))]
    dist = _distance(problem)
    big = 1e9
    cost = np.array([[dist.get((d, r), big) for r in slots] for d in donors])
    rows, cols = linear_sum_assignment(cost)
    return sorted((donors[i], slots[j]) for i, j in zip(rows, cols, strict=True)
                  if cost[i, j] < big)


def wenchuan_pairs(problem: PairingProblem) -> list[Pair]:
    """One donor per recipient, by rank: the i-th largest donor with the i-th neediest
    recipient (the 2008 rule paired the strongest provinces with the worst-hit counties)."""
    dist = _distance(problem)
    donors = list(donor_totals(problem).index)
    pairs = [(d, str(r)) for d, r in zip(donors, recipient_gaps(problem).index, strict=False)]
    return [p for p in pairs if p in dist]


def fixed_share_supply(supply: pd.DataFrame, pairs: Sequence[Pair],
                       total: float | None) -> pd.DataFrame:
    """The supply of the Wenchuan rule: every paired donor may send the same share of its
    capacity, the share that sends ``total`` staff in all (at most the whole capacity).

    Parameters
    ----------
    supply : pandas.DataFrame
        ``donor_code``, ``resource``, ``capacity`` [staff].
    pairs : sequence of (donor_code, recipient_code)
    total : float or None
        Staff the plan may send [staff]; None = the whole capacity (share 1).

    Returns
    -------
    pandas.DataFrame
        The same columns, ``capacity`` scaled by the share and rounded down to whole staff.
    """
    paired = {d for d, _ in pairs}
    mine = supply["donor_code"].isin(paired)
    whole = float(supply.loc[mine, "capacity"].sum())
    share = 1.0 if total is None or whole <= 0 else min(1.0, total / whole)
    out = supply.copy()
    out["capacity"] = np.floor(out["capacity"].astype(float) * share + 1e-9)
    return out


def greedy_pairs(problem: PairingProblem, options: PairingOptions) -> list[Pair]:
    """Pairs of the engine's greedy baseline (:func:`pairaid.pairing.solve_greedy`)."""
    res = solve_greedy(problem, options)
    return list(zip(res.pairs["donor_code"].astype(str), res.pairs["recipient_code"].astype(str),
                    strict=True))


def stable_matching_pairs(problem: PairingProblem, options: PairingOptions) -> list[Pair]:
    """Pairs of deferred acceptance (:func:`pairaid.pairing.stable_pairs`)."""
    return [(str(d), str(r)) for d, r in stable_pairs(problem, options)]


def random_pairs(problem: PairingProblem, rng: np.random.Generator) -> list[Pair]:
    """Each recipient a distinct donor drawn uniformly among the donors still free."""
    return random_pairing(problem)(rng)


def random_pairing(problem: PairingProblem) -> Callable[[np.random.Generator], list[Pair]]:
    """:func:`random_pairs` of ``problem`` as a function of the generator only (the tables
    are read once, for many draws; the same draws as :func:`random_pairs`)."""
    dist = _distance(problem)
    donors = sorted(donor_totals(problem).index)
    recipients = sorted(recipient_gaps(problem).index)

    def draw(rng: np.random.Generator) -> list[Pair]:
        order = rng.permutation(len(donors))
        pairs = [(donors[i], str(r)) for i, r in zip(order, recipients, strict=False)]
        return sorted(p for p in pairs if p in dist)

    return draw
