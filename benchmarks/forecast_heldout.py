"""Model choice out of sample: choose on Hubei, report on the other 30 provinces.

Procedure (docs/forecasting.md, "Model choice out of sample"):

1. **Training set**: the 17 Hubei divisions, origins every 2 days from 2020-01-31 to
   2020-02-28 (15 origins), horizons 1 ... 28 days. Every candidate model is run; its
   quantile recalibration (:mod:`pairaid.forecast.calibration`) is fitted on these
   forecasts; the candidate with the lowest mean log relative WIS (against the persistence
   baseline, new cases and census, horizons 7 and 14, after recalibration) is chosen.
2. **Held-out set**: the 30 provinces outside Hubei, origins every 3 days from 2020-02-01
   to 2020-02-28 (10 origins), horizons 7, 14, 21 and 28: never used for any choice. Every
   candidate is scored raw and recalibrated with its Hubei table (horizons 1-14; longer
   horizons keep the 14-day shifts).

Prints both score tables; ``--write`` stores the chosen model's table as
``src/pairaid/data/forecast/calibration.csv``. Usage:
``python benchmarks/forecast_heldout.py [--workers 2] [--samples 1000] [--write]``.
Figures depend on the seed and the number of paths; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid.datasets import load_builtin
from pairaid.forecast.backtest import BacktestEntry, run_backtest, score_backtest
from pairaid.forecast.calibration import apply_shifts, fit_calibration, shifts_for
from pairaid.forecast.commands import backtest_regions
from pairaid.forecast.quantiles import QUANTILES

LEVELS = np.asarray(QUANTILES)
QCOLS = [f"q{lv:g}" for lv in LEVELS]
TRAIN_ORIGINS = [date(2020, 1, 31) + timedelta(days=2 * k) for k in range(15)]
HELDOUT_ORIGINS = [date(2020, 2, 1) + timedelta(days=3 * k) for k in range(10)]
CANDIDATES = ["ensemble", "ensemble-weighted", "richards", "loglinear", "persistence"]
#: Longest horizon the shipped table covers [days]; beyond it the 14-day shifts are kept.
#: The Hubei shifts at 21-28 days (origins 01-31..02-28) encode the one collapse of the
#: Hubei census in March (median factor ~0.16 at 28 days): too specific to carry over.
CALIBRATED_HORIZON = 14
SHOWN = ["model", "target", "horizon_days", "n", "wis", "rel_wis", "rel_wis_median",
         "rel_wis_p10", "rel_wis_p90", "coverage_50", "coverage_90"]


def recalibrate(forecasts: pd.DataFrame, table: pd.DataFrame, label: str) -> pd.DataFrame:
    """Forecast rows with the table's shifts applied, relabelled ``label``."""
    out = forecasts.copy()
    for (target, h), idx in out.groupby(["target", "horizon_days"]).groups.items():
        shifts = shifts_for(table, str(target), np.array([int(str(h))]), LEVELS)[0]
        out.loc[idx, QCOLS] = apply_shifts(out.loc[idx, QCOLS].to_numpy(float), shifts)
    out["model"] = label
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--models", default=",".join(CANDIDATES))
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--cache", type=Path, default=None,
                        help="folder to keep both backtests' forecasts in (re-used if there)")
    args = parser.parse_args()
    ds = load_builtin("hubei-2020")
    hubei = backtest_regions(ds.regions, ds.cases, "recipients")
    others = backtest_regions(ds.regions, ds.cases, "donors")
    candidates = args.models.split(",")
    entries = [BacktestEntry("baseline", "baseline")] + [BacktestEntry(m, m) for m in candidates]
    t0 = time.perf_counter()
    cached = args.cache is not None and (args.cache / "train.pkl").exists()
    if cached:
        train = pd.read_pickle(args.cache / "train.pkl")
        held = pd.read_pickle(args.cache / "held.pkl")
    else:
        train = run_backtest(ds.cases, region_codes=hubei, entries=entries,
                             origins=TRAIN_ORIGINS, horizons=tuple(range(1, 29)),
                             n_samples=args.samples, workers=args.workers)
        held = run_backtest(ds.cases, region_codes=others, entries=entries,
                            origins=HELDOUT_ORIGINS, horizons=(7, 14, 21, 28),
                            n_samples=args.samples,
                            workers=args.workers)
        if args.cache is not None:
            args.cache.mkdir(parents=True, exist_ok=True)
            train.to_pickle(args.cache / "train.pkl")
            held.to_pickle(args.cache / "held.pkl")
    print(f"backtests: {time.perf_counter() - t0:.0f} s")
    tables = {m: fit_calibration(train[(train["model"] == m)
                                       & (train["horizon_days"] <= CALIBRATED_HORIZON)], LEVELS)
              for m in candidates}
    shown = [7, 14, 28]
    train_scored = [train[train["horizon_days"].isin(shown)]]
    held_scored = [held]
    for m in candidates:
        train_scored.append(recalibrate(train[(train["model"] == m)
                                              & train["horizon_days"].isin(shown)],
                                        tables[m], f"{m}+cal"))
        held_scored.append(recalibrate(held[held["model"] == m], tables[m], f"{m}+cal"))
    train_scores = score_backtest(pd.concat(train_scored, ignore_index=True))
    held_scores = score_backtest(pd.concat(held_scored, ignore_index=True))
    cal = train_scores[train_scores["model"].str.endswith("+cal")
                       & train_scores["horizon_days"].isin([7, 14])]
    crit = cal.groupby("model")["rel_wis"].apply(lambda r: float(np.mean(np.log(r))))
    chosen = str(crit.idxmin())
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print("\nTRAINING (Hubei, 17 divisions x 15 origins; +cal rows are in-sample):")
        print(train_scores[SHOWN].round(3).to_string(index=False))
        print("\ncriterion (mean log relative WIS after recalibration, training):")
        print(crit.sort_values().round(3).to_string())
        print(f"chosen: {chosen}")
        print("\nHELD-OUT (30 other provinces x 10 origins; calibration from Hubei):")
        print(held_scores[SHOWN].round(3).to_string(index=False))
    # the other fold: Hubei scored with the chosen model's recalibration fitted on the
    # provinces (horizons 7 and 14), so that Hubei has out-of-sample figures too
    base = chosen.removesuffix("+cal")
    swap = fit_calibration(held[(held["model"] == base) & held["horizon_days"].isin([7, 14])],
                           LEVELS)
    hubei714 = train[train["horizon_days"].isin(shown)]
    swapped = score_backtest(pd.concat([
        hubei714[hubei714["model"] == "baseline"],
        recalibrate(hubei714[hubei714["model"] == base], swap, f"{base}+cal(provinces)")],
        ignore_index=True))
    summary = pd.concat([
        train_scores[train_scores["model"] == chosen].assign(set="Hubei, in-sample"),
        swapped[swapped["model"] != "baseline"].assign(set="Hubei, cal. from provinces"),
        held_scores[held_scores["model"] == chosen].assign(set="provinces, held out"),
    ])
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(f"\nSUMMARY of the chosen model ({chosen}; rel_wis = WIS ratio to persistence):")
        print(summary[["set", "target", "horizon_days", "n", "rel_wis", "rel_wis_median",
                       "coverage_50", "coverage_90"]].round(3).to_string(index=False))
    if args.write:
        path = Path(__file__).parents[1] / "src" / "pairaid" / "data" / "forecast"
        path = path / "calibration.csv"
        tables[chosen.removesuffix("+cal")].to_csv(path, index=False, float_format="%.5g")
        print(f"calibration of {chosen} written to {path}")


if __name__ == "__main__":
    main()
