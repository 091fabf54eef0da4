"""Turn a plan into a dispatch schedule: build the model's index data, solve, read teams.

:func:`dispatch` is the stage ``pair -> schedule``: pure (no file I/O), it returns a
:class:`~pairaid.schedule.types.DispatchResult` with the schedule, staff on site per
recipient and day, and the solver's status and gap.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from pairaid.errors import ConfigError, InfeasibleError
from pairaid.pairing.highs import MipSolution, SolveStatus
from pairaid.rounding import whole_ceil, whole_floor
from pairaid.schedule.cpsat import solve_cpsat
from pairaid.schedule.inputs import CADRES
from pairaid.schedule.model import Fixed, Released, Streams, build_model, most_teams
from pairaid.schedule.types import DispatchOptions, DispatchProblem, DispatchResult

SCHEDULE_COLUMNS = ["team_id", "donor_code", "recipient_code", "team_type", "doctors",
                    "nurses", "depart", "arrive", "tour_end", "quarantine_end",
                    "other_staff", "travel_mode", "travel_days", "previous"]
"""Columns of a schedule table, in order (the first ten are the file contract)."""
SOLVERS = ("cp-sat", "highs")


def _day(d: Any, start: date) -> int:
    return int((pd.Timestamp(d).date() - start).days)


def _pairs(problem: DispatchProblem, previous: pd.DataFrame) -> pd.DataFrame:
    """Pairs with flows or with previous teams: caps per cadre and travel."""
    flows = problem.flows[problem.flows["resource"].isin(CADRES)]
    caps = (flows.pivot_table(index=["donor_code", "recipient_code"], columns="resource",
                              values="quantity", aggfunc="sum", fill_value=0.0)
            .reindex(columns=list(CADRES), fill_value=0.0))
    caps = caps.clip(lower=0).apply(lambda col: whole_floor(col.to_numpy(float)))
    caps.columns = [f"cap_{c}" for c in CADRES]
    caps = caps[caps.sum(axis=1) > 0].reset_index()
    prev = previous[["donor_code", "recipient_code"]].drop_duplicates()
    pairs = caps.merge(prev, how="outer", on=["donor_code", "recipient_code"])
    pairs = pairs.fillna({f"cap_{c}": 0.0 for c in CADRES})
    travel = problem.travel[["donor_code", "recipient_code", "travel_mode", "travel_days"]]
    pairs = pairs.merge(travel, how="left", on=["donor_code", "recipient_code"])
    missing = pairs[pairs["travel_days"].isna() & (pairs[[f"cap_{c}" for c in CADRES]]
                                                   .sum(axis=1) > 0)]
    if not missing.empty:
        shown = ", ".join(f"{d}→{r}" for d, r in zip(missing["donor_code"],
                                                      missing["recipient_code"], strict=True))
        raise ConfigError(f"no travel time for pair(s) {shown}: the travel table must "
                          "cover every pair with a flow")
    pairs["travel_days"] = pairs["travel_days"].fillna(0).astype(int)
    pairs["travel_mode"] = pairs["travel_mode"].fillna("")
    return pairs.sort_values(["donor_code", "recipient_code"]).reset_index(drop=True)


def left_before(previous: pd.DataFrame, start: date) -> pd.Series:
    """Which teams of a schedule in force had left home before ``start`` (the first day of
    the new horizon): they stay as scheduled; the others are planned anew.

    Parameters
    ----------
    previous : pandas.DataFrame
        Teams with ``depart`` (date).
    start : datetime.date

    Returns
    -------
    pandas.Series of bool
        Aligned with ``previous``.
    """
    return pd.to_datetime(previous["depart"]) < pd.Timestamp(start)


def _check(problem: DispatchProblem, options: DispatchOptions) -> None:
    if options.solver not in SOLVERS:
        raise ConfigError(f"dispatch solver '{options.solver}': use one of "
                          f"{', '.join(SOLVERS)}")
    dates = pd.to_datetime(problem.gaps["date"]).drop_duplicates().sort_values()
    if dates.empty:
        raise ConfigError("the gaps table has no days: nothing to schedule")
    if len(dates) != (dates.iloc[-1] - dates.iloc[0]).days + 1:
        raise ConfigError("the gaps table's dates are not consecutive days")
    if (problem.travel["travel_days"] < 1).any():
        raise ConfigError("travel_days must be at least 1 for every pair")


def dispatch(problem: DispatchProblem, options: DispatchOptions | None = None
             ) -> DispatchResult:
    """Schedule teams for a plan: batches, travel, tours, relief and quarantine.

    Parameters
    ----------
    problem : DispatchProblem
        Flows (most staff on site per pair and cadre), daily gaps, travel, team types,
        and optionally the schedule in force.
    options : DispatchOptions, optional
        Donor limits, objective weights and solver settings.

    Returns
    -------
    DispatchResult
        Teams, staff on site per recipient and day, the solver's status, objective,
        bound and gap, and the measures (unmet staff-days, teams, batches, travel).

    Raises
    ------
    pairaid.errors.ConfigError
        If the gaps have no or non-consecutive days, or a pair with a flow has no
        travel time.
    pairaid.errors.InfeasibleError
        If the solver finds no schedule within the time limit (the empty schedule is
        always feasible, so this means the limit is too short for HiGHS to start).
    """
    options = options or DispatchOptions()
    t0 = time.perf_counter()
    _check(problem, options)
    start, H = problem.start, problem.days
    need = problem.gaps[problem.gaps["resource"].isin(CADRES)]
    raw: np.ndarray = np.clip(need["gap"].to_numpy(dtype=float), 0.0, None)
    need = need.assign(gap=whole_ceil(raw))
    previous = problem.previous if problem.previous is not None else pd.DataFrame(
        columns=SCHEDULE_COLUMNS)
    previous = previous[left_before(previous, start)].copy()
    pairs = _pairs(problem, previous)
    donors = sorted(set(pairs["donor_code"]))
    recipients = sorted(set(need["recipient_code"]) | set(pairs["recipient_code"]))
    pairs["d"] = pairs["donor_code"].map({c: i for i, c in enumerate(donors)})
    pairs["r"] = pairs["recipient_code"].map({c: i for i, c in enumerate(recipients)})
    types = problem.team_types.reset_index(drop=True)
    st = _streams(pairs, types, H, donors, recipients, options.types_per_pair)
    gaps = _gap_array(need, recipients, start, H)
    weights = np.array([float(problem.weights.get(c, 1.0)) for c in CADRES])
    fixed, rel, rel_rows = _previous(previous, pairs, start, H, options.keep_previous,
                                     len(donors), len(recipients))
    model = build_model(st, gaps, weights, fixed, rel, options)
    b = model.builder
    if options.solver == "cp-sat":
        sol = solve_cpsat(b, time_limit=options.time_limit,
                          mip_rel_gap=options.mip_rel_gap, workers=options.threads)
    else:
        sol = b.solve(time_limit=options.time_limit, mip_rel_gap=options.mip_rel_gap,
                      threads=options.threads)
    if sol.x is None and sol.status == SolveStatus.TIME_LIMIT_NO_SOLUTION:
        # the schedule that sends no new team (every count at its lower bound: 0, or the
        # teams of the schedule in force) is feasible by construction: a short time limit
        # returns it, never no schedule (c0014 kind)
        integer = np.concatenate(b.integer) if b.integer else np.zeros(0, dtype=bool)
        lower = np.concatenate(b.lower) if b.lower else np.zeros(0)
        nobody = np.where(integer, np.maximum(lower, 0.0), 0.0)
        sol = MipSolution(SolveStatus.TIME_LIMIT_FEASIBLE, nobody,
                          float("nan"), sol.bound, float("inf"), sol.seconds, sol.solver)
    if sol.x is None:
        raise InfeasibleError(f"the dispatch solver found no schedule (status "
                              f"{sol.status.value}) within {options.time_limit:g} s; raise "
                              "the time limit")
    xv: np.ndarray = np.rint(sol.x[model.x]).astype(np.int64)
    yv: np.ndarray = np.rint(sol.x[model.y]).astype(np.int64)
    zv: np.ndarray = (np.rint(sol.x[model.z]).astype(np.int64) if model.z.size
          else np.zeros((0, H), np.int64)).reshape(-1, H)
    new = _teams(st, types, xv, yv, start)
    kept = _kept(previous, rel_rows, rel, zv, start)
    schedule = _number(pd.concat([kept, new], ignore_index=True), previous)
    on_site = on_site_table(schedule, need)
    seconds = time.perf_counter() - t0
    status = sol.status
    m = measures(schedule, on_site)
    objective = sol.objective
    if not np.isfinite(objective):  # the no-new-team schedule above: its objective by hand
        w = on_site["resource"].map(dict(zip(CADRES, weights, strict=True))).fillna(1.0)
        objective = float((w * on_site["shortfall"]).sum() + options.batch_cost
                          * m["batches"] + options.travel_cost * m["travel_staff_days"]
                          + options.on_site_cost * m["on_site_staff_days"])
    return DispatchResult(status=status, objective=objective, bound=sol.bound,
                          mip_gap=sol.mip_gap, solve_seconds=seconds, schedule=schedule,
                          on_site=on_site, travel=problem.travel.copy(), measures=m)


def _chosen_types(pp: np.ndarray, kk: np.ndarray, ok: np.ndarray, cadre_k: np.ndarray,
                  caps: np.ndarray, n: int) -> np.ndarray:
    """Which (pair, type) streams to model when at most ``n`` types serve a pair.

    The types that fit the pair's flow are split into large ones (at least half the
    largest fitting size) and the rest; the large type whose doctor share is closest to
    the flow's is kept, then the smallest ones by the same closeness, up to ``n``. Near-
    identical large types (142, 150, 171 staff) make the model several times slower to
    solve without lowering unmet need much (``benchmarks/bench_dispatch.py``).
    """
    keep = np.zeros(pp.size, dtype=bool)
    size = cadre_k.sum(axis=1)
    share_k = cadre_k[:, 0] / np.maximum(size, 1)
    share_p = caps[:, 0] / np.maximum(caps.sum(axis=1), 1)
    for p in np.unique(pp[ok]):
        idx = np.flatnonzero(ok & (pp == p))
        ks = kk[idx]
        dist = np.abs(share_k[ks] - share_p[p])
        big = size[ks] >= 0.5 * size[ks].max()
        order = list(idx[big][np.lexsort((-size[ks][big], dist[big]))][:1])
        rest = idx[~big][np.lexsort((size[ks][~big], dist[~big]))]
        order += [i for i in rest if i not in order]
        order += [i for i in idx[big][np.lexsort((-size[ks][big], dist[big]))]
                  if i not in order]
        keep[order[:n]] = True
    return keep


def _streams(pairs: pd.DataFrame, types: pd.DataFrame, H: int, donors: list[str],
             recipients: list[str], types_per_pair: int | None = None) -> Streams:
    cadre_k = types[list(CADRES)].to_numpy(float)
    caps = pairs[[f"cap_{c}" for c in CADRES]].to_numpy(float)
    P, K = len(pairs), len(types)
    pp = np.repeat(np.arange(P), K)
    kk = np.tile(np.arange(K), P)
    most = most_teams(cadre_k[kk], caps[pp])
    ok = (most >= 1) & (pairs["travel_days"].to_numpy()[pp] >= 1)
    if types_per_pair is not None:
        ok &= _chosen_types(pp, kk, ok, cadre_k, caps, types_per_pair)
    pp, kk, most = pp[ok], kk[ok], most[ok]
    tau = pairs["travel_days"].to_numpy(np.int64)[pp]
    staff = cadre_k[kk].sum(axis=1) + types["other_staff"].to_numpy(float)[kk]
    return Streams(days=H, pairs=pairs, donors=donors, recipients=recipients, pair=pp,
                   ttype=kk, tau=tau,
                   lmin=types["min_tour_days"].to_numpy(np.int64)[kk],
                   lmax=types["tour_days"].to_numpy(np.int64)[kk],
                   quarantine=types["quarantine_days"].to_numpy(np.int64)[kk],
                   cadre=cadre_k[kk], size=staff, most=most)


def _gap_array(gaps: pd.DataFrame, recipients: list[str], start: date, H: int
               ) -> np.ndarray:
    out = np.zeros((len(recipients), len(CADRES), H))
    g = gaps[gaps["resource"].isin(CADRES)]
    r = g["recipient_code"].map({c: i for i, c in enumerate(recipients)}).to_numpy()
    s = g["resource"].map({c: i for i, c in enumerate(CADRES)}).to_numpy()
    t = (pd.to_datetime(g["date"]) - pd.Timestamp(start)).dt.days.to_numpy()
    np.add.at(out, (r, s, t), g["gap"].astype(float).clip(lower=0).to_numpy())
    return out


def _previous(previous: pd.DataFrame, pairs: pd.DataFrame, start: date, H: int,
              keep: bool, D: int, R: int) -> tuple[Fixed, Released, list[pd.DataFrame]]:
    """Constants of kept previous teams, and groups of released ones."""
    P, S = len(pairs), len(CADRES)
    on_pair: np.ndarray = np.zeros((P, S, H))
    on_rec: np.ndarray = np.zeros((R, S, H))
    away: np.ndarray = np.zeros((D, H))
    rec_of = pairs["r"].astype(int).tolist()
    don_of = pairs["d"].astype(int).tolist()
    index = {(d, r): i for i, (d, r) in enumerate(zip(pairs["donor_code"],
                                                      pairs["recipient_code"], strict=True))}
    groups: dict[tuple[int, int, int, int], list[int]] = {}
    for i, row in enumerate(previous.to_dict("records")):
        p = index[(row["donor_code"], row["recipient_code"])]
        a, e = _day(row["arrive"], start), _day(row["tour_end"], start)
        q0, q1 = _day(row["depart"], start), _day(row["quarantine_end"], start)
        cad = np.array([float(row[c]) for c in CADRES])
        if not keep and a <= 0 < e:
            key = (p, int(row["doctors"]), int(row["nurses"]), q1 - e)
            groups.setdefault(key, []).append(i)
            continue
        lo, hi = max(a, 0), min(e, H)
        if hi > lo:
            on_pair[p, :, lo:hi] += cad[:, None]
            on_rec[rec_of[p], :, lo:hi] += cad[:, None]
        lo, hi = max(q0, 0), min(q1, H)
        if hi > lo:
            away[don_of[p], lo:hi] += 1
    G = len(groups)
    due = np.zeros((G, H))
    rel_rows = []
    keys = list(groups)
    for g, key in enumerate(keys):
        rows = previous.iloc[groups[key]].copy()
        rows["_end"] = [_day(e, start) for e in rows["tour_end"]]
        rows = rows.sort_values("_end")
        ends = rows["_end"].to_numpy()
        due[g] = np.searchsorted(np.sort(ends), np.arange(H), side="right")
        rel_rows.append(rows)
    rel = Released(pair=np.array([k[0] for k in keys], dtype=np.int64),
                   cadre=np.array([[k[1], k[2]] for k in keys], dtype=float).reshape(G, S),
                   count=np.array([len(groups[k]) for k in keys], dtype=np.int64),
                   due=due, back=np.array([k[3] for k in keys], dtype=np.int64))
    return Fixed(on_pair=on_pair, on_recipient=on_rec, away=away), rel, rel_rows


def _teams(st: Streams, types: pd.DataFrame, xv: np.ndarray, yv: np.ndarray, start: date
           ) -> pd.DataFrame:
    """Split cumulative arrivals and ends into teams, first in, first out."""
    rows = []
    for j in range(st.pair.size):
        arr = np.repeat(np.arange(st.days), np.diff(np.r_[0, xv[j]]).clip(min=0))
        end = np.repeat(np.arange(st.days), np.diff(np.r_[0, yv[j]]).clip(min=0))
        k, pair = types.iloc[int(st.ttype[j])], st.pairs.iloc[int(st.pair[j])]
        tau, q = int(st.tau[j]), int(st.quarantine[j])
        for i, a in enumerate(arr):
            e = int(end[i]) if i < end.size else int(a) + int(st.lmax[j])
            rows.append({"donor_code": pair["donor_code"],
                         "recipient_code": pair["recipient_code"],
                         "team_type": k["team_type"], "doctors": int(k["doctors"]),
                         "nurses": int(k["nurses"]), "other_staff": int(k["other_staff"]),
                         "depart": start + timedelta(days=int(a) - tau),
                         "arrive": start + timedelta(days=int(a)),
                         "tour_end": start + timedelta(days=e),
                         "quarantine_end": start + timedelta(days=e + tau + q),
                         "travel_mode": pair["travel_mode"], "travel_days": tau,
                         "previous": False})
    return pd.DataFrame(rows, columns=SCHEDULE_COLUMNS[1:])


def _kept(previous: pd.DataFrame, rel_rows: list[pd.DataFrame], rel: Released,
          zv: np.ndarray, start: date) -> pd.DataFrame:
    """Previous teams as they now stand: released ones with their new tour end."""
    released = set()
    out = []
    for g, rows in enumerate(rel_rows):
        ends = np.repeat(np.arange(zv.shape[1]), np.diff(np.r_[0, zv[g]]).clip(min=0))
        for i, (idx, row) in enumerate(rows.iterrows()):
            released.add(idx)
            row = row.drop("_end").copy()
            if i < ends.size:
                back = pd.Timestamp(row["quarantine_end"]) - pd.Timestamp(row["tour_end"])
                new_end = pd.Timestamp(start + timedelta(days=int(ends[i])))
                if new_end < pd.Timestamp(row["tour_end"]):
                    row["tour_end"], row["quarantine_end"] = new_end, new_end + back
            out.append(row)
    rest = previous[~previous.index.isin(released)]
    frame = pd.concat([rest, pd.DataFrame(out)], ignore_index=False) if out else rest
    frame = frame.copy()
    for col in ("depart", "arrive", "tour_end", "quarantine_end"):
        frame[col] = pd.to_datetime(frame[col]).dt.date
    frame["previous"] = True
    if "other_staff" not in frame:
        frame["other_staff"] = 0
    frame["other_staff"] = frame["other_staff"].fillna(0).astype(int)
    if "travel_days" not in frame or frame["travel_days"].isna().any():
        frame["travel_days"] = [(pd.Timestamp(a) - pd.Timestamp(d)).days
                                for a, d in zip(frame["arrive"], frame["depart"], strict=True)]
    if "travel_mode" not in frame:
        frame["travel_mode"] = ""
    return frame.reindex(columns=SCHEDULE_COLUMNS)


def _number(schedule: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Give new teams ids ``<donor>-<recipient>-<nn>`` in departure order (previous
    teams keep theirs)."""
    used = set(previous["team_id"].astype(str)) if "team_id" in previous else set()
    out = schedule.sort_values(["donor_code", "recipient_code", "depart", "team_type"],
                               kind="stable").reset_index(drop=True)
    counter: dict[tuple[str, str], int] = {}
    ids = []
    for row in out.to_dict("records"):
        if row["previous"] and isinstance(row["team_id"], str):
            ids.append(row["team_id"])
            continue
        key = (str(row["donor_code"]), str(row["recipient_code"]))
        while True:
            counter[key] = counter.get(key, 0) + 1
            tid = f"{key[0]}-{key[1]}-{counter[key]:02d}"
            if tid not in used:
                break
        used.add(tid)
        ids.append(tid)
    out["team_id"] = ids
    for col in ("doctors", "nurses", "other_staff", "travel_days"):
        out[col] = out[col].astype(int)
    out["previous"] = out["previous"].astype(bool)
    return out[SCHEDULE_COLUMNS]


def on_site_table(schedule: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """Staff on site per recipient, cadre and day, against the need from outside.

    Parameters
    ----------
    schedule : pandas.DataFrame
        Teams (``recipient_code``, ``doctors``, ``nurses``, ``arrive``, ``tour_end``); a
        team is on site from ``arrive`` to the day before ``tour_end``.
    gaps : pandas.DataFrame
        ``recipient_code``, ``resource``, ``date``, ``gap`` [staff on the day].

    Returns
    -------
    pandas.DataFrame
        ``recipient_code``, ``resource``, ``date``, ``gap``, ``on_site``, ``shortfall``
        [staff on the day] for every row of ``gaps`` with a staff resource, and for every
        recipient of the schedule.
    """
    g = gaps[gaps["resource"].isin(CADRES)][["recipient_code", "resource", "date", "gap"]]
    g = g.assign(date=pd.to_datetime(g["date"]))
    days = pd.date_range(g["date"].min(), g["date"].max(), freq="D")
    extra = sorted(set(schedule["recipient_code"]) - set(g["recipient_code"]))
    if extra:
        g = pd.concat([g, pd.DataFrame([(r, s, d, 0.0) for r in extra for s in CADRES
                                        for d in days], columns=g.columns)])
    base = pd.Timestamp(days[0])
    H = len(days)
    recs = sorted(set(g["recipient_code"]))
    ridx = {c: i for i, c in enumerate(recs)}
    on = np.zeros((len(recs), len(CADRES), H))
    for row in schedule.to_dict("records"):
        lo = max((pd.Timestamp(row["arrive"]) - base).days, 0)
        hi = min((pd.Timestamp(row["tour_end"]) - base).days, H)
        if hi > lo:
            for si, c in enumerate(CADRES):
                on[ridx[row["recipient_code"]], si, lo:hi] += float(row[c])
    r = g["recipient_code"].map(ridx).to_numpy()
    s = g["resource"].map({c: i for i, c in enumerate(CADRES)}).to_numpy()
    t = (g["date"] - base).dt.days.to_numpy()
    out = g.reset_index(drop=True).copy()
    out["gap"] = out["gap"].astype(float)
    out["on_site"] = on[r, s, t]
    out["shortfall"] = (out["gap"] - out["on_site"]).clip(lower=0.0)
    return out.sort_values(["recipient_code", "resource", "date"]).reset_index(drop=True)


def measures(schedule: pd.DataFrame, on_site: pd.DataFrame) -> dict[str, float]:
    """Summary figures of a schedule (see :class:`DispatchResult`)."""
    new = schedule[~schedule["previous"].astype(bool)]
    staff = new["doctors"] + new["nurses"] + new["other_staff"]
    return {
        "unmet_staff_days": float(on_site["shortfall"].sum()),
        "gap_staff_days": float(on_site["gap"].sum()),
        "teams": float(len(new)),
        "batches": float(len(new[["donor_code", "recipient_code", "depart"]]
                             .drop_duplicates())),
        "staff_sent": float(staff.sum()),
        "travel_staff_days": float((2 * staff * new["travel_days"]).sum()),
        "on_site_staff_days": float(on_site["on_site"].sum()),
    }


__all__ = ["SCHEDULE_COLUMNS", "SolveStatus", "dispatch", "measures", "on_site_table"]
