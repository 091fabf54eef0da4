"""Census removals alone: the census projected with the *observed* admissions.

For each region and origin the census at the origin is projected 14 days ahead through
:func:`pairaid.forecast.census.project_census` with the admissions that were in fact
reported, averaged over the region's LOS posterior
(:func:`pairaid.forecast.discharges.fit_los_posterior`). So the admission forecast plays no
part. The projected removals (census of the day before + admissions - census) are then set
against the observed ones. Prints, per origin and horizon band (days 1-7, 8-14), the
observed and projected census and removals summed over the regions, the census bias, the
ratio of projected to observed removals, the share of regions whose LOS was fitted to their
own data, and the median posterior LOS mean; then, per region and origin with a fitted LOS,
at 7 and 14 days, the mean log ratio of projected (posterior mean) to observed census and
the coverage of the 90 % posterior interval of the projection. ``--trend`` chooses the
calendar trend of the discharge hazard: ``none`` (not fitted), ``level`` (fitted, held at
the origin's level), ``continue`` (fitted and continued, as the forecast does).

Usage: ``python benchmarks/census_removals.py [--regions recipients|donors|CODES]
[--exclude 420100] [--trend none|level|continue]``. Deterministic; nothing here is asserted.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta

import numpy as np
import pandas as pd

from pairaid.datasets import load_builtin
from pairaid.forecast.census import LengthOfStay, project_census, starting_census
from pairaid.forecast.commands import backtest_regions
from pairaid.forecast.discharges import fit_los_posterior
from pairaid.forecast.events import admissions_for_census, observed_census, region_series

HORIZON = 14
ORIGINS = [pd.Timestamp(date(2020, 2, 1) + timedelta(days=3 * k)) for k in range(10)]


def weighted_quantile(paths: np.ndarray, weights: np.ndarray, level: float) -> np.ndarray:
    """Per column of ``paths`` (grid points x days), the ``level`` quantile of the values
    weighted by the posterior ``weights`` (the smallest value whose cumulative weight reaches
    ``level``)."""
    out = np.empty(paths.shape[1])
    for h in range(paths.shape[1]):
        order = np.argsort(paths[:, h])
        cdf = np.cumsum(weights[order])
        out[h] = paths[order[min(np.searchsorted(cdf, level), len(order) - 1)], h]
    return out


def region_rows(cases: pd.DataFrame, code: str, last: pd.Timestamp,
                trend: str = "level") -> list[dict]:
    full = region_series(cases, code, last)
    frame = cases.loc[cases["region_code"] == code].set_index("date").reindex(full.dates)
    cum = {n: frame[n].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
           for n in ("confirmed_cum", "deaths_cum", "recovered_cum")}
    census_all, _ = observed_census(*cum.values())
    admissions_all = admissions_for_census(full)
    prior = LengthOfStay()
    rows = []
    for origin in ORIGINS:
        at = np.flatnonzero(full.dates == origin)
        if at.size == 0 or at[0] + HORIZON >= len(full.dates):
            continue
        t = int(at[0])
        admissions = admissions_for_census(region_series(cases, code, origin))
        cut = slice(t - len(admissions) + 1, t + 1)
        c0, _ = starting_census(*(v[cut] for v in cum.values()), admissions, prior.survival())
        posterior = fit_los_posterior(admissions, census_all[cut], prior=prior,
                                      trend=trend != "none")
        future = admissions_all[t + 1 : t + 1 + HORIZON]
        keep = np.flatnonzero(posterior.weights > 1e-6 * posterior.weights.max())
        paths = np.array([project_census(
            admissions, c0, future[None, :],
            LengthOfStay(float(posterior.means[i]), float(posterior.shapes[i])).survival(),
            hazard_multiplier=posterior.multiplier(posterior.trend_of(int(i)), HORIZON)
            if trend == "continue" else None)[0] for i in keep])
        w = posterior.weights[keep] / posterior.weights[keep].sum()
        projected = w @ paths
        lo, hi = (weighted_quantile(paths, w, q) for q in (0.05, 0.95))
        observed = census_all[t + 1 : t + 1 + HORIZON]
        for name, path in (("obs", observed), ("proj", projected)):
            removals = np.concatenate([[c0], path[:-1]]) + future - path
            for h in range(HORIZON):
                rows.append({"region": code, "origin": origin.date(), "h": h + 1, "what": name,
                             "census": path[h], "removals": removals[h],
                             "from_data": posterior.from_data,
                             "los_mean": posterior.mean_days, "lo": lo[h], "hi": hi[h]})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", default="recipients")
    parser.add_argument("--exclude", default="420100", help="comma-separated codes to drop")
    parser.add_argument("--trend", choices=("none", "level", "continue"), default="continue",
                        help="calendar trend of the discharge hazard: not fitted; fitted and "
                        "held at the origin's level; fitted and continued")
    args = parser.parse_args()
    ds = load_builtin("hubei-2020")
    drop = set(filter(None, args.exclude.split(",")))
    codes = [c for c in backtest_regions(ds.regions, ds.cases, args.regions) if c not in drop]
    last = ds.cases["date"].max()
    df = pd.DataFrame([r for c in codes for r in region_rows(ds.cases, c, last, args.trend)])
    df["band"] = np.where(df["h"] <= 7, "1-7", "8-14")
    sums = df.pivot_table(index=["origin", "band"], columns="what",
                          values=["census", "removals"], aggfunc="sum")
    out = pd.DataFrame({
        "census_obs": sums[("census", "obs")], "census_proj": sums[("census", "proj")],
        "removals_obs": sums[("removals", "obs")], "removals_proj": sums[("removals", "proj")],
    })
    out["census_bias"] = out["census_proj"] / out["census_obs"] - 1
    out["removal_ratio"] = out["removals_proj"] / out["removals_obs"]
    fit = df[(df["what"] == "obs") & (df["h"] == 1)].groupby("origin")
    out = out.join(pd.DataFrame({"los_from_data": fit["from_data"].mean(),
                                 "los_mean_median": fit["los_mean"].median()}), on="origin")
    print(f"regions: {args.regions} without {sorted(drop)} ({len(codes)}), trend {args.trend}")
    print(out.round(3).to_string())
    fitted = df[(df["what"] == "obs") & df["from_data"]].set_index(["region", "origin", "h"])
    proj = df[(df["what"] == "proj") & df["from_data"]].set_index(["region", "origin", "h"])
    ok = (fitted["census"] > 0) & (proj["census"] > 0)
    per = pd.DataFrame({
        "log_ratio": np.log(proj["census"][ok] / fitted["census"][ok]),
        "inside": (fitted["lo"] <= fitted["census"]) & (fitted["census"] <= fitted["hi"]),
    }).reset_index()
    per = per[per["h"].isin([7, 14])]
    print("\nper region and origin (LOS fitted to the region's removals): mean log ratio of "
          "projected to observed census, and coverage of the 90 % posterior interval")
    print(per.groupby("h").agg(n=("inside", "size"), mean_log_ratio=("log_ratio", "mean"),
                               mean_abs_log=("log_ratio", lambda x: x.abs().mean()),
                               coverage_90=("inside", "mean")).round(3).to_string())


if __name__ == "__main__":
    main()
