"""Forecast speed and backtest figures on the built-in Hubei 2020 data.

Prints:
1. wall time of ``forecast_cases`` for the 17 Hubei divisions, 14 days ahead, per model
   (median of 3 runs, origin 2020-02-13);
2. wall time of the full rolling-origin backtest (every model, 10 origins, 17 divisions,
   horizons 7 and 14, 1,000 sample paths, ``--workers`` processes), and its score table.

Usage: ``python benchmarks/bench_forecast.py [--workers 2] [--skip-backtest]``.
Figures depend on the machine and its load; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date

import pandas as pd

from pairaid.datasets import load_builtin
from pairaid.forecast import forecast_cases, model_names
from pairaid.forecast.backtest import run_backtest, score_backtest
from pairaid.forecast.commands import hubei_divisions
from pairaid.forecast.nb import clear_fit_caches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-backtest", action="store_true")
    args = parser.parse_args()

    ds = load_builtin("hubei-2020")
    regions = hubei_divisions(ds.regions)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print(f"forecast_cases, {len(regions)} regions, 14 days, origin 2020-02-13 (median of 3):")
    for model in ["default", *model_names()]:
        times = []
        for seed in range(3):
            clear_fit_caches()  # time the fits, not the memo
            t0 = time.perf_counter()
            forecast_cases(
                ds.cases,
                region_codes=regions,
                origin=date(2020, 2, 13),
                horizon_days=14,
                model=model,
                seed=seed,
            )
            times.append(time.perf_counter() - t0)
        print(f"  {model:<20} {statistics.median(times):6.2f} s")
    if args.skip_backtest:
        return
    clear_fit_caches()
    t0 = time.perf_counter()
    forecasts = run_backtest(ds.cases, region_codes=regions, workers=args.workers)
    elapsed = time.perf_counter() - t0
    print(f"backtest ({args.workers} workers): {elapsed:.1f} s wall, {len(forecasts)} forecasts")
    scores = score_backtest(forecasts)
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(scores.round(3).to_string(index=False))


if __name__ == "__main__":
    from versions import print_versions

    print_versions()
    main()
