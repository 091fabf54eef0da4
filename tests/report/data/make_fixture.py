"""Write the small hand-made run folder ``tests/report/data/run/`` used by the report tests.

Four Hubei recipients and the donors of two plans (a pairaid plan and the official
2020-02-10 pairing restricted to these recipients). Region rows and observed cases are real
(``/work/shared/data/hubei2020``, sources in its SOURCES.md); forecasts, needs, capacities
and flows are invented but mutually consistent (gap = max(need - available, 0); shortfall =
max(gap - staff sent, 0); capacity = max(deployable - own_need, 0)). Re-run only to change
the fixture: ``python tests/report/data/make_fixture.py /work/shared/data/hubei2020``.
The ``explain_*`` files and ``changes.csv`` (a re-planning against an invented plan in force)
are written by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

RECIPIENTS = ["420900", "421100", "421300", "420700"]
PLAN_FLOWS = {  # (donor, recipient): (doctors, nurses) [staff]
    ("CN-GD", "420900"): (120, 360),
    ("CN-JS", "421100"): (150, 420),
    ("CN-ZJ", "421100"): (60, 180),
    ("CN-SD", "421300"): (40, 120),
    ("CN-HN", "420700"): (45, 130),
}
OFFICIAL_FLOWS = {
    ("CN-CQ", "420900"): (70, 200),
    ("CN-HL", "420900"): (50, 150),
    ("CN-SD", "421100"): (90, 260),
    ("CN-HN", "421100"): (80, 240),
    ("CN-JX", "421300"): (30, 90),
    ("CN-GZ", "420700"): (35, 100),
}
DECISION = pd.Timestamp("2020-02-10")
HORIZON = 14
QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95]
AVAILABLE = {"420900": (300, 700), "421100": (350, 800), "421300": (150, 350),
             "420700": (90, 220)}  # local (doctors, nurses) for COVID wards [staff]
BEDS = {"420900": 2500, "421100": 2600, "421300": 1100, "420700": 900}


def main(src: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    donors = sorted({d for d, _ in PLAN_FLOWS} | {d for d, _ in OFFICIAL_FLOWS})
    regions = pd.read_csv(src / "regions.csv", dtype=str)
    regions = regions[regions["region_code"].isin(donors + RECIPIENTS)]
    regions = regions[["region_code", "gb2260_code", "iso3166_2", "name_zh", "name_en", "level",
                       "parent_code", "latitude", "longitude", "population"]].copy()
    regions["population_estimated"] = regions["population"].isna()
    regions.loc[regions["population"].isna(), "population"] = "5000000"
    regions.to_csv(out / "regions.csv", index=False)

    cases = pd.read_csv(src / "cases_daily.csv", dtype={"region_code": str}, parse_dates=["date"])
    cases = cases[cases["region_code"].isin(RECIPIENTS)
                  & cases["date"].between("2020-01-24", "2020-03-09")].sort_values("date")
    obs = []
    for code, g in cases.groupby("region_code"):
        g = g.set_index("date")
        new = g["confirmed_cum"].diff()
        census = g["confirmed_cum"] - g["deaths_cum"] - g["recovered_cum"]
        obs.append(pd.DataFrame({"region_code": code, "date": g.index,
                                 "new_confirmed": new.round().astype("Int64").values,
                                 "census": census.round().astype("Int64").values}))
    observed = pd.concat(obs)
    observed.to_csv(out / "observed.csv", index=False, date_format="%Y-%m-%d")

    dates = pd.date_range(DECISION + pd.Timedelta(days=1), periods=HORIZON)
    z = {0.05: -1.645, 0.25: -0.674, 0.5: 0.0, 0.75: 0.674, 0.95: 1.645}
    fc, needs, gaps = [], [], []
    for code in RECIPIENTS:
        last = observed[(observed.region_code == code) & (observed.date <= DECISION)]
        base_new = float(last["new_confirmed"].tail(5).mean())
        base_census = float(last["census"].iloc[-1])
        for i, d in enumerate(dates, start=1):
            med_new = base_new * 0.96**i
            med_census = base_census + base_new * 6 * (1 - 0.9**i)
            for q in QUANTILES:
                spread = np.exp(z[q] * 0.08 * np.sqrt(i))
                fc.append((code, d, "new_confirmed", q, round(med_new * spread, 1), False))
                census_q = round(med_census * spread, 1)
                fc.append((code, d, "census", q, census_q, False))
                for res, ratio in [("beds", 1.0), ("doctors", 0.35), ("nurses", 0.9)]:
                    needs.append((code, d, res, q, round(census_q * ratio, 1), code == "420900"))
            med = [n for n in needs if n[0] == code and n[1] == d and n[3] == 0.5]
            avail = {"beds": BEDS[code], "doctors": AVAILABLE[code][0],
                     "nurses": AVAILABLE[code][1]}
            for _, _, res, _, value, est in med:
                gaps.append((code, d, res, value, avail[res],
                             round(max(value - avail[res], 0.0), 1), est))
    pd.DataFrame(fc, columns=["region_code", "date", "target", "quantile", "value",
                              "estimated"]).to_csv(out / "forecast.csv", index=False,
                                                   date_format="%Y-%m-%d")
    pd.DataFrame(needs, columns=["region_code", "date", "resource", "quantile", "value",
                                 "estimated"]).to_csv(out / "needs.csv", index=False,
                                                      date_format="%Y-%m-%d")
    gaps_df = pd.DataFrame(gaps, columns=["region_code", "date", "resource", "need",
                                          "available", "gap", "estimated"])
    gaps_df.to_csv(out / "gaps.csv", index=False, date_format="%Y-%m-%d")

    deployable = {"CN-GD": 1200, "CN-JS": 1100, "CN-ZJ": 900, "CN-SD": 1000, "CN-HN": 800,
                  "CN-CQ": 500, "CN-HL": 450, "CN-JX": 400, "CN-GZ": 350}
    caps = []
    for d in donors:
        for res, share in [("doctors", 0.3), ("nurses", 0.7)]:
            dep = round(deployable[d] * share)
            own = round(dep * 0.1)
            caps.append((d, res, dep, own, max(dep - own, 0)))
    pd.DataFrame(caps, columns=["donor_code", "resource", "deployable", "own_need",
                                "capacity"]).to_csv(out / "donor_capacities.csv", index=False)

    coords = regions.set_index("region_code")[["latitude", "longitude"]].astype(float)
    metrics = {}
    for prefix, flows in [("", PLAN_FLOWS), ("official_", OFFICIAL_FLOWS)]:
        pairs, flow_rows = [], []
        for (d, r), (doc, nur) in flows.items():
            la1, lo1, la2, lo2 = np.radians([*coords.loc[d], *coords.loc[r]])
            h = (np.sin((la2 - la1) / 2) ** 2
                 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2)
            pairs.append((d, r, round(float(2 * 6371.0088 * np.arcsin(np.sqrt(h))), 1)))
            flow_rows += [(d, r, "doctors", doc), (d, r, "nurses", nur)]
        pairs_df = pd.DataFrame(pairs, columns=["donor_code", "recipient_code", "distance_km"])
        flows_df = pd.DataFrame(flow_rows, columns=["donor_code", "recipient_code", "resource",
                                                    "quantity"])
        pairs_df.to_csv(out / f"{prefix}pairs.csv", index=False)
        flows_df.to_csv(out / f"{prefix}flows.csv", index=False)
        sent = flows_df.groupby(["recipient_code", "resource"])["quantity"].sum()
        staff = gaps_df[gaps_df.resource.isin(["doctors", "nurses"])]
        short = staff.assign(shortfall=[
            round(max(g - sent.get((r, res), 0), 0.0), 1)
            for r, res, g in zip(staff.region_code, staff.resource, staff.gap, strict=True)])
        short = short.rename(columns={"region_code": "recipient_code"})[
            ["recipient_code", "resource", "date", "shortfall"]]
        short.to_csv(out / f"{prefix}shortfall.csv", index=False, date_format="%Y-%m-%d")
        cap = pd.DataFrame(caps, columns=["donor_code", "resource", "d", "o", "capacity"])
        burden = (flows_df.groupby("donor_code")["quantity"].sum()
                  / cap.groupby("donor_code")["capacity"].sum()).max()
        metrics["official_2020_02_10" if prefix else "pairaid"] = {
            "shortfall_staff_days": round(float(short["shortfall"].sum()), 1),
            "gap_covered_share": round(1 - float(short["shortfall"].sum())
                                       / float(staff["gap"].sum()), 4),
            "max_donor_burden": round(float(burden), 4),
            "total_distance_km": round(float(pairs_df["distance_km"].sum()), 1),
            "status": "optimal" if not prefix else "fixed",
            "objective": round(float(short["shortfall"].sum()), 1),
            "bound": round(float(short["shortfall"].sum()), 1),
            "mip_gap": 0.0,
            "solve_seconds": 0.42 if not prefix else 0.05,
        }
    metrics["sources"] = ["hubei2020 data set, /work/shared/data/hubei2020/SOURCES.md",
                          "pairing_2020.csv: NHC list of 2020-02-10 (P1, P2)"]
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    (out / "config.toml").write_text(
        'dataset = "hubei-2020"\ndecision_date = "2020-02-10"\nhorizon_days = 14\n'
        "k = 2\nm = 1\nplanning_quantile = 0.5\nrecipients = "
        + json.dumps(RECIPIENTS) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parent / "run")
