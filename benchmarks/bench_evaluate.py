"""Wall time and memory of ``pairaid evaluate`` on the built-in data, 1 vs 2 local workers.

Plans once (the default run), then replays every plan (pairaid, official, five baselines
and a random pairing per scenario) on ``--scenarios`` scenarios with a local Dask cluster of
1 and of 2 worker processes. Prints the wall time of each (cluster start-up included and
separately), the speed-up, the time per scenario, the peak resident memory of each worker
and of this process, the CPU seconds the workers spent (what the wall time would be on
idle cores: the machine may be shared), and checks that both tables are equal. With
``--two-stage 100,500`` it also builds and solves the two-stage MIP on that many planning
scenarios (and, with ``--reduce-to K``, on K representatives of them) and prints its size,
time, status and gap.

    python benchmarks/bench_evaluate.py [--scenarios 1000] [--chunk-size 50]
        [--two-stage 100,500] [--reduce-to 50]
"""

from __future__ import annotations

import argparse
import resource
import time


def _peak_rss_mib() -> float:
    import resource as res

    return res.getrusage(res.RUSAGE_SELF).ru_maxrss / 1024.0


def _cpu_seconds() -> float:
    import resource as res

    use = res.getrusage(res.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--chunk-size", type=int, default=50)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--two-stage", default="",
                        help="comma-separated planning scenario counts for the MIP")
    parser.add_argument("--reduce-to", type=int, default=None)
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
            cpu0 = client.run(_cpu_seconds)
            t1 = time.perf_counter()
            result = evaluate(run, scenarios=args.scenarios, chunk_size=args.chunk_size,
                              client=client)
            work = time.perf_counter() - t1
            rss = client.run(_peak_rss_mib)
            cpu = sum(v - cpu0[k] for k, v in client.run(_cpu_seconds).items())
        walls[n] = work
        tables[n] = result.table
        plans = result.table["plan"].nunique()
        print(f"{n} worker(s): cluster start {started:.1f} s, {args.scenarios} scenarios x "
              f"{plans} plans in {work:.1f} s ({work / args.scenarios * 1000:.0f} ms per "
              f"scenario); peak memory per worker "
              f"{', '.join(f'{v:.0f} MiB' for v in rss.values())}; workers' CPU "
              f"{cpu:.1f} s ({cpu / args.scenarios * 1000:.0f} ms per scenario)")
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


    if args.two_stage:
        from pairaid.evaluation import build_context
        from pairaid.evaluation.stochastic import two_stage_pairs

        ctx = build_context(run, random_plan=False, with_plans=False)
        for n in (int(v) for v in args.two_stage.split(",")):
            for reduce_to in dict.fromkeys([None, args.reduce_to]):
                if reduce_to is not None and reduce_to >= n:
                    continue
                t0 = time.perf_counter()
                ts = two_stage_pairs(run, ctx, n, reduce_to=reduce_to)
                label = f"{n} scenarios" + (f" reduced to {ts.scenarios}" if reduce_to
                                            else "")
                print(f"two-stage MIP, {label}: {ts.rows:,} rows x {ts.columns:,} columns, "
                      f"{ts.nonzeros:,} nonzeros; build + solve {ts.seconds:.1f} s (draw "
                      f"included {time.perf_counter() - t0:.1f} s), {ts.status}, gap "
                      f"{ts.mip_gap:.1e}, {len(ts.pairs)} pairs, in-sample expected "
                      f"shortfall {ts.expected_shortfall:,.0f} staff-days")


if __name__ == "__main__":
    main()
