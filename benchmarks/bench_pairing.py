"""Benchmark the pairing engine: Hubei-scale and county-scale synthetic instances.

Prints, per instance and method, solve time [s], objective, bound and relative gap, beside
the greedy baseline. Run: ``python benchmarks/bench_pairing.py [--county] [--time-limit S]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from pairaid.pairing import PairingOptions, PairingProblem, solve


def synthetic(n_donors: int, n_recipients: int, resources: list[str], days: int,
              seed: int) -> PairingProblem:
    """A random problem: gaps rise then fall over the horizon; capacity ~ total peak gap."""
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = []
    problem = synthetic(30, 16, ["doctors", "nurses"], 28, seed=2020)
    for label, opts in [
        ("hubei-like 30x16x2, 28 d, k=2 m=1", PairingOptions(time_limit=args.time_limit)),
        ("hubei-like, m=3 (1:k and k:1)", PairingOptions(max_recipients_per_donor=3,
                                                           time_limit=args.time_limit)),
    ]:
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            res = solve(problem, opts)
            times.append(time.perf_counter() - t0)
        rows.append((label, float(np.median(times)), res.objective, res.bound, res.mip_gap,
                     res.status.value))
    print(f"{'instance':40s} {'median s':>9s} {'objective':>12s} {'bound':>12s} "
          f"{'gap':>8s} status")
    for label, t, obj, bnd, gap, st in rows:
        print(f"{label:40s} {t:9.3f} {obj:12.3f} {bnd:12.3f} {gap:8.2%} {st}")


if __name__ == "__main__":
    main()
