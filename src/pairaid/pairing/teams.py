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

**The staff cap** (``max_total_sent``, which ``pairaid plan`` sets to the official
pairing's staff) counts every staff member but the team doctors: a pair's first
``ceil(rho n_p)`` doctors (``rho n_p`` with continuous flows) travel with its nurses and
come on top; doctors beyond them (for a city short of more doctors than its teams bring)
count (:func:`team_doctors`). Counting the team doctors too, whole doctors per pair would
waste part of the cap unless ``n_p`` is a multiple of the ratio's denominator (5 nurses
for 0.6): a lattice the relaxation does not see. On the built-in data
(``team_doctors_per_nurse = 0.6``, all 6,792 staff capped) HiGHS left a gap of 1.9 %
(incumbent 96.9 against bound 95.0) after 60 s and after 300 s (2026-11-30, load 5-10).

This module is the one home of the rule: the resources it ties (:data:`LEAD`,
:data:`COMPANION`), its indices in an instance (:func:`team_rule`), the bounds and the row
of the compact model (:func:`lead_bounds`, :func:`add_team_rows`), what the staff cap
leaves out (:func:`team_doctors`, :func:`capped_staff`), the doctors a plan needs
(:func:`trim_companions`), the greedy plan's amounts (:func:`fit_amounts`) and the check
of a plan (:func:`breaches`).
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
                  qs: NDArray[np.int64], *, integer: bool
                  ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Add the team doctors ``t_p`` of every pair with a nurse column, with
    ``rho q[p, nurses] <= t_p <= q[p, doctors]`` and ``t_p <= rho q[p, nurses] + 1 - 1e-3``
    (whole ``t_p``: ``ceil(rho n_p)``; continuous: ``rho n_p``).

    Parameters
    ----------
    b : MipBuilder
        The model being built.
    rule : TeamRule
    q, qp, qs : numpy.ndarray of int, shape (n,)
        Column, pair and resource of each flow column
        (:func:`pairaid.pairing.formulations.model.add_flow_links`); a pair with a nurse
        column has a doctor column (:func:`lead_bounds`).
    integer : bool
        Whole staff.

    Returns
    -------
    (t, comp) : two numpy.ndarray of int, shape (m,)
        Columns of the team doctors and of their pairs' doctor flows.
    """
    lead = np.flatnonzero(qs == rule.lead)
    n = lead.size
    if n == 0:
        none = np.zeros(0, dtype=np.int64)
        return none, none
    comp_of = {int(p): int(c) for p, c in zip(qp[qs == rule.companion],
                                                q[qs == rule.companion], strict=True)}
    comp = np.asarray([comp_of[int(p)] for p in qp[lead]], dtype=np.int64)
    t = b.add_vars(n, lower=0.0, integer=integer)
    rows = np.arange(n)
    # t - rho n in [0, room]; whole t is then ceil(rho n) (1e-3 clear of HiGHS' 1e-6
    # feasibility tolerance)
    room = 1.0 - 1e-3 if integer else 0.0
    b.add_rows(rows=np.concatenate([rows, rows]), cols=np.concatenate([t, q[lead]]),
               vals=np.concatenate([np.ones(n), np.full(n, -rule.ratio)]),
               lower=np.zeros(n), upper=np.full(n, room))
    # q[p, doctors] - t >= 0: the team doctors are among the pair's doctors
    b.add_rows(rows=np.concatenate([rows, rows]), cols=np.concatenate([comp, t]),
               vals=np.concatenate([np.ones(n), -np.ones(n)]),
               lower=np.zeros(n), upper=np.full(n, INF))
    return t, comp


def team_doctors(rule: TeamRule | None, nurses: NDArray[np.float64], *,
                 integer: bool) -> NDArray[np.float64]:
    """The team doctors of pairs sending ``nurses`` [staff]: ``ceil(rho n)`` (``rho n``
    with continuous flows), which a total staff cap does not count; 0 without a rule."""
    if rule is None:
        return np.zeros_like(nurses)
    need = rule.ratio * nurses
    return np.asarray(whole_ceil(need) if integer else need)


def capped_staff(rule: TeamRule | None, q: NDArray[np.float64], *,
                 integer: bool) -> NDArray[np.float64]:
    """Staff per pair (P,) that a total staff cap counts, from flows ``q`` (P, S)
    [staff]: all but the team doctors (:func:`team_doctors`) a pair's doctors include."""
    total = q.sum(axis=1)
    if rule is None:
        return np.asarray(total)
    team = np.minimum(team_doctors(rule, q[:, rule.lead], integer=integer),
                      q[:, rule.companion])
    return np.asarray(total - team)


def trim_companions(rule: TeamRule | None, q: NDArray[np.float64], pair_r: NDArray[np.int64],
                    keep: NDArray[np.float64], *, integer: bool) -> NDArray[np.float64]:
    """Flows (P, S) without the doctors that neither a team nor a gap needs.

    Doctors beyond a recipient's peak doctor gap ``keep`` and beyond their pairs' team
    share cost the donor and reduce no shortfall, yet cost nothing in the objective when
    the burden terms are off, so a solver may send any number of them. Each recipient's
    doctors are cut to ``max(min(received, keep), sum_p m_p)``, each pair to no less than
    its team's ``m_p = rho n_p`` (rounded up to whole doctors when ``integer``), in pair
    order. Every day's shortfall stays the same (a recipient keeps all it received up to
    its peak gap), and the donors' capacities, the staff cap and the burden can only fall.

    Parameters
    ----------
    rule : TeamRule or None
        None: ``q`` is returned unchanged.
    q : numpy.ndarray, shape (P, S)
        Flows [staff].
    pair_r : numpy.ndarray of int, shape (P,)
        Recipient of each pair.
    keep : numpy.ndarray, shape (R,)
        Each recipient's largest daily doctor gap (whole staff when ``integer``) [staff].
    integer : bool
        Whole staff.

    Returns
    -------
    numpy.ndarray, shape (P, S)
        A new array.
    """
    if rule is None:
        return q
    out = q.copy()
    least = rule.ratio * out[:, rule.lead]
    least = np.minimum(whole_ceil(least) if integer else least, out[:, rule.companion])
    for r in np.unique(pair_r):
        ps = np.flatnonzero(pair_r == r)
        got = float(out[ps, rule.companion].sum())
        target = max(min(got, float(keep[r])), float(least[ps].sum()))
        cut = got - target
        for p in ps:
            if cut <= 0:
                break
            take = min(cut, float(out[p, rule.companion] - least[p]))
            out[p, rule.companion] -= take
            cut -= take
    return out


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
    """One pair's amounts (S,) cut to at most ``room`` staff counted by a total cap (all but
    its team doctors, :func:`capped_staff`), keeping the rule.

    Every counted amount (the doctors beyond the team's) is scaled by ``room / counted``
    and rounded down to whole staff; the team doctors follow the nurses left.
    """
    counted = float(capped_staff(rule, a[None, :], integer=integer)[0])
    if counted <= room:
        return a
    f = room / counted
    if rule is None:
        return np.asarray(np.floor(a * f) if integer else a * f)
    team = float(team_doctors(rule, a[rule.lead:rule.lead + 1], integer=integer)[0])
    extra = a[rule.companion] - min(team, a[rule.companion])
    out = np.floor(a * f) if integer else a * f
    extra = float(np.floor(extra * f)) if integer else extra * f
    out[rule.companion] = float(team_doctors(rule, out[rule.lead:rule.lead + 1],
                                             integer=integer)[0]) + extra
    return np.asarray(out)


def breaches(rule: TeamRule | None, q: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Pairs (P,) whose flows ``q`` (P, S) [staff] send fewer doctors than ``rho`` x nurses
    (by more than :data:`TOLERANCE`); all False without a rule."""
    if rule is None:
        return np.zeros(q.shape[0], dtype=bool)
    short = rule.ratio * q[:, rule.lead] - q[:, rule.companion]
    return np.asarray(short > TOLERANCE)
