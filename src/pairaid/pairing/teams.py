"""The team-composition rule: nurses sent on a pair travel with doctors of their own team.

Staff sent on a pair travel as teams. In 2020 the teams sent to the 16 Hubei cities outside
Wuhan were self-sufficient units with their own doctors: the 17 provincial contingents of
2020-02-12 counted 1,003 doctors and 1,681 nurses (0.60 doctors per nurse; Xinhua,
2020-02-13, source D4 of ``data/dispatch/SOURCES.md``). The rule, with a ratio ``rho``
[doctors per nurse] (``PairingOptions.team_doctors_per_nurse``), is, on every pair p::

    q[p, doctors] >= rho * q[p, nurses]

where ``q[p, doctors]`` is *all* the doctors the pair sends. They cover the recipient's
doctor gap where there is one; beyond it they are the team's own doctors, which reduce no
shortfall (a recipient receives at most its gap) but count against the donor's doctors, its
burden and the staff sent. A recipient short of 10 doctors and 30 nurses at 1 : 3 receives 10
doctors, not 20: the doctors of its own gap are the team's doctors. ``rho = 0`` switches the
rule off (nursing-only teams existed too: the ``nursing_squad`` team type).

With whole staff and a total cap (``max_total_sent``) the rule makes the pairing MIP much
harder to prove: whole doctors ``ceil(rho n_p)`` per pair waste part of the cap unless
``n_p`` is a multiple of the ratio's denominator (5 nurses for 0.6), a lattice the
relaxation does not see. On the built-in data (``team_doctors_per_nurse = 0.6``, cap 6,792)
HiGHS left a gap of 1.9 % (incumbent 96.9 against bound 95.0) after 60 s and after 300 s
(2026-11-30, load 5-10); without the cap it proves the optimum in under a second.

This module is the one home of the rule: the resources it ties (:data:`LEAD`,
:data:`COMPANION`), its indices in an instance (:func:`team_rule`), the bounds and the row
of the compact model (:func:`lead_bounds`, :func:`add_team_rows`), the greedy plan's
amounts (:func:`fit_amounts`) and the check of a plan (:func:`breaches`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pairaid.errors import ConfigError
from pairaid.pairing.highs import INF, MipBuilder
from pairaid.rounding import whole_ceil, whole_floor

LEAD = "nurses"
"""The resource whose flow calls for companions (nurses)."""
COMPANION = "doctors"
"""The resource that travels with it (the team's doctors)."""
TOLERANCE = 1e-6
"""Staff by which a plan's doctors may fall short of ``rho`` x nurses before
:func:`breaches` counts the pair (solver feasibility tolerance, summed over a row)."""


@dataclass(frozen=True)
class TeamRule:
    """The rule on one indexed problem.

    Attributes
    ----------
    lead : int
        Resource index of nurses.
    companion : int
        Resource index of doctors.
    ratio : float
        Least doctors per nurse sent on a pair [doctors/nurse], > 0.
    """

    lead: int
    companion: int
    ratio: float


def team_rule(resources: Sequence[str], ratio: float) -> TeamRule | None:
    """The rule for a problem with these resources, or None where it cannot bind (ratio 0,
    or no nurses in the problem).

    Raises
    ------
    ConfigError
        The ratio is negative or not a finite number, or it is positive while the problem
        has nurses but no doctors (donors could then send no nurse).
    """
    if isinstance(ratio, bool) or not isinstance(ratio, (int, float, np.integer, np.floating)) \
            or not np.isfinite(ratio) or ratio < 0:
        raise ConfigError("team_doctors_per_nurse must be a finite number >= 0 "
                          f"[doctors per nurse sent], got {ratio!r}")
    if ratio == 0 or LEAD not in resources:
        return None
    if COMPANION not in resources:
        raise ConfigError(
            f"team_doctors_per_nurse={ratio:g} needs the resource {COMPANION!r} in the "
            f"supply (donors' doctors) beside {LEAD!r}; give it, or set the rule off with "
            "team_doctors_per_nurse=0")
    return TeamRule(list(resources).index(LEAD), list(resources).index(COMPANION),
                    float(ratio))


def lead_bounds(rule: TeamRule, ub: NDArray[np.float64], cap: NDArray[np.float64],
                pair_d: NDArray[np.int64], *, integer: bool) -> NDArray[np.float64]:
    """Flow bounds (P, S) [staff] under the rule.

    A pair sends at most ``cap[d, doctors] / rho`` nurses (whole staff when ``integer``);
    a pair that may send nurses may send doctors up to the donor's doctors, since its
    team's doctors may exceed the recipient's doctor gap.

    Parameters
    ----------
    rule : TeamRule
    ub : numpy.ndarray, shape (P, S)
        Bounds without the rule: min(donor capacity, recipient's peak gap) [staff].
    cap : numpy.ndarray, shape (D, S)
        Donor capacities [staff].
    pair_d : numpy.ndarray of int, shape (P,)
        Donor of each pair.
    integer : bool
        Whole staff.

    Returns
    -------
    numpy.ndarray, shape (P, S)
        A new array.
    """
    out = ub.copy()
    most = cap[pair_d, rule.companion] / rule.ratio
    out[:, rule.lead] = np.minimum(out[:, rule.lead], whole_floor(most) if integer else most)
    sends = out[:, rule.lead] > 0
    out[sends, rule.companion] = cap[pair_d[sends], rule.companion]
    return out


def add_team_rows(b: MipBuilder, rule: TeamRule, q: NDArray[np.int64], qp: NDArray[np.int64],
                  qs: NDArray[np.int64]) -> int:
    """Add ``q[p, doctors] - rho q[p, nurses] >= 0`` for every pair with a nurse column.

    Parameters
    ----------
    b : MipBuilder
        The model being built.
    rule : TeamRule
    q, qp, qs : numpy.ndarray of int, shape (n,)
        Column, pair and resource of each flow column
        (:func:`pairaid.pairing.formulations.model.add_flow_links`); a pair with a nurse
        column has a doctor column (:func:`lead_bounds`).

    Returns
    -------
    int
        Rows added.
    """
    lead = np.flatnonzero(qs == rule.lead)
    comp_of = {int(p): int(c) for p, c in zip(qp[qs == rule.companion],
                                                q[qs == rule.companion], strict=True)}
    n = lead.size
    if n == 0:
        return 0
    comp = np.asarray([comp_of[int(p)] for p in qp[lead]], dtype=np.int64)
    rows = np.arange(n)
    b.add_rows(rows=np.concatenate([rows, rows]), cols=np.concatenate([comp, q[lead]]),
               vals=np.concatenate([np.ones(n), np.full(n, -rule.ratio)]),
               lower=np.zeros(n), upper=np.full(n, INF))
    return n


def fit_amounts(rule: TeamRule | None, a: NDArray[np.float64],
                companion_left: NDArray[np.float64], *, integer: bool) -> NDArray[np.float64]:
    """Amounts (n, S) a greedy step sends on n pairs, made to honour the rule.

    Nurses are cut to what the donor's doctors left can accompany
    (``companion_left / rho``); doctors are raised to ``rho`` x nurses (whole staff:
    rounded up) where the recipient's own doctor gap asks for fewer.

    Parameters
    ----------
    rule : TeamRule or None
        None: ``a`` is returned unchanged.
    a : numpy.ndarray, shape (n, S)
        Amounts without the rule [staff].
    companion_left : numpy.ndarray, shape (n,)
        Doctors each pair's donor has left [staff].
    integer : bool
        Whole staff.

    Returns
    -------
    numpy.ndarray, shape (n, S)
    """
    if rule is None:
        return a
    out = a.copy()
    most = companion_left / rule.ratio
    nurses = np.minimum(out[:, rule.lead], whole_floor(most) if integer else most)
    need = rule.ratio * nurses
    need = np.minimum(whole_ceil(need) if integer else need, companion_left)
    out[:, rule.lead] = nurses
    out[:, rule.companion] = np.maximum(out[:, rule.companion], need)
    return out


def scale_amounts(rule: TeamRule | None, a: NDArray[np.float64], room: float, *,
                  integer: bool) -> NDArray[np.float64]:
    """One pair's amounts (S,) cut to at most ``room`` staff in all, keeping the rule.

    Every resource is scaled by ``room / sum`` (rounded down to whole staff); where the
    doctors left are then too few for the nurses, the nurses are cut to what they can
    accompany.
    """
    total = float(a.sum())
    if total <= room:
        return a
    f = room / total
    out = np.floor(a * f) if integer else a * f
    if rule is not None:
        most = out[rule.companion] / rule.ratio
        out[rule.lead] = min(out[rule.lead], float(whole_floor(most)) if integer else most)
    return np.asarray(out)


def breaches(rule: TeamRule | None, q: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Pairs (P,) whose flows ``q`` (P, S) [staff] send fewer doctors than ``rho`` x nurses
    (by more than :data:`TOLERANCE`); all False without a rule."""
    if rule is None:
        return np.zeros(q.shape[0], dtype=bool)
    short = rule.ratio * q[:, rule.lead] - q[:, rule.companion]
    return np.asarray(short > TOLERANCE)
