"""Preference-based pairing: deferred acceptance and a stability check.

The alternative to the optimisation model: donors and recipients rank each other, and a
pairing is *stable* when no donor and recipient would both rather be paired with each
other than keep (one of) their partners: no *blocking pair*. Deferred acceptance (Gale &
Shapley 1962) in its hospital–resident form (Roth 1984) finds one: recipients are the
hospitals (each takes up to k donors), donors are the residents (each joins up to m
recipients; m = 1 is the classic form). Donors propose, so the result is the
donor-optimal stable pairing.

Default rankings (:func:`rankings`) follow the 2020 rules of thumb: a donor prefers
nearer recipients, and among equally near ones the one with the larger gap; a recipient
prefers the donor that can usefully send the most staff (weighted by resource), then the
nearer one.

References
----------
D. Gale, L. S. Shapley, "College admissions and the stability of marriage", American
Mathematical Monthly 69 (1962) 9-15. A. E. Roth, "The evolution of the labor market for
medical interns and residents", J. Political Economy 92 (1984) 991-1016. A. E. Roth,
"Stability and polarization of interests in job matching", Econometrica 52 (1984) 47-57
(many-to-many, pairwise stability).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from pairaid.errors import ConfigError
from pairaid.pairing.instance import build_instance
from pairaid.pairing.types import Pair, PairingOptions, PairingProblem

Prefs = Mapping[str, Sequence[str]]


Levels = Mapping[str, Mapping[str, int]]
"""Tie levels of a ranking: code -> {partner: level}; lower is better, equal levels tie."""

KEY_DECIMALS = 6
"""Ranking keys (distance [km], weighted staff) are compared after rounding to this many
decimals, so that float residue does not turn a tie into a preference."""


def ranking_levels(problem: PairingProblem, options: PairingOptions | None = None
                   ) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """Rankings of both sides with their ties declared, independent of input row order.

    Only candidate pairs are acceptable (listed in ``distances``, not forbidden, within
    ``max_distance_km``); recipients without a gap are acceptable to nobody.

    Returns
    -------
    donor_levels : dict donor_code -> {recipient_code: level}
        Level 0 is best. Ascending distance [km], then larger weighted peak gap; recipients
        equal on both keys share a level (a tie: the donor is indifferent between them).
    recipient_levels : dict recipient_code -> {donor_code: level}
        Descending weighted staff the donor could usefully send (sum over resources of
        weight x min(capacity, peak gap)), then distance; equal on both keys = same level.
    """
    options = options or PairingOptions()
    inst = build_instance(problem, options)
    cap = inst.capacity
    peak = inst.gaps.max(axis=2, initial=0.0)
    useful = (np.minimum(cap[inst.pair_d], peak[inst.pair_r]) * inst.weights).sum(axis=1)
    urgency = (peak * inst.weights).sum(axis=1)
    dist = np.round(inst.pair_dist, KEY_DECIMALS)
    d_key = np.stack([dist, -np.round(urgency[inst.pair_r], KEY_DECIMALS)], axis=1)
    r_key = np.stack([-np.round(useful, KEY_DECIMALS), dist], axis=1)
    ok = inst.needs[inst.pair_r]

    def levels(own: NDArray[np.int64], own_codes: Sequence[str], other: NDArray[np.int64],
               other_codes: Sequence[str], key: NDArray[np.float64]
               ) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for i, code in enumerate(own_codes):
            idx = np.flatnonzero((own == i) & ok)
            level = {k: n for n, k in enumerate(sorted({tuple(key[p]) for p in idx}))}
            out[code] = {other_codes[other[p]]: level[tuple(key[p])] for p in idx}
        return out

    return (levels(inst.pair_d, inst.donors, inst.pair_r, inst.recipients, d_key),
            levels(inst.pair_r, inst.recipients, inst.pair_d, inst.donors, r_key))


def strict_order(levels: Levels) -> dict[str, list[str]]:
    """Preference lists, best first, from tie levels; ties broken by ascending code."""
    return {c: sorted(lv, key=lambda x: (lv[x], x)) for c, lv in levels.items()}


def rankings(problem: PairingProblem, options: PairingOptions | None = None
             ) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Strict rankings of both sides: :func:`ranking_levels` with ties broken by code.

    A tie (equal distance and gap, or equal useful staff and distance) is broken by the
    partner's code in ascending order, a fixed, documented rule, so the rankings and the
    deferred-acceptance pairing never depend on the order of rows in the input files. A
    pairing stable under these strict rankings is weakly stable under the tied ones.

    Returns
    -------
    donor_prefs : dict donor_code -> recipient codes, best first
    recipient_prefs : dict recipient_code -> donor codes, best first
    """
    donor_levels, recipient_levels = ranking_levels(problem, options)
    return strict_order(donor_levels), strict_order(recipient_levels)


def _quota(value: int | Mapping[str, int], codes: Iterable[str], name: str) -> dict[str, int]:
    out = {c: (value.get(c, 1) if isinstance(value, Mapping) else value) for c in codes}
    bad = {c: v for c, v in out.items() if not isinstance(v, (int, np.integer)) or v < 0}
    if bad:
        raise ConfigError(f"{name} must be non-negative integers, got {bad}")
    return out


def _check_prefs(donor_prefs: Prefs, recipient_prefs: Prefs) -> None:
    for side, prefs, other in (("donor", donor_prefs, recipient_prefs),
                               ("recipient", recipient_prefs, donor_prefs)):
        for code, lst in prefs.items():
            if len(set(lst)) != len(lst):
                raise ConfigError(f"{side} {code!r} ranks someone twice: {list(lst)}")
            unknown = [c for c in lst if c not in other]
            if unknown:
                raise ConfigError(f"{side} {code!r} ranks unknown codes {unknown}")


def deferred_acceptance(
    donor_prefs: Prefs, recipient_prefs: Prefs, *,
    recipient_capacity: int | Mapping[str, int] = 2,
    donor_capacity: int | Mapping[str, int] = 1,
) -> list[Pair]:
    """Donor-proposing deferred acceptance.

    Parameters
    ----------
    donor_prefs, recipient_prefs : Mapping[str, Sequence[str]]
        Each side's acceptable partners, best first; a pair is acceptable only if each
        lists the other.
    recipient_capacity : int or Mapping[str, int]
        k: donors a recipient may take (mapping: per code, default 1).
    donor_capacity : int or Mapping[str, int]
        m: recipients a donor may join.

    Returns
    -------
    list of (donor_code, recipient_code)
        A pairwise-stable pairing, sorted.

    Raises
    ------
    ConfigError
        A ranking lists an unknown code or the same code twice, or a capacity is negative.
    """
    _check_prefs(donor_prefs, recipient_prefs)
    kcap = _quota(recipient_capacity, recipient_prefs, "recipient_capacity")
    mcap = _quota(donor_capacity, donor_prefs, "donor_capacity")
    rank = {r: {d: i for i, d in enumerate(lst)} for r, lst in recipient_prefs.items()}
    held: dict[str, list[str]] = {r: [] for r in recipient_prefs}
    joined: dict[str, set[str]] = {d: set() for d in donor_prefs}
    nxt = dict.fromkeys(donor_prefs, 0)
    free = [d for d in donor_prefs if mcap[d] > 0]
    while free:
        d = free.pop()
        prefs = donor_prefs[d]
        while len(joined[d]) < mcap[d] and nxt[d] < len(prefs):
            r = prefs[nxt[d]]
            nxt[d] += 1
            if d not in rank[r] or kcap[r] == 0:
                continue
            held[r].append(d)
            joined[d].add(r)
            if len(held[r]) > kcap[r]:
                worst = max(held[r], key=lambda x: rank[r][x])
                held[r].remove(worst)
                joined[worst].discard(r)
                if worst != d:
                    free.append(worst)
    return sorted((d, r) for r, ds in held.items() for d in ds)


def _ranks(prefs: Prefs, levels: Levels | None) -> dict[str, dict[str, int]]:
    """Rank of each listed partner: its tie level if given, else its list position."""
    if levels is None:
        return {c: {x: i for i, x in enumerate(lst)} for c, lst in prefs.items()}
    missing = [(c, x) for c, lst in prefs.items() for x in lst if x not in levels.get(c, {})]
    if missing:
        raise ConfigError(f"tie levels missing for ranked pairs {missing[:5]}")
    return {c: {x: int(levels[c][x]) for x in lst} for c, lst in prefs.items()}


def blocking_pairs(
    pairs: Iterable[Pair], donor_prefs: Prefs, recipient_prefs: Prefs, *,
    recipient_capacity: int | Mapping[str, int] = 2,
    donor_capacity: int | Mapping[str, int] = 1,
    donor_levels: Levels | None = None,
    recipient_levels: Levels | None = None,
) -> list[Pair]:
    """Blocking pairs of a pairing (empty list = stable).

    A pair (d, r), not in the pairing and acceptable to both, blocks when d has a free
    place or *strictly* prefers r to one of its recipients, and r has a free place or
    strictly prefers d to one of its donors (pairwise stability; Roth 1984). Partners a
    side does not rank (e.g. imposed pairs of an official plan) count as worse than every
    ranked one.

    With ``donor_levels`` / ``recipient_levels`` (tie levels as from
    :func:`ranking_levels`) preferences may tie, and a tie is no preference: the check is
    then *weak* stability (Irving 1994), and the answer does not depend on how the
    preference lists order tied partners. Without them, list position is a strict order.

    References
    ----------
    R. W. Irving, "Stable marriage and indifference", Discrete Applied Mathematics 48
    (1994) 261-272 (weak stability under ties).

    Raises
    ------
    ConfigError
        A pair names a code absent from the rankings, or a side holds more partners than
        its capacity.
    """
    pairs = list(pairs)
    _check_prefs(donor_prefs, recipient_prefs)
    kcap = _quota(recipient_capacity, recipient_prefs, "recipient_capacity")
    mcap = _quota(donor_capacity, donor_prefs, "donor_capacity")
    unknown = [p for p in pairs if p[0] not in donor_prefs or p[1] not in recipient_prefs]
    if unknown:
        raise ConfigError(f"pairs name codes absent from the rankings: {unknown}")
    of_d: dict[str, list[str]] = {d: [] for d in donor_prefs}
    of_r: dict[str, list[str]] = {r: [] for r in recipient_prefs}
    for d, r in pairs:
        of_d[d].append(r)
        of_r[r].append(d)
    over = [c for c, v in of_d.items() if len(v) > mcap[c]] + \
        [c for c, v in of_r.items() if len(v) > kcap[c]]
    if over:
        raise ConfigError(f"more partners than capacity allows for {over}")
    d_rank = _ranks(donor_prefs, donor_levels)
    r_rank = _ranks(recipient_prefs, recipient_levels)
    current = set(pairs)
    out = []
    for d, lst in donor_prefs.items():
        unranked_d = max(d_rank[d].values(), default=-1) + 1
        worst_d = max((d_rank[d].get(r, unranked_d) for r in of_d[d]), default=-1)
        for r in lst:
            if (d, r) in current or d not in r_rank[r]:
                continue
            d_wants = len(of_d[d]) < mcap[d] or d_rank[d][r] < worst_d
            unranked_r = max(r_rank[r].values(), default=-1) + 1
            worst_r = max((r_rank[r].get(x, unranked_r) for x in of_r[r]), default=-1)
            r_wants = len(of_r[r]) < kcap[r] or r_rank[r][d] < worst_r
            if d_wants and r_wants:
                out.append((d, r))
    return sorted(out)


def stable_pairs(problem: PairingProblem, options: PairingOptions | None = None
                 ) -> list[Pair]:
    """Donor-optimal stable pairing of a problem with the default :func:`rankings` and
    the options' limits k (per recipient) and m (per donor).

    Evaluate it with ``solve(problem, replace(options, exact_pairs=pairs))``.
    """
    options = options or PairingOptions()
    inst = build_instance(problem, options)
    dp, rp = rankings(problem, options)
    k = {r: int(v) for r, v in zip(inst.recipients, inst.k, strict=True)}
    m = {d: int(v) for d, v in zip(inst.donors, inst.m, strict=True)}
    return deferred_acceptance(dp, rp, recipient_capacity=k, donor_capacity=m)


def check_stability(problem: PairingProblem, pairs: Iterable[Pair],
                    options: PairingOptions | None = None) -> list[Pair]:
    """Blocking pairs of a given pairing (e.g. the official 2020-02-10 one) under the
    default rankings of ``problem`` with their ties (:func:`ranking_levels`): weak
    stability, so a pair blocks only when both sides strictly prefer each other, and the
    verdict does not depend on the order of rows in the input files (case c0012).

    Each side's capacity is its limit from ``options`` (k per recipient, m per donor) or
    the number of partners it has in ``pairs``, whichever is larger, so a plan that gave
    a donor more recipients than m (Shanxi in 2020) is judged on its preferences only.

    Returns
    -------
    list of (donor_code, recipient_code)
        Empty when the pairing is stable.

    Raises
    ------
    ConfigError
        A pair names a donor or recipient that is not in the problem.
    """
    options = options or PairingOptions()
    pairs = list(pairs)
    inst = build_instance(problem, options)
    dl, rl = ranking_levels(problem, options)
    dp, rp = strict_order(dl), strict_order(rl)
    unknown = [p for p in pairs if p[0] not in dp or p[1] not in rp]
    if unknown:
        raise ConfigError(f"pairs name codes that are not in the problem: {unknown}")
    k = {r: max(int(v), sum(1 for p in pairs if p[1] == r))
         for r, v in zip(inst.recipients, inst.k, strict=True)}
    m = {d: max(int(v), sum(1 for p in pairs if p[0] == d))
         for d, v in zip(inst.donors, inst.m, strict=True)}
    return blocking_pairs(pairs, dp, rp, recipient_capacity=k, donor_capacity=m,
                          donor_levels=dl, recipient_levels=rl)
