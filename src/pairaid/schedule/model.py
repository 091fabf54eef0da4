"""The dispatch model: a time-indexed MIP over team streams, built with numpy, solved by
HiGHS.

A *stream* j is one team type k sent along one pair p = (d, r) with travel time tau_p.
Days t = 0 .. H-1 are the horizon. Per stream two non-decreasing integer counts::

    X[j,t] = teams that have arrived by day t        (arrive <= t)
    Y[j,t] = teams whose tour has ended by day t     (tour_end <= t)
    on site n[j,t] = X[j,t] - Y[j,t]

Model::

    min  sum_{r,s,t} w_s u[r,s,t]                      unmet need [staff-days]
       + batch_cost  * sum_{p,t} b[p,t]                batches (pair, departure day)
       + travel_cost * sum_j 2 tau_j size_j X[j,H-1]    staff-days of travel, both ways
       + on_site_cost * sum_{j,t} size_j n[j,t]         staff-days on site
    s.t. X, Y non-decreasing; X[j,t] = 0 for t < tau_j (no departure before day 0)
         Y[j,t] <= X[j,t - Lmin_k]                     a tour lasts at least Lmin_k
         Y[j,t] >= X[j,t - Lmax_k]                     ... and at most Lmax_k (one tour)
         sum_{j of p} c_ks n[j,t] <= q[p,s]            never more than the plan's flow
         u[r,s,t] >= gap[r,s,t] - sum_{j of r} c_ks n[j,t]
         sum_{j of d} (X[j,t+tau_j] - X[j,t+tau_j-1]) <= departures limit of d
         sum_{j of d} (X[j,t+tau_j] - Y[j,t-tau_j-Q_k]) <= teams-away limit of d
         sum_{j of p} (X[j,t+tau_p] - X[j,t+tau_p-1]) <= M_p b[p,t],  b binary

Because arrivals and ends are counted cumulatively, any feasible (X, Y) splits into
individual teams by first-in, first-out: the i-th team to arrive is the i-th to leave,
and the two tour-length rows say exactly that its tour lasts Lmin .. Lmax days. This keeps
the model at two integer columns per stream and day, with sparse rows. Teams of a
schedule in force enter as constants (kept) or as a count that may only fall earlier
than scheduled (released).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pairaid.pairing.highs import INF, MipBuilder
from pairaid.schedule.inputs import CADRES
from pairaid.schedule.types import DispatchOptions

IntArr = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Streams:
    """Index data of the model: pairs, streams, recipients and donors as arrays."""

    days: int
    pairs: pd.DataFrame  # donor_code, recipient_code, travel_days, cap_doctors, cap_nurses
    donors: list[str]
    recipients: list[str]
    pair: IntArr  # (J,) pair of each stream
    ttype: IntArr  # (J,) team-type row of each stream
    tau: IntArr  # (J,) travel days
    lmin: IntArr
    lmax: IntArr
    quarantine: IntArr
    cadre: NDArray[np.float64]  # (J, S) staff of each cadre per team
    size: NDArray[np.float64]  # (J,) all staff per team
    most: IntArr  # (J,) most teams of the stream on site at once


@dataclass(frozen=True, eq=False)
class Fixed:
    """Constants from kept previous teams, per horizon day."""

    on_pair: NDArray[np.float64]  # (P, S, H) staff on site per pair and cadre
    on_recipient: NDArray[np.float64]  # (R, S, H)
    away: NDArray[np.float64]  # (D, H) teams away per donor


@dataclass(frozen=True, eq=False)
class Released:
    """Previous teams on site at the start that may go home early, grouped."""

    pair: IntArr  # (G,) pair index
    cadre: NDArray[np.float64]  # (G, S)
    count: IntArr  # (G,) teams in the group
    due: NDArray[np.float64]  # (G, H) teams of the group whose scheduled end <= t
    back: IntArr  # (G,) days from tour end to quarantine end


@dataclass(frozen=True, eq=False)
class DispatchModel:
    """A built (not yet solved) dispatch model with its variable blocks."""

    builder: MipBuilder
    x: IntArr  # (J, H)
    y: IntArr  # (J, H)
    z: IntArr  # (G, H) released previous teams ended by t
    batch_pair: IntArr
    batch_day: IntArr
    batch: IntArr


def build_model(st: Streams, gaps: NDArray[np.float64], weights: NDArray[np.float64],
                fixed: Fixed, rel: Released, options: DispatchOptions) -> DispatchModel:
    """Build the dispatch MIP (no solving).

    Parameters
    ----------
    st : Streams
    gaps : (R, S, H) array [staff on the day]
        Need from outside per recipient, cadre and day.
    weights : (S,) array
        Weight of a staff-day of unmet need per cadre.
    fixed, rel : Fixed, Released
        Previous teams kept and previous teams that may be released.
    options : DispatchOptions
    """
    b = MipBuilder()
    H, J, S = st.days, st.pair.size, len(CADRES)
    P, R = len(st.pairs), len(st.recipients)
    t = np.arange(H)
    pair_r = st.pairs["r"].to_numpy(np.int64)
    pair_d = st.pairs["d"].to_numpy(np.int64)
    caps = st.pairs[[f"cap_{c}" for c in CADRES]].to_numpy(float)  # (P, S)

    # ---- variables
    rounds = np.ceil(H / np.maximum(st.lmin, 1)) + 1
    x_ub = np.where(t[None, :] >= st.tau[:, None], (st.most * rounds)[:, None], 0.0)
    y_ub = np.where(t[None, :] >= (st.tau + st.lmin)[:, None], (st.most * rounds)[:, None],
                    0.0)
    on_cost = options.on_site_cost * st.size
    x_cost = np.tile(on_cost[:, None], (1, H))
    x_cost[:, -1] += options.travel_cost * 2 * st.tau * st.size
    x = b.add_vars(J * H, cost=x_cost.reshape(-1), upper=x_ub.reshape(-1),
                   integer=True).reshape(J, H)
    y = b.add_vars(J * H, cost=-np.repeat(on_cost, H), upper=y_ub.reshape(-1),
                   integer=True).reshape(J, H)
    G = rel.pair.size
    z = b.add_vars(G * H, cost=-np.repeat(options.on_site_cost * rel.cadre.sum(axis=1), H),
                   lower=rel.due.reshape(-1),
                   upper=np.repeat(rel.count, H).astype(float),
                   integer=True).reshape(G, H)

    def monotone(v: IntArr) -> None:
        if v.size == 0 or H < 2:
            return
        n = v.shape[0] * (H - 1)
        rows = np.arange(n)
        b.add_rows(rows=np.concatenate([rows, rows]),
                   cols=np.concatenate([v[:, 1:].reshape(-1), v[:, :-1].reshape(-1)]),
                   vals=np.concatenate([np.ones(n), -np.ones(n)]), lower=np.zeros(n),
                   upper=np.full(n, INF))

    monotone(x)
    monotone(y)
    monotone(z)

    # ---- tour length: Y[t] <= X[t - Lmin], Y[t] >= X[t - Lmax]
    for lag, lo, up in ((st.lmin, -INF, 0.0), (st.lmax, 0.0, INF)):
        jj, tt = np.nonzero(t[None, :] >= lag[:, None])
        if jj.size:
            rows = np.arange(jj.size)
            b.add_rows(rows=np.concatenate([rows, rows]),
                       cols=np.concatenate([y[jj, tt], x[jj, tt - lag[jj]]]),
                       vals=np.concatenate([np.ones(jj.size), -np.ones(jj.size)]),
                       lower=np.full(jj.size, lo), upper=np.full(jj.size, up))

    # ---- staff of each cadre on site, as (row key, column, value) triplets
    def on_site_terms(key_of_stream: IntArr, key_of_group: IntArr, n_keys: int
                      ) -> tuple[IntArr, IntArr, NDArray[np.float64], NDArray[np.float64]]:
        """Triplets of sum c_s n over streams/groups with keys (key, s, t); and the
        constant part from released groups (count * c)."""
        rows, cols, vals = [], [], []
        const = np.zeros((n_keys, S, H))
        for s in range(S):
            js = np.flatnonzero(st.cadre[:, s] > 0)
            if js.size:
                key = (key_of_stream[js, None] * S + s) * H + t[None, :]
                c = np.repeat(st.cadre[js, s], H)
                rows += [key.reshape(-1), key.reshape(-1)]
                cols += [x[js].reshape(-1), y[js].reshape(-1)]
                vals += [c, -c]
            gs = np.flatnonzero(rel.cadre[:, s] > 0)
            if gs.size:
                key = (key_of_group[gs, None] * S + s) * H + t[None, :]
                rows.append(key.reshape(-1))
                cols.append(z[gs].reshape(-1))
                vals.append(-np.repeat(rel.cadre[gs, s], H))
                np.add.at(const[:, s, :], key_of_group[gs],
                          (rel.count[gs] * rel.cadre[gs, s])[:, None] * np.ones(H))
        if not rows:
            return (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), const)
        return (np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), const)

    # pair caps: new + released <= max(q, previously scheduled) - kept
    rk, ck, vk, const = on_site_terms(st.pair, rel.pair, P)
    sched_prev = fixed.on_pair + const  # what the schedule in force had on site
    room = np.maximum(caps[:, :, None], sched_prev) - fixed.on_pair - const
    if rk.size:
        used, local = np.unique(rk, return_inverse=True)
        b.add_rows(rows=local, cols=ck, vals=vk, lower=np.full(used.size, -INF),
                   upper=room.reshape(-1)[used] + 1e-9)

    # shortfall: u + sum c n - sum c z >= gap - kept - released constant. A row is needed
    # wherever the gap exceeds what kept teams cover, also where the releasable teams
    # cover the rest: releasing them must then cost unmet need (without the row a team
    # still needed was sent home for free)
    rk, ck, vk, const = on_site_terms(pair_r[st.pair], pair_r[rel.pair], R)
    rhs = gaps - fixed.on_recipient - const
    open_need = gaps - fixed.on_recipient
    need = np.flatnonzero(open_need.reshape(-1) > 1e-9)
    u = b.add_vars(need.size, cost=np.repeat(weights[None, :, None], R, axis=0)
                   .repeat(H, axis=2).reshape(-1)[need], lower=0.0,
                   upper=open_need.reshape(-1)[need])  # unmet <= need not covered by kept
    if need.size:
        loc = -np.ones(R * S * H, dtype=np.int64)
        loc[need] = np.arange(need.size)
        keep = loc[rk] >= 0
        b.add_rows(rows=np.concatenate([np.arange(need.size), loc[rk[keep]]]),
                   cols=np.concatenate([u, ck[keep]]),
                   vals=np.concatenate([np.ones(need.size), vk[keep]]),
                   lower=rhs.reshape(-1)[need], upper=np.full(need.size, INF))

    # ---- arrivals on day a: X[a] - X[a-1]; departure day = a - tau
    def departures(js: IntArr) -> tuple[IntArr, IntArr, NDArray[np.float64]]:
        """(departure day, column, value) triplets of the teams leaving, per stream."""
        dd, cc, vv = [], [], []
        for j in js:
            a = np.arange(st.tau[j], H)
            dd += [a - st.tau[j], a[1:] - st.tau[j]]
            cc += [x[j, a], x[j, a[:-1]]]
            vv += [np.ones(a.size), -np.ones(a.size - 1)]
        if not dd:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        return np.concatenate(dd), np.concatenate(cc), np.concatenate(vv)

    stream_d = pair_d[st.pair]
    for di, donor in enumerate(st.donors):
        js = np.flatnonzero(stream_d == di)
        most = options.limit("max_departures_per_day", donor)
        if most is not None and js.size:
            dd, cc, vv = departures(js)
            b.add_rows(rows=dd, cols=cc, vals=vv, lower=np.full(H, -INF),
                       upper=np.full(H, float(most)))
        away = options.limit("max_teams_away", donor)
        if away is not None:
            a_rows: list[IntArr] = []
            a_cols: list[IntArr] = []
            a_vals: list[NDArray[np.float64]] = []
            for j in js:
                a_rows.append(t)
                a_cols.append(x[j, np.minimum(t + st.tau[j], H - 1)])
                a_vals.append(np.ones(H))
                back = t - st.tau[j] - st.quarantine[j]
                ok = back >= 0
                a_rows.append(t[ok])
                a_cols.append(y[j, back[ok]])
                a_vals.append(-np.ones(int(ok.sum())))
            gs = np.flatnonzero(pair_d[rel.pair] == di)
            for g in gs:  # released teams away until back: count - Z[t - back]
                back = t - rel.back[g]
                ok = back >= 0
                a_rows.append(t[ok])
                a_cols.append(z[g, back[ok]])
                a_vals.append(-np.ones(int(ok.sum())))
            limit = away - fixed.away[di] - (rel.count[gs].sum() if gs.size else 0)
            if a_rows:
                b.add_rows(rows=np.concatenate(a_rows), cols=np.concatenate(a_cols),
                           vals=np.concatenate(a_vals), lower=np.full(H, -INF),
                           upper=limit.astype(float))
    # ---- batches: departures of a pair on a day need its batch flag
    bp, bd, bc = [], [], []
    for p in range(P if options.batch_cost > 0 else 0):
        js = np.flatnonzero(st.pair == p)
        if not js.size:
            continue
        dd, cc, vv = departures(js)
        days = np.unique(dd)
        flag = b.add_vars(days.size, cost=options.batch_cost, upper=1.0, integer=True)
        big = float(st.most[js].sum())
        local = np.searchsorted(days, dd)
        b.add_rows(rows=np.concatenate([local, np.arange(days.size)]),
                   cols=np.concatenate([cc, flag]),
                   vals=np.concatenate([vv, np.full(days.size, -big)]),
                   lower=np.full(days.size, -INF), upper=np.zeros(days.size))
        bp.append(np.full(days.size, p))
        bd.append(days)
        bc.append(flag)
    cat = (lambda v: np.concatenate(v) if v else np.zeros(0, np.int64))  # noqa: E731
    return DispatchModel(builder=b, x=x, y=y, z=z, batch_pair=cat(bp), batch_day=cat(bd),
                         batch=cat(bc))


def most_teams(cadre: NDArray[np.float64], caps: NDArray[np.float64]) -> IntArr:
    """Most teams of each stream that fit the pair's flow at once: ``min_s floor(q_s /
    c_s)`` over the cadres the team has (0 if the team does not fit)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cadre > 0, np.floor(caps / np.where(cadre > 0, cadre, 1) + 1e-9),
                         math.inf)
    return np.minimum(ratio.min(axis=1), 1e6).astype(np.int64)
