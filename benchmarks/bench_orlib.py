"""OR-Library generalized assignment and linear assignment instances: solve every one and
print a table beside the known optima. Asserts nothing.

Reads ``../shared/benchmarks/orlib/`` (``--root``): the GAP files ``gap/*.txt``, the
assignment files ``assign/*.txt`` and ``optima.csv``. The sense of each GAP file is the
OR-Library convention (:func:`pairaid.pairing.orlib.default_sense`: max for gap1-gap12,
min for gapa-gapd). ``gap to best`` is |objective - known| / known.

Run: ``python benchmarks/bench_orlib.py [--files 'gapd*'] [--methods portfolio,highs]
[--time-limit 60]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid.pairing.formulations.assignment import solve_assignment
from pairaid.pairing.formulations.gap import solve_gap, use_scheduler
from pairaid.pairing.orlib import AssignmentInstance, default_sense, read_orlib

ROOT = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "orlib"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--files", default="*.txt", help="glob of file names")
    parser.add_argument("--methods", default="portfolio")
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args()
    optima = pd.read_csv(args.root / "optima.csv")
    known = {(r.instance, r.sense): float(r.value) for r in optima.itertuples()}
    files = sorted((args.root / "gap").glob(args.files)) + \
        sorted((args.root / "assign").glob(args.files))
    print(f"{'instance':12s} {'sense':5s} {'method':10s} {'known':>8s} {'objective':>10s} "
          f"{'bound':>10s} {'status':20s} {'seconds':>8s} {'gap to best':>11s}")
    misses = []
    for path in files:
        sense = default_sense(path)
        for inst in read_orlib(path):
            best = known.get((inst.name, sense), float("nan"))
            if isinstance(inst, AssignmentInstance):
                res = solve_assignment(inst.cost)
                rows = [("lsap/" + res.backend, res.objective, res.objective, "optimal",
                         res.seconds)]
            else:
                rows = []
                for method in args.methods.split(","):
                    if method == "highs":
                        use_scheduler(None)  # HiGHS' default scheduler, not the portfolio's
                    out = solve_gap(inst, sense=sense, time_limit=args.time_limit,
                                    method=method)
                    rows.append((method, out.objective, out.bound, out.status.value,
                                 out.seconds))
            for method, obj, bound, status, secs in rows:
                gap = abs(obj - best) / best if np.isfinite(best) else float("nan")
                print(f"{inst.name:12s} {sense:5s} {method:10s} {best:8.0f} {obj:10.0f} "
                      f"{bound:10.1f} {status:20s} {secs:8.2f} {gap:11.3%}", flush=True)
                if not (gap <= 1e-9):
                    misses.append((inst.name, method, gap))
    print("\ninstances that miss the known optimum:",
          ", ".join(f"{n} ({m}) {g:.3%}" for n, m, g in misses) or "none")


if __name__ == "__main__":
    main()
