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
pairing's staff) counts the staff that can meet a gap: every nurse, and every doctor sent to
a city short of doctors. The doctors a team brings to a city short of no doctor come on
top (they are in the staff sent, the donor's burden and capacity, not in the cap;
:func:`cap_counts`). Counted in the cap, whole doctors ``ceil(rho n_p)`` per pair would
waste part of it unless ``n_p`` is a multiple of the ratio's denominator (5 nurses for
0.6): a lattice the relaxation does not see. On the built-in data
(``team_doctors_per_nurse = 0.6``, all 6,792 staff capped) HiGHS left a gap of 1.9 %
(incumbent 96.9 against bound 95.0) after 60 s and after 300 s (2026-11-30, load 5-10).

This module is the one home of the rule: the resources it ties (:data:`LEAD`,
:data:`COMPANION`), its indices in an instance (:func:`team_rule`), the bounds and the row
of the compact model (:func:`lead_bounds`, :func:`add_team_rows`), what the staff cap
counts (:func:`cap_counts`), the doctors a plan needs (:func:`trim_companions`), the greedy plan's
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


def cap_counts(rule: TeamRule | None, resource: NDArray[np.int64],
               companion_peak: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Which flows a total staff cap counts: all but the doctors sent to a recipient short
    of no doctor (the teams' own doctors, see the module notes).

    Parameters
    ----------
    rule : TeamRule or None
        None: every flow counts.
    resource : numpy.ndarray of int, shape (n,)
        Resource index of each flow.
    companion_peak : numpy.ndarray, shape (n,)
        Largest daily doctor gap of each flow's recipient [staff].

    Returns
    -------
    numpy.ndarray of bool, shape (n,)
    """
    if rule is None:
        return np.ones(resource.shape, dtype=bool)
    return np.asarray(~((resource == rule.companion) & (companion_peak <= 0)))


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


def scale_amounts(rule: TeamRule | None, a: NDArray[np.float64], room: float,
                  counted: NDArray[np.bool_] | None = None, *,
                  integer: bool) -> NDArray[np.float64]:
    """One pair's amounts (S,) cut to at most ``room`` staff counted by the cap, keeping the
    rule.

    The counted resources are scaled by ``room / counted sum`` (rounded down to whole
    staff); where the doctors are then too few for the nurses, the nurses are cut to what
    they can accompany; where the doctors are not counted (a team's own, :func:`cap_counts`)
    they are cut to what the nurses left need.

    Parameters
    ----------
    rule : TeamRule or None
    a : numpy.ndarray, shape (S,)
        Amounts [staff].
    room : float
        Staff the cap still allows.
    counted : numpy.ndarray of bool, shape (S,), optional
        Which resources the cap counts (default all).
    integer : bool
        Whole staff.
    """
    counted = np.ones(a.shape, dtype=bool) if counted is None else counted
    total = float(a[counted].sum())
    if total <= room:
        return a
    f = room / total
    out = a.copy()
    out[counted] = np.floor(a[counted] * f) if integer else a[counted] * f
    if rule is not None:
        if counted[rule.companion]:
            most = out[rule.companion] / rule.ratio
            out[rule.lead] = min(out[rule.lead],
                                 float(whole_floor(most)) if integer else most)
        else:
            need = rule.ratio * out[rule.lead]
            out[rule.companion] = min(out[rule.companion],
                                      float(whole_ceil(need)) if integer else need)
    return np.asarray(out)


def breaches(rule: TeamRule | None, q: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Pairs (P,) whose flows ``q`` (P, S) [staff] send fewer doctors than ``rho`` x nurses
    (by more than :data:`TOLERANCE`); all False without a rule."""
    if rule is None:
        return np.zeros(q.shape[0], dtype=bool)
    short = rule.ratio * q[:, rule.lead] - q[:, rule.companion]
    return np.asarray(short > TOLERANCE)
