"""Build the built-in data set ``hubei-2020`` from ``../shared/data/hubei2020``.

Run from the repository root::

    python scripts/build_hubei_2020.py [SHARED_DATA_DIR]

It writes ``src/pairaid/data/hubei-2020/{regions,cases,capacities,pairings}.csv`` and copies
the provenance files (``SOURCES.md`` and the raw ``health_resources.csv``) into
``src/pairaid/data/hubei-2020/provenance/``. ``parameters.csv`` and the data set's own
``SOURCES.md`` are written by hand and left alone.

Every figure is copied, never invented. Where a figure is unknown, a documented fallback
fills it and the row is marked ``estimated`` (see SOURCES.md, section "pairaid derivation").
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "pairaid" / "data" / "hubei-2020"
SUPPLEMENT = ROOT / "scripts" / "hubei2020_supplement.csv"
PROVINCE_CASES = ROOT / "scripts" / "provinces" / "province_cases.csv"
SEVERITY = ROOT / "scripts" / "hubei2020_severity.csv"
"""Severe and critical patients in care reported by city bulletins (source per row; rows of
low confidence are not kept there)."""


def build_regions(regions: pd.DataFrame, supplement: pd.DataFrame) -> pd.DataFrame:
    out = regions[["region_code", "gb2260_code", "iso3166_2", "name_zh", "name_en", "level",
                   "parent_code", "latitude", "longitude", "population", "population_year",
                   "population_source"]].copy()
    out["population_estimated"] = False
    pop = supplement[supplement["indicator"] == "population"].set_index("region_code")
    for code, row in pop.iterrows():
        mask = out["region_code"] == code
        if out.loc[mask, "population"].notna().any():
            raise SystemExit(f"{code} already has a population; refusing to overwrite")
        out.loc[mask, "population"] = row["value"]
        out.loc[mask, "population_year"] = row["year"]
        out.loc[mask, "population_source"] = row["source"]
    missing = out.loc[out["population"].isna(), "region_code"].tolist()
    if missing:
        raise SystemExit(f"population still missing for {missing}")
    out["population"] = out["population"].astype("int64")
    out["population_year"] = out["population_year"].astype("int64")
    return out


def _ratio(counts: pd.Series, population: pd.Series) -> float:
    known = counts.notna() & population.notna()
    return float(counts[known].sum() / population[known].sum())


def build_capacities(raw: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Beds, doctors, nurses (and Wuhan's ICU beds) per region, with fallbacks marked."""
    pop = regions.set_index("region_code")["population"]
    raw = raw.set_index("region_code")
    rows: list[dict[str, object]] = []
    columns = {"beds": "hospital_beds", "doctors": "licensed_or_assistant_doctors",
               "nurses": "registered_nurses"}
    rates = {"beds": "beds_per_1000", "doctors": None, "nurses": "nurses_per_1000"}
    provinces = raw.index.str.startswith("CN-")
    hubei_divs = ~provinces & (raw.index != "420100")
    for resource, col in columns.items():
        prov_ratio = _ratio(raw.loc[provinces & (raw.index != "CN-HB"), col],
                            pop[raw.index[provinces & (raw.index != "CN-HB")]])
        div_ratio = _ratio(raw.loc[hubei_divs, col], pop[raw.index[hubei_divs]])
        for code, row in raw.iterrows():
            value = row[col]
            base = {"region_code": code, "resource": resource}
            if pd.notna(value):
                year = row["health_resources_year"]
                if pd.isna(year) and code == "CN-HB":
                    year = 2018
                rows.append({**base, "quantity": float(value),
                             "year": None if pd.isna(year) else int(year),
                             "estimated": False, "method": "",
                             "source": str(row["health_resources_source"])
                             if pd.notna(row["health_resources_source"]) else ""})
                continue
            rate_col = rates[resource]
            if rate_col and pd.notna(row.get(rate_col)):
                rows.append({**base, "quantity": round(float(row[rate_col]) * pop[code] / 1000),
                             "year": None, "estimated": True,
                             "method": f"S5 rate {rate_col} x S5 population / 1000 (the "
                                       "rate does not back-calculate to a whole count)",
                             "source": "S5"})
            elif str(code).startswith("CN-"):
                rows.append({**base, "quantity": round(prov_ratio * pop[code]),
                             "year": 2018, "estimated": True,
                             "method": f"fallback: per-capita ratio of the other provinces "
                                       f"({prov_ratio * 1000:.3f} per 1,000) x population",
                             "source": "S6;S4"})
            else:
                rows.append({**base, "quantity": round(div_ratio * pop[code]),
                             "year": None, "estimated": True,
                             "method": f"fallback: per-capita ratio of the Hubei divisions "
                                       f"outside Wuhan with a published figure "
                                       f"({div_ratio * 1000:.3f} per 1,000) x population",
                             "source": "S5;S9;C1-C7"})
    rows.append({"region_code": "420100", "resource": "icu_beds", "quantity": 600.0,
                 "year": 2020, "estimated": True,
                 "method": "approximate figure ('about 600 ICU beds'), single secondary source",
                 "source": "P11"})
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    return out.sort_values(["region_code", "resource"]).reset_index(drop=True)


def build_cases(hubei: pd.DataFrame) -> pd.DataFrame:
    cols = ["date", "region_code", "confirmed_cum", "deaths_cum", "recovered_cum", "flags"]
    frames = [hubei[cols]]
    if PROVINCE_CASES.exists():
        prov = pd.read_csv(PROVINCE_CASES, dtype=str, keep_default_na=False)
        prov = prov[prov["region_code"] != "CN-HB"]
        frames.append(prov[cols])
    out = pd.concat(frames, ignore_index=True)
    severity = pd.read_csv(SEVERITY, dtype=str, keep_default_na=False)
    out = out.merge(severity[["region_code", "date", "severe_in_care", "critical_in_care"]],
                    on=["region_code", "date"], how="left", validate="one_to_one")
    return out.sort_values(["region_code", "date"]).reset_index(drop=True)


def main(shared: Path) -> None:
    regions_raw = pd.read_csv(shared / "regions.csv", dtype={"region_code": str,
                                                             "gb2260_code": str})
    supplement = pd.read_csv(SUPPLEMENT, dtype={"region_code": str})
    regions = build_regions(regions_raw, supplement)
    capacities = build_capacities(regions_raw, regions)
    cases = build_cases(pd.read_csv(shared / "cases_daily.csv", dtype=str,
                                    keep_default_na=False))
    pairings = pd.read_csv(shared / "pairing_2020.csv", dtype=str)
    pairings = pairings[["round", "status", "donor_code", "recipient_code", "sources"]]
    OUT.mkdir(parents=True, exist_ok=True)
    regions.to_csv(OUT / "regions.csv", index=False)
    capacities.to_csv(OUT / "capacities.csv", index=False)
    cases.to_csv(OUT / "cases.csv", index=False)
    pairings.to_csv(OUT / "pairings.csv", index=False)
    prov = OUT / "provenance"
    prov.mkdir(exist_ok=True)
    for name in ("SOURCES.md", "health_resources.csv", "cases_daily_hubei_other.csv",
                 "medical_teams.csv", "paper_tables.csv"):
        shutil.copyfile(shared / name, prov / name)
    shutil.copyfile(SUPPLEMENT, prov / "census_2020_supplement.csv")
    shutil.copyfile(SEVERITY, prov / "severity_in_care.csv")
    print(f"wrote {OUT}: {len(regions)} regions, {len(cases)} case rows, "
          f"{len(capacities)} capacities ({int(capacities['estimated'].sum())} estimated), "
          f"{len(pairings)} pairings")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "hubei2020")
