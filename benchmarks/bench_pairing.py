"""Benchmark the pairing engine; prints tables, asserts nothing.

Sections (all by default; pick with ``--only hubei,county,lsap``):

* ``hubei``: Hubei-scale synthetic problem (30 donors x 16 recipients, doctors and
  nurses, 28 days): the engine's automatic method (median of ``--repeats``), the compact
  MIP (HiGHS warm-started, then neighbourhood search) as the second model of the same
  problem, and the greedy baseline; then the same with m = 3 (1:k and k:1 mixed), without
  and with the fairness term (``--fairness``, weight :data:`FAIRNESS`). Each row prints
  the load average of the machine when it ended.
* ``manytomany``: many-to-many with scarce capacity (m = 3, k = 2) on generated instances
  of the Hubei kind (``--cases``, donors x recipients : seed; the first is the Hubei-scale
  one above): bound, plan, proven gap and seconds, without and with ``--fairness``, and
  the ratio of the two times.
* ``boundgap``: where the many-to-many gap lies, on instances small enough for HiGHS to
  prove the optimum (``--gap-cases``, m = 3, k = 2): the compact relaxation, the donor-set
  bound of :mod:`pairaid.pairing.formulations.colgen` (recipient side), the two-sided
  relaxation (:func:`two_sided_relaxation`: the recipients' donor sets and the donors'
  recipient sets at once) and HiGHS' plan (the optimum where its status says
  optimal), with each bound's gap to it.
* ``fairproof``: on the same small cases, the engine's time to a proven optimum without
  and with ``--fairness`` (weight :data:`FAIRNESS`), run one right after the other, and
  their ratio (where both runs reach a proof, time to proof is what "within 2x" means).
* ``county``: county-scale synthetic problem (31 donors x 2,850 recipients, 3 resources,
  28 days, k <= 2): transportation method, greedy, and the compact MIP in HiGHS as the
  second solver of the same model (60 s limit).
* ``lsap``: pure 1:1 assignment on random U[0,1) matrices (``default_rng(12345)``,
  1000^2 then 3000^2 as in shared/benchmarks/BASELINES.md): pairaid's
  ``solve_assignment`` beside ``lap.lapjv`` and SciPy called directly (median of 3).

Run: ``python benchmarks/bench_pairing.py [--only ...] [--time-limit S]``.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace
from itertools import combinations

import numpy as np
import pandas as pd

from pairaid.pairing import PairingOptions, PairingProblem, solve
from pairaid.pairing.analysis.evaluate import evaluate_plan
from pairaid.pairing.formulations import colgen
from pairaid.pairing.formulations.assignment import solve_assignment
from pairaid.pairing.formulations.model import build_model, solve_model
from pairaid.pairing.formulations.setmip import build_set_model
from pairaid.pairing.highs import INF
from pairaid.pairing.instance import Instance, build_instance
from pairaid.pairing.search.greedy import greedy_plan


def synthetic(n_donors: int, n_recipients: int, resources: list[str], days: int,
              seed: int) -> PairingProblem:
    """A random problem: gaps rise then fall over the horizon; total donor capacity is 90 %
    of the total peak gap, split unevenly (Dirichlet); places uniform in a 2,000 km
    square."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2020-02-11", periods=days)
    peak = rng.gamma(2.0, 50.0, size=(n_recipients, len(resources)))
    shape = np.sin(np.linspace(0.3, np.pi - 0.3, days))
    gaps = np.round(peak[:, :, None] * shape[None, None, :] * rng.uniform(0.8, 1.2,
                    size=(n_recipients, len(resources), days)))
    rr, ss, tt = np.meshgrid(np.arange(n_recipients), np.arange(len(resources)),
                             np.arange(days), indexing="ij")
    demand = pd.DataFrame({
        "recipient_code": [f"R{i:04d}" for i in rr.ravel()],
        "resource": np.asarray(resources)[ss.ravel()],
        "date": dates[tt.ravel()], "gap": gaps.ravel()})
    total = peak.sum(axis=0)
    share = rng.dirichlet(np.ones(n_donors) * 2.0)
    cap = np.round(share[:, None] * total[None, :] * 0.9)
    dd, ss2 = np.meshgrid(np.arange(n_donors), np.arange(len(resources)), indexing="ij")
    supply = pd.DataFrame({"donor_code": [f"D{i:02d}" for i in dd.ravel()],
                           "resource": np.asarray(resources)[ss2.ravel()],
                           "capacity": cap.ravel()})
    dxy = rng.uniform(0, 2000, size=(n_donors, 2))
    rxy = rng.uniform(0, 2000, size=(n_recipients, 2))
    km = np.hypot(*(dxy[:, None, :] - rxy[None, :, :]).transpose(2, 0, 1))
    di, ri = np.meshgrid(np.arange(n_donors), np.arange(n_recipients), indexing="ij")
    distances = pd.DataFrame({"donor_code": [f"D{i:02d}" for i in di.ravel()],
                              "recipient_code": [f"R{i:04d}" for i in ri.ravel()],
                              "distance_km": km.ravel()})
    return PairingProblem(supply, demand, distances, {r: 1.0 for r in resources})


FAIRNESS = 1000.0
"""Weight of the largest donor burden in the ``--fairness`` row [objective units per unit
of burden]: a donor sending all of a resource (burden 1) weighs as much as 1,000
staff-days of shortfall, about a quarter of the m = 3 plans' objective."""


def _row(label: str, method: str, seconds: float, obj: float, bound: float,
         status: str) -> None:
    gap = (obj - bound) / abs(obj) if np.isfinite(bound) and obj else float("nan")
    load = os.getloadavg()[0]
    print(f"{label:34s} {method:22s} {seconds:9.3f} {obj:14.3f} {bound:14.3f} "
          f"{gap:8.3%} {status} (load {load:.1f})", flush=True)


def _header(title: str) -> None:
    print(f"\n## {title}")
    print(f"{'instance':34s} {'method':22s} {'seconds':>9s} {'objective':>14s} "
          f"{'bound':>14s} {'gap':>8s} status", flush=True)


def _greedy(problem: PairingProblem, options: PairingOptions) -> tuple[float, float]:
    t0 = time.perf_counter()
    inst = build_instance(problem, options)
    chosen, q = greedy_plan(inst, options)
    obj = evaluate_plan(inst, options, chosen, q).objective
    return time.perf_counter() - t0, obj


def _compare(label: str, problem: PairingProblem, options: PairingOptions,
             methods: list[str], repeats: int, greedy: bool = True) -> None:
    for method in methods:
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            res = solve(problem, replace(options, formulation=method))
            times.append(time.perf_counter() - t0)
        name = f"{method} -> {res.formulation}" if method == "auto" else method
        _row(label, name, float(np.median(times)), res.objective, res.bound,
             res.status.value)
    if greedy:
        secs, obj = _greedy(problem, options)
        _row(label, "greedy baseline", secs, obj, float("nan"), "heuristic")


def bench_hubei(time_limit: float, repeats: int) -> None:
    _header("Hubei scale: 30 donors x 16 recipients x 2 resources, 28 days (median of "
            f"{repeats})")
    problem = synthetic(30, 16, ["doctors", "nurses"], 28, seed=2020)
    base = PairingOptions(time_limit=time_limit)
    _compare("k=2, m=1", problem, base, ["auto"], repeats, greedy=False)
    _compare("k=2, m=1", problem, base, ["compact"], 1)
    _compare("k=2, m=3", problem, replace(base, max_recipients_per_donor=3),
             ["auto", "transport"], 1)
    # --fairness: the same with the min-max donor burden term (weight FAIRNESS)
    _compare(f"k=2, m=3, fairness {FAIRNESS:g}", problem,
             replace(base, max_recipients_per_donor=3, burden_max_weight=FAIRNESS),
             ["auto"], 1, greedy=False)


CASES = "30x16:2020,30x16:1,24x12:2,36x20:3"
"""Default many-to-many cases: the Hubei-scale instance and three others of its kind."""


def bench_many_to_many(time_limit: float, cases: str) -> None:
    _header(f"Many-to-many, m = 3, k = 2, doctors and nurses, 28 days, {time_limit:g} s")
    for case in cases.split(","):
        size, seed = case.split(":")
        nd, nr = (int(v) for v in size.split("x"))
        problem = synthetic(nd, nr, ["doctors", "nurses"], 28, seed=int(seed))
        base = PairingOptions(time_limit=time_limit, max_recipients_per_donor=3)
        secs = []
        for label, options in ((f"{size} seed {seed}", base),
                               (f"{size} seed {seed} fairness {FAIRNESS:g}",
                                replace(base, burden_max_weight=FAIRNESS))):
            t0 = time.perf_counter()
            res = solve(problem, options)
            secs.append(time.perf_counter() - t0)
            _row(label, f"auto -> {res.formulation}", secs[-1], res.objective, res.bound,
                 res.status.value)
        print(f"{'':34s} fairness / without: {secs[1] / secs[0]:.2f} x time", flush=True)


def two_sided_relaxation(inst: Instance, options: PairingOptions,
                         sets: list[np.ndarray]) -> float:
    """The linear relaxation of the pairing with both sides convexified: every donor set
    of every recipient (:func:`pairaid.pairing.formulations.setmip.build_set_model`, the
    shortfall priced by every perspective piece, so its relaxation is the donor-set
    bound) and every set of at most m recipients of every donor (x_K, with flows
    f[K,p,s] <= ub[p,s] x_K and sum_p f[K,p,s] <= cap[d,s] x_K), tied pair by pair: the
    recipients' sets use pair p as often as the donors' sets do, and move the same staff
    along it. This is the Lagrangian-decomposition bound of the two sides (Guignard &
    Kim 1987), never below either side's; written out in full, so only for small
    instances (all sets are enumerated; ``sets`` as
    :attr:`pairaid.pairing.formulations.colgen.SetBound.sets`) [objective units].

    References
    ----------
    M. Guignard, S. Kim, "Lagrangean decomposition: a model yielding stronger Lagrangean
    bounds", Mathematical Programming 39 (1987) 215-228.
    """
    model = build_set_model(inst, options, sets)
    b = model.builder
    S, D, P = len(inst.resources), len(inst.donors), inst.pair_d.size
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    key_of_flow = model.q_set * S + model.q_res
    n_rows = 0
    for key in range(model.phi.size):  # every piece of every set's perspective
        c, s = divmod(key, S)
        ends, a, n = model.pieces[int(model.set_r[c]) * S + s]
        fl = model.q[key_of_flow == key].tolist()
        for j in range(ends.size):
            rows += [n_rows] * (2 + len(fl))
            cols += [int(model.phi[key]), int(model.x[c])] + fl
            vals += [1.0, -float(a[j])] + [float(n[j])] * len(fl)
            n_rows += 1
    if n_rows:
        b.add_rows(rows=rows, cols=cols, vals=vals, lower=np.zeros(n_rows),
                   upper=np.full(n_rows, INF))
    cap = np.floor(inst.capacity) if options.integer_flows else inst.capacity
    top = inst.gaps.max(axis=2, initial=0.0)
    top = np.ceil(top) if options.integer_flows else top
    ub = np.minimum(cap[inst.pair_d], top[inst.pair_r])
    # link rows: 0..P-1 pair use, P..P+P*S-1 staff along (p, s), then donor convexity
    lr: list[int] = []
    lc: list[int] = []
    lv: list[float] = []
    valid = model.members >= 0
    lr += model.members[valid].tolist()
    lc += np.repeat(model.x, valid.sum(axis=1)).tolist()
    lv += [1.0] * int(valid.sum())
    lr += (P + model.q_pair * S + model.q_res).tolist()
    lc += model.q.tolist()
    lv += [1.0] * model.q.size
    for d in range(D):
        pairs = np.flatnonzero(inst.pair_d == d).tolist()
        for size in range(int(inst.m[d]) + 1):
            for group in combinations(pairs, size):
                xk = int(b.add_vars(1, upper=1.0)[0])
                lr += [P + P * S + d] + list(group)
                lc += [xk] * (1 + size)
                lv += [1.0] + [-1.0] * size
                for s in range(S):
                    live = [p for p in group if ub[p, s] > 0]
                    f = b.add_vars(len(live), lower=0.0).tolist()
                    lr += [P + p * S + s for p in live]
                    lc += f
                    lv += [-1.0] * len(live)
                    k = len(live)
                    b.add_rows(rows=np.r_[np.arange(k), np.arange(k), np.full(k + 1, k)],
                               cols=np.r_[f, [xk] * k, f, [xk]],
                               vals=np.r_[np.ones(k), -ub[live, s], np.ones(k), -cap[d, s]],
                               lower=np.full(k + 1, -INF), upper=np.zeros(k + 1))
    fix = np.r_[np.zeros(P + P * S), np.ones(D)]
    b.add_rows(rows=lr, cols=lc, vals=lv, lower=fix, upper=fix)
    for block in b.integer:
        block[:] = False
    return b.solve(time_limit=600.0).objective


GAP_CASES = "12x6:1,12x6:2,12x6:3,12x6:4,12x6:5,12x6:6"
"""Default cases of ``boundgap``: small enough for HiGHS to prove the optimum."""


def bench_bound_gap(cases: str) -> None:
    print("\n## Where the many-to-many gap lies: bounds against the proven optimum "
          "(m = 3, k = 2)")
    print(f"{'instance':14s} {'compact LP':>11s} {'donor sets':>11s} {'two-sided':>11s} "
          f"{'best plan':>11s} {'sets gap':>9s} {'two gap':>8s} status (seconds)", flush=True)
    for case in cases.split(","):
        size, seed = case.split(":")
        nd, nr = (int(v) for v in size.split("x"))
        problem = synthetic(nd, nr, ["doctors", "nurses"], 28, seed=int(seed))
        options = PairingOptions(time_limit=600.0, max_recipients_per_donor=3)
        inst = build_instance(problem, options)
        model = build_model(inst, options)
        lp = model.builder
        for block in lp.integer:
            block[:] = False
        relaxed = lp.solve(time_limit=600.0).objective
        sb = colgen.set_bound(inst, options, 600.0)
        sets = sb.bound
        two = two_sided_relaxation(inst, options, sb.sets)
        t0 = time.perf_counter()
        best = solve_model(build_model(inst, options), options, *greedy_plan(inst, options))
        secs = time.perf_counter() - t0
        print(f"{size + ' s' + seed:14s} {relaxed:11.1f} {sets:11.1f} {two:11.1f} "
              f"{best.objective:11.1f} {(best.objective - sets) / best.objective:9.2%} "
              f"{(best.objective - two) / best.objective:8.2%} {best.status.value} "
              f"({secs:.0f}; load {os.getloadavg()[0]:.1f})", flush=True)


def bench_fairness_proof(cases: str, time_limit: float) -> None:
    print(f"\n## Time to proof without and with --fairness {FAIRNESS:g} (m = 3, k = 2, "
          f"limit {time_limit:g} s)")
    print(f"{'instance':14s} {'without':>24s} {'with fairness':>24s} ratio", flush=True)
    for case in cases.split(","):
        size, seed = case.split(":")
        nd, nr = (int(v) for v in size.split("x"))
        problem = synthetic(nd, nr, ["doctors", "nurses"], 28, seed=int(seed))
        base = PairingOptions(time_limit=time_limit, max_recipients_per_donor=3)
        cells, secs = [], []
        for options in (base, replace(base, burden_max_weight=FAIRNESS)):
            t0 = time.perf_counter()
            res = solve(problem, options)
            secs.append(time.perf_counter() - t0)
            cells.append(f"{secs[-1]:6.1f} s {res.mip_gap:6.2%} {res.status.value[:7]}")
        print(f"{size + ' s' + seed:14s} {cells[0]:>24s} {cells[1]:>24s} "
              f"{secs[1] / secs[0]:.2f} (load {os.getloadavg()[0]:.1f})", flush=True)


def bench_county(time_limit: float) -> None:
    _header("County scale: 31 donors x 2,850 recipients x 3 resources, 28 days, k=2")
    t0 = time.perf_counter()
    problem = synthetic(31, 2850, ["doctors", "nurses", "icu_nurses"], 28, seed=7)
    print(f"(instance generated in {time.perf_counter() - t0:.1f} s)")
    options = PairingOptions(max_donors_per_recipient=2, max_recipients_per_donor=400,
                             time_limit=time_limit, mip_rel_gap=0.005)
    _compare("31x2850x3", problem, options, ["auto", "compact"], 1)


def bench_lsap(repeats: int) -> None:
    import lap
    from scipy.optimize import linear_sum_assignment

    print(f"\n## Linear assignment, random U[0,1) (median of {repeats}, solver call only)")
    print(f"{'size':>10s} {'pairaid':>10s} {'backend':>8s} {'lap.lapjv':>10s} "
          f"{'scipy':>10s} {'pairaid/fastest':>16s} same optimum")
    rng = np.random.default_rng(12345)
    for n in (1000, 3000):
        c = rng.random((n, n))
        ours, lj, sc = [], [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            res = solve_assignment(c)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            cost, _, _ = lap.lapjv(c)
            lj.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            r, k = linear_sum_assignment(c)
            sc.append(time.perf_counter() - t0)
        same = np.isclose(res.objective, c[r, k].sum()) and np.isclose(cost, res.objective)
        o, a, b = (float(np.median(x)) for x in (ours, lj, sc))
        print(f"{n:>5d}x{n:<4d} {o:10.3f} {res.backend:>8s} {a:10.3f} {b:10.3f} "
              f"{o / min(a, b):16.2f} {same}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="hubei,county,lsap")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", default=CASES,
                        help="many-to-many cases, donors x recipients : seed, comma-separated")
    parser.add_argument("--gap-cases", default=GAP_CASES,
                        help="boundgap cases, donors x recipients : seed, comma-separated")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    if "hubei" in parts:
        bench_hubei(args.time_limit, args.repeats)
    if "manytomany" in parts:
        bench_many_to_many(args.time_limit, args.cases)
    if "boundgap" in parts:
        bench_bound_gap(args.gap_cases)
    if "fairproof" in parts:
        bench_fairness_proof(args.gap_cases, args.time_limit)
    if "county" in parts:
        bench_county(args.time_limit)
    if "lsap" in parts:
        bench_lsap(args.repeats)


if __name__ == "__main__":
    from versions import print_versions

    print_versions()
    main()
