"""Wall time and memory of ``pairaid evaluate`` on the built-in data, 1 vs 2 local workers.

Plans once (the default run), then replays every plan (pairaid, official, five baselines
and a random pairing per scenario) on ``--scenarios`` scenarios with a local Dask cluster of
1 and of 2 worker processes. Prints the wall time of each (cluster start-up included and
separately), the speed-up, the time per scenario, the peak resident memory of each worker
and of this process, and checks that both tables are equal.

    python benchmarks/bench_evaluate.py [--scenarios 1000] [--chunk-size 50]
"""

from __future__ import annotations

import argparse
import resource
import time


def _peak_rss_mib() -> float:
    import resource as res

    return res.getrusage(res.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--chunk-size", type=int, default=50)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    args = parser.parse_args()

    import pandas as pd

    from pairaid.config import make_config
    from pairaid.datasets import load_builtin
    from pairaid.evaluation import evaluate
    from pairaid.evaluation.engine import dask_client
    from pairaid.pipeline import plan

    t0 = time.perf_counter()
    run = plan(load_builtin("hubei-2020"), make_config({}))
    print(f"plan (built-in data, default settings): {time.perf_counter() - t0:.1f} s")
    tables = {}
    walls = {}
    for n in (int(w) for w in args.workers.split(",")):
        t0 = time.perf_counter()
        with dask_client(None, n) as client:
            started = time.perf_counter() - t0
            t1 = time.perf_counter()
            result = evaluate(run, scenarios=args.scenarios, chunk_size=args.chunk_size,
                              client=client)
            work = time.perf_counter() - t1
            rss = client.run(_peak_rss_mib)
        walls[n] = work
        tables[n] = result.table
        plans = result.table["plan"].nunique()
        print(f"{n} worker(s): cluster start {started:.1f} s, {args.scenarios} scenarios x "
              f"{plans} plans in {work:.1f} s ({work / args.scenarios * 1000:.0f} ms per "
              f"scenario); peak memory per worker "
              f"{', '.join(f'{v:.0f} MiB' for v in rss.values())}")
    if len(walls) > 1:
        ns = sorted(walls)
        print(f"speed-up {ns[0]} -> {ns[-1]} workers: {walls[ns[0]] / walls[ns[-1]]:.2f}x")
        pd.testing.assert_frame_equal(tables[ns[0]], tables[ns[-1]])
        print("tables equal with every worker count: yes")
    print(f"peak memory of this process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    summary = result.summary.set_index("plan")
    if "official" in summary.index:
        row = summary.loc["pairaid"]
        print(f"pairaid median plan vs official: fewer unmet staff-days in "
              f"{row['share_better_than_reference']:.0%} of scenarios, median cut "
              f"{row['median_reduction_vs_reference']:+.0%}; realised "
              f"{row['realised_shortfall_staff_days']:,.0f} vs "
              f"{summary.loc['official', 'realised_shortfall_staff_days']:,.0f} staff-days")


if __name__ == "__main__":
    main()
