"""Wall time of `pairaid plan` on the built-in data, as a new user runs it.

Runs the installed console script in a fresh process (imports included) ``--repeat`` times
and prints each wall time and the median, plus the time of each stage in one process.

    python benchmarks/bench_plan.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def wall_times(repeat: int) -> list[float]:
    exe = shutil.which("pairaid") or str(Path(sys.executable).with_name("pairaid"))
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(repeat):
            out = Path(tmp) / f"run{i}"
            t0 = time.perf_counter()
            subprocess.run([exe, "plan", "--out", str(out)], check=True,
                           stdout=subprocess.DEVNULL, env=os.environ.copy())
            times.append(time.perf_counter() - t0)
    return times


def stage_times() -> dict[str, float]:
    t0 = time.perf_counter()
    from pairaid.config import make_config
    from pairaid.datasets import load_builtin
    from pairaid.pipeline import plan

    t1 = time.perf_counter()
    data = load_builtin("hubei-2020")
    t2 = time.perf_counter()
    run = plan(data, make_config({}))
    t3 = time.perf_counter()
    return {"imports": t1 - t0, "load + validate": t2 - t1, "pipeline": t3 - t2,
            "solve (pairaid)": run.plan.solve_seconds,
            "solve (official)": run.official.solve_seconds if run.official else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    times = wall_times(args.repeat)
    print("pairaid plan wall time [s]: " + ", ".join(f"{t:.2f}" for t in times))
    print(f"median {statistics.median(times):.2f} s, min {min(times):.2f} s")
    for name, secs in stage_times().items():
        print(f"  {name:18s} {secs:6.2f} s")


if __name__ == "__main__":
    main()
