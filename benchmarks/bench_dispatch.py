"""Benchmark the dispatch scheduler; prints figures, asserts nothing.

Sections (pick with ``--only hubei,county``):

* ``hubei``: 19 donors x 16 cities x 60 days. Gaps rise then fall (the pairing benchmark's
  generator, ``bench_pairing.synthetic``, seed 2020, peaks scaled x10 to thousands of staff
  per city as a large epidemic needs); the pairing engine pairs them (k <= 2, m = 1, the
  2020 rule), then the schedule is solved with the shipped team types and travel modes, at
  most 8 teams away and 2 departures a day per donor, on 2 threads: build+solve time,
  status, MIP gap, unmet staff-days, teams, batches; then the same model by CP-SAT, and
  HiGHS without the donor limits.
* ``county``: the pairing benchmark's county instance (31 donors x 2,850 recipients) with
  90 days, doctors and nurses: the same steps, with ``--time-limit``.

Run: ``python benchmarks/bench_dispatch.py [--only hubei] [--time-limit 10]``.
Figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

import pandas as pd
from bench_pairing import synthetic

from pairaid.pairing import PairingOptions, solve
from pairaid.schedule import (
    DispatchOptions,
    DispatchProblem,
    dispatch,
    read_team_types,
    read_travel_modes,
    travel_table,
)


def run(label: str, n_donors: int, n_recipients: int, days: int, seed: int, scale: float,
        pairing: PairingOptions, time_limit: float, solver_check: bool = False) -> None:
    t0 = time.perf_counter()
    problem = synthetic(n_donors, n_recipients, ["doctors", "nurses"], days, seed=seed)
    demand = problem.demand.assign(gap=problem.demand["gap"] * scale)
    supply = problem.supply.assign(capacity=problem.supply["capacity"] * scale)
    problem = replace(problem, demand=demand, supply=supply)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    plan = solve(problem, pairing)
    paired = time.perf_counter() - t0
    flows = plan.flows[plan.flows["quantity"] > 0]
    used = set(zip(flows["donor_code"], flows["recipient_code"], strict=True))
    dist = problem.distances[[(d, r) in used for d, r in zip(
        problem.distances["donor_code"], problem.distances["recipient_code"], strict=True)]]
    dp = DispatchProblem(flows=flows, gaps=problem.demand,
                         travel=travel_table(dist, read_travel_modes()),
                         team_types=read_team_types(), weights=problem.weights)
    options = DispatchOptions(max_teams_away=8, max_departures_per_day=2,
                              time_limit=time_limit, threads=2)
    res = dispatch(dp, options)
    m = res.measures
    print(f"## {label}: {n_donors} donors x {n_recipients} recipients x {days} days")
    print(f"instance {built:.1f} s; pairing {paired:.1f} s ({plan.status.value}, "
          f"{len(used)} pairs with staff, plan shortfall "
          f"{plan.measures['shortfall_staff_days']:,.0f} staff-days)")
    print(f"dispatch: {res.solve_seconds:.2f} s (time limit {time_limit:g} s, 2 threads), "
          f"status {res.status.value}, MIP gap {res.mip_gap:.3%}, objective "
          f"{res.objective:,.2f}, bound {res.bound:,.2f}")
    print(f"gap {m['gap_staff_days']:,.0f} staff-days, unmet {m['unmet_staff_days']:,.0f} "
          f"({m['unmet_staff_days'] / max(m['gap_staff_days'], 1):.1%}), teams "
          f"{m['teams']:,.0f}, batches {m['batches']:,.0f}, staff sent "
          f"{m['staff_sent']:,.0f}", flush=True)
    per_donor = res.schedule.groupby("donor_code").agg(
        teams=("team_id", "size"), batches=("depart", "nunique"))
    print(f"batches per donor: median {per_donor['batches'].median():.0f}, max "
          f"{per_donor['batches'].max():.0f}", flush=True)
    if solver_check:
        other = dispatch(dp, replace(options, solver="cp-sat"))
        print(f"same model by CP-SAT: {other.solve_seconds:.2f} s, {other.status.value}, "
              f"objective {other.objective:,.2f}, bound {other.bound:,.2f}")
        free = dispatch(dp, replace(options, max_teams_away=None,
                                    max_departures_per_day=None))
        print(f"without donor limits: {free.solve_seconds:.2f} s, {free.status.value}, MIP "
              f"gap {free.mip_gap:.3%}, unmet {free.measures['unmet_staff_days']:,.0f} "
              f"staff-days, teams {free.measures['teams']:,.0f}")
    print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="hubei,county")
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}\n")
    parts = set(args.only.split(","))
    pd.set_option("display.width", 120)
    if "hubei" in parts:
        run("Hubei scale", 19, 16, 60, 2020, 10.0,
            PairingOptions(max_donors_per_recipient=2, max_recipients_per_donor=1,
                           time_limit=60.0), args.time_limit, solver_check=True)
    if "county" in parts:
        run("County scale", 31, 2850, 90, 7, 1.0,
            PairingOptions(max_donors_per_recipient=2, max_recipients_per_donor=400,
                           time_limit=120.0, mip_rel_gap=0.005), args.time_limit)


if __name__ == "__main__":
    from versions import print_versions

    print_versions()
    main()
