"""Wall time of `pairaid plan` on the built-in data, as a new user runs it.

Prints, with the load average of the machine beside each figure (the 2 cores may be shared):

- ``pairaid plan`` on the defaults, whole process (imports included), ``--repeat`` times:
  each wall time, the median, and the CPU time (user + system) of each run, which moves
  less than the wall time when other processes compete for the cores;
- ``pairaid --help``, whole process, ``--repeat`` times;
- the breakdown of one run in a fresh process, wall and CPU time (the forecast's forked
  worker included), with the forecast on one process and on two (the CLI uses two when a
  core is idle, :func:`pairaid.forecast.workers.spare_workers`): imports, load (data set
  and settings), forecast, needs (needs, gaps, donor capacities and the needs check against
  deployments), pairing (both solves), other pipeline work, writing the run folder.

    python benchmarks/bench_plan.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Runs in a fresh interpreter: times the stages of one `pairaid plan` by wrapping the
# pipeline's stage functions (the same calls the CLI makes).
BREAKDOWN = r"""
import json, resource, sys, time
def cpu():  # this process and its finished children (the forecast's forked worker)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime
def now():
    return time.perf_counter(), cpu()
t0 = now()
from pairaid.cli import main  # noqa: F401  (what the console script imports first)
from pairaid.config import make_config
from pairaid.datasets import load_builtin
from pairaid import pipeline
from pairaid.runs import save_run
t1 = now()
spent = {"forecast": [0.0, 0.0], "needs": [0.0, 0.0], "pairing": [0.0, 0.0]}
from pairaid import plan_forecast
# (module that looks the stage function up, its name there): stage
STAGE = {(plan_forecast, "forecast_cases"): "forecast",
         (plan_forecast, "forecast_occupancy"): "forecast",
         (pipeline, "compute_needs"): "needs", (pipeline, "compute_gaps"): "needs",
         (pipeline, "donor_capacities"): "needs", (pipeline, "check_needs"): "needs",
         (pipeline, "check_window"): "needs",
         (pipeline, "solve"): "pairing", (pipeline, "solve_in_plan_terms"): "pairing"}
depth = [0]  # a stage function called inside another (solve in solve_in_plan_terms)
def timed(fn, stage):  # counts once, in the outer one
    def wrapper(*args, **kwargs):
        start = now()
        depth[0] += 1
        try:
            return fn(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                end = now()
                spent[stage][0] += end[0] - start[0]
                spent[stage][1] += end[1] - start[1]
    return wrapper
for (module, name), stage in STAGE.items():
    setattr(module, name, timed(getattr(module, name), stage))
data = load_builtin("hubei-2020")
config = make_config({})
t2 = now()
run = pipeline.plan(data, config, workers=int(sys.argv[2]))
t3 = now()
save_run(run, sys.argv[1])
t4 = now()
def span(a, b):
    return [b[0] - a[0], b[1] - a[1]]
other = [(t3[i] - t2[i]) - sum(s[i] for s in spent.values()) for i in (0, 1)]
print(json.dumps({"imports": span(t0, t1), "load": span(t1, t2), **spent,
                  "other pipeline": other, "writing": span(t3, t4), "total": span(t0, t4)}))
"""


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def timed_runs(argv: list[str], repeat: int) -> list[tuple[float, float]]:
    """(wall [s], CPU user + system [s]) of ``repeat`` fresh processes."""
    out = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=os.environ.copy())
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.append((wall, (after.ru_utime - before.ru_utime)
                    + (after.ru_stime - before.ru_stime)))
    return out


def report(name: str, runs: list[tuple[float, float]]) -> None:
    walls = [r[0] for r in runs]
    cpus = [r[1] for r in runs]
    print(f"{name}: wall [s] " + ", ".join(f"{t:.2f}" for t in walls))
    print(f"  median {statistics.median(walls):.2f} s, min {min(walls):.2f} s; "
          f"CPU median {statistics.median(cpus):.2f} s  ({load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    exe = shutil.which("pairaid") or str(Path(sys.executable).with_name("pairaid"))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}  ({load()})")
    with tempfile.TemporaryDirectory() as tmp:
        report("pairaid plan (defaults, whole process)",
               timed_runs([exe, "plan", "--out", str(Path(tmp) / "run"), "--force"],
                          args.repeat))
        report("pairaid --help (whole process)", timed_runs([exe, "--help"], args.repeat))
        runs = {}
        for workers in ("1", "2"):  # the forecast on one process, then on two
            proc = subprocess.run([sys.executable, "-c", BREAKDOWN, str(Path(tmp) / workers),
                                   workers], check=True, capture_output=True, text=True)
            runs[workers] = json.loads(proc.stdout.strip().splitlines()[-1])
    from pairaid.forecast.workers import spare_workers

    print(f"breakdown of one run in a fresh process, the forecast on one process and on two "
          f"(the CLI would use {spare_workers()} now; {load()}):")
    print(f"  {'':15s} {'wall':>6s}   {'CPU':>6s}     {'wall':>6s}   {'CPU':>6s}")
    for name, (wall, cpu) in runs["1"].items():
        wall2, cpu2 = runs["2"][name]
        print(f"  {name:15s} {wall:6.2f} s {cpu:6.2f} s   {wall2:6.2f} s {cpu2:6.2f} s")


if __name__ == "__main__":
    from versions import print_versions

    print_versions()
    main()
