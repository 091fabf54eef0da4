"""Online recalibration of the default model: constants chosen on Hubei, reported on the
30 other provinces (and Hubei with a prior from the provinces).

Procedure (docs/forecasting.md, "Model choice out of sample"):

1. **Raw forecasts**: the default model's members (``ensemble``) run raw on both sets at the
   origins 2020-02-01 ... 02-28 every 3 days (horizons 1-14, 21, 28), plus at every
   earlier origin the online recalibration needs (``T - 3k``, horizons 1-14); the
   persistence baseline at the same origins.
2. **Tuning on Hubei only** (17 divisions): for each candidate ``(window, prior weight)``
   the Hubei forecasts are recalibrated online, each region's prior fitted on the other 16
   divisions' raw forecasts (leave one region out, so the prior is never fitted on the
   region it is applied to). Chosen: the lowest mean log relative WIS (new cases and
   census, 7 and 14 days) among the candidates whose PIT 90 % coverage lies in [0.85, 0.95]
   for every target and horizon (7, 14); if none, the smallest calibration error.
3. **Held out, reported once**: the 30 provinces, recalibrated online with the chosen
   constants and the prior fitted on all of Hubei.
4. **Hubei with the shipped prior**: the prior fitted on the provinces (``--write`` stores
   it as ``src/pairaid/data/forecast/calibration.csv``), Hubei recalibrated online with it:
   the configuration of ``pairaid plan`` on the built-in data.

Usage: ``python benchmarks/forecast_heldout.py [--workers 2] [--samples 1000]
[--cache DIR] [--write]``. Figures depend on the seed and the number of paths; nothing
here is asserted.
"""

from __future__ import annotations

import argparse
import itertools
import math
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid.datasets import load_builtin
from pairaid.forecast.backtest import BacktestEntry, run_backtest, score_backtest
from pairaid.forecast.calibration import CALIBRATION_COLUMNS, fit_calibration
from pairaid.forecast.commands import backtest_regions
from pairaid.forecast.online import CALIBRATED_HORIZON, recalibrate_online
from pairaid.forecast.quantiles import QUANTILES

LEVELS = np.asarray(QUANTILES)
ORIGINS = [date(2020, 2, 1) + timedelta(days=3 * k) for k in range(10)]
HORIZONS = (*range(1, CALIBRATED_HORIZON + 1), 21, 28)
WINDOWS = (7, 14, 28)
WEIGHTS = (10.0, 30.0, 100.0, 300.0, math.inf)
SHOWN = ["set", "model", "target", "horizon_days", "n", "rel_wis", "rel_wis_median",
         "rel_wis_p10", "rel_wis_p90", "coverage_50", "coverage_90", "pit_coverage_50",
         "pit_coverage_90", "zero_share", "cov90_nonzero"]


def raw_runs(args: argparse.Namespace) -> dict[str, pd.DataFrame]:
    ds = load_builtin("hubei-2020")
    sets = {"hubei": backtest_regions(ds.regions, ds.cases, "recipients"),
            "provinces": backtest_regions(ds.regions, ds.cases, "donors")}
    out = {}
    for name, regions in sets.items():
        path = args.cache / f"{name}.pkl" if args.cache else None
        if path is not None and path.exists():
            out[name] = pd.read_pickle(path)
            continue
        t0 = time.perf_counter()
        out[name] = run_backtest(
            ds.cases, region_codes=regions,
            entries=[BacktestEntry("baseline", "baseline"), BacktestEntry("ensemble", "ensemble"),
                     BacktestEntry("default", "ensemble", calibrated=True)],
            origins=ORIGINS, horizons=HORIZONS, n_samples=args.samples, workers=args.workers,
            keep_history=True, window=max(WINDOWS))
        print(f"{name}: {time.perf_counter() - t0:.0f} s", flush=True)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            out[name].to_pickle(path)
    return out


def prior_from(raw: pd.DataFrame) -> pd.DataFrame:
    rows = raw[(raw["model"] == "ensemble") & (raw["horizon_days"] <= CALIBRATED_HORIZON)]
    return fit_calibration(rows, LEVELS)[CALIBRATION_COLUMNS]


def online(raw: pd.DataFrame, prior: pd.DataFrame | dict[str, pd.DataFrame], window: int,
           weight: float, label: str) -> pd.DataFrame:
    """The raw ensemble recalibrated online (a prior per region if a dict is given)."""
    mine = raw[raw["model"] == "ensemble"]
    history = raw[raw["model"] == "default#history"]
    out = recalibrate_online(mine, history, prior, LEVELS, window=window, prior_weight=weight)
    return out.assign(model=label)


def scores(raw: pd.DataFrame, *extra: pd.DataFrame, horizons=(7, 14, 21, 28)) -> pd.DataFrame:
    base = raw[raw["model"].isin(["baseline", "ensemble"])]
    df = pd.concat([base, *extra], ignore_index=True)
    df = df[df["horizon_days"].isin(horizons)]
    table = score_backtest(df)
    nz = df[df["observed"].notna() & (df["observed"] != 0)]
    inside = (nz["q0.05"] <= nz["observed"]) & (nz["observed"] <= nz["q0.95"])
    cov = inside.groupby([nz["model"], nz["target"], nz["horizon_days"]]).mean()
    cov.name = "cov90_nonzero"
    return table.merge(cov.reset_index(), on=["model", "target", "horizon_days"], how="left")


def criterion(table: pd.DataFrame, label: str) -> tuple[bool, float, float]:
    t = table[(table["model"] == label) & table["horizon_days"].isin([7, 14])]
    ok = bool(t["pit_coverage_90"].between(0.85, 0.95).all())
    calib = float((t["pit_coverage_90"] - 0.9).abs().mean()
                  + (t["pit_coverage_50"] - 0.5).abs().mean())
    return ok, float(np.log(t["rel_wis"]).mean()), calib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    raw = raw_runs(args)
    hubei, provinces = raw["hubei"], raw["provinces"]
    regions = sorted(hubei.loc[hubei["model"] == "ensemble", "region_code"].unique())
    loro = {r: prior_from(hubei[hubei["region_code"] != r]) for r in regions}
    results = []
    for window, weight in itertools.product(WINDOWS, WEIGHTS):
        label = f"online(w={window},n0={weight:g})"
        table = scores(hubei, online(hubei, loro, window, weight, label), horizons=(7, 14))
        ok, wis, calib = criterion(table, label)
        results.append({"window": window, "prior_weight": weight, "pit90_in_range": ok,
                        "mean_log_rel_wis": wis, "calibration_error": calib})
    res = pd.DataFrame(results)
    print("\nTUNING on Hubei (prior leave-one-region-out):")
    print(res.round(3).to_string(index=False))
    pool = res[res["pit90_in_range"]]
    best = (pool.nsmallest(1, "mean_log_rel_wis") if len(pool)
            else res.nsmallest(1, "calibration_error")).iloc[0]
    window, weight = int(best["window"]), float(best["prior_weight"])
    print(f"chosen: window {window} d, prior weight {weight:g}")

    label = "default"
    hubei_prior, province_prior = prior_from(hubei), prior_from(provinces)
    parts = [
        scores(hubei, online(hubei, loro, window, weight, label)).assign(
            set="Hubei (tuning; prior leave-one-region-out)"),
        scores(hubei, online(hubei, province_prior, window, weight, label),
               online(hubei, province_prior, window, math.inf, "static prior")).assign(
            set="Hubei, prior from the provinces (shipped)"),
        scores(provinces, online(provinces, hubei_prior, window, weight, label),
               online(provinces, hubei_prior, window, math.inf, "static prior")).assign(
            set="30 provinces, held out (prior from Hubei)"),
    ]
    table = pd.concat(parts, ignore_index=True)
    with pd.option_context("display.width", 250, "display.max_columns", 30,
                           "display.max_rows", 500):
        print("\nRESULTS (rel_wis against the persistence baseline):")
        print(table[SHOWN].round(3).to_string(index=False))
    if args.write:
        path = Path(__file__).parents[1] / "src" / "pairaid" / "data" / "forecast"
        path = path / "calibration.csv"
        province_prior.to_csv(path, index=False, float_format="%.5g")
        print(f"prior fitted on the provinces written to {path}")


if __name__ == "__main__":
    from versions import print_versions

    print_versions()
    main()
