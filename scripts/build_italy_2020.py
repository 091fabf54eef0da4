"""Build the built-in data set ``italy-2020`` from ``../shared/data/italy2020``.

Run from the repository root::

    python scripts/build_italy_2020.py [SHARED_DATA_DIR]

It writes ``src/pairaid/data/italy-2020/{regions,cases,capacities,transfers}.csv`` and copies
the shared folder's ``SOURCES.md`` to ``provenance/SOURCES-shared.md``. ``parameters.csv``,
``defaults.toml`` and the data set's own ``SOURCES.md`` are written by hand and left alone.

Region keys: ISO 3166-2:IT codes (``IT-25`` Lombardia; the two autonomous provinces
``IT-BZ`` and ``IT-TN``); the two-digit pcm-dpc code is kept as ``national_code``.
Every figure is copied; the only estimates (beds, doctors, nurses from national per-capita
ratios, none of them published per region in the shared data) are marked ``estimated``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "pairaid" / "data" / "italy-2020"

ISO = {"01": "IT-21", "02": "IT-23", "03": "IT-25", "05": "IT-34", "06": "IT-36",
       "07": "IT-42", "08": "IT-45", "09": "IT-52", "10": "IT-55", "11": "IT-57",
       "12": "IT-62", "13": "IT-65", "14": "IT-67", "15": "IT-72", "16": "IT-75",
       "17": "IT-77", "18": "IT-78", "19": "IT-82", "20": "IT-88", "21": "IT-BZ",
       "22": "IT-TN"}
"""pcm-dpc region code -> ISO 3166-2:IT code (regions; autonomous provinces BZ and TN)."""

# National per-capita ratios for the resources the shared data lacks per region
# (SOURCES.md, "pairaid estimates"): [per 1,000 residents]
PER_1000 = {
    "beds": (3.16, 2019, "OECD.Stat, hospital beds per 1,000 population, Italy 2019 "
             "(quoted by healthsystemsfacts.org, accessed 2022-06-16)"),
    "doctors": (4.0, 2017, "OECD/European Observatory, State of Health in the EU: Italy "
                "Country Health Profile 2019: practising doctors 4.0 per 1,000 (2017)"),
    "nurses": (5.8, 2017, "OECD/European Observatory, Italy Country Health Profile 2019: "
               "practising nurses 5.8 per 1,000 (2017)"),
}


def build_regions(raw: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "region_code": raw["region_code"].map(ISO),
        "iso3166_2": raw["region_code"].map(ISO),
        "national_code": raw["region_code"],
        "nuts2_code": raw["nuts2_code"],
        "name_local": raw["name_it"],
        "name_en": raw["name_en"],
        "level": "region",
        "parent_code": "IT",
        "latitude": raw["latitude"],
        "longitude": raw["longitude"],
        "population": raw["population"],
        "population_year": 2020,
        "population_source": raw["population_source"],
        "population_estimated": False,
    })


def build_cases(raw: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "date": raw["date"],
        "region_code": raw["region_code"].map(ISO),
        "confirmed_cum": raw["confirmed_cum"],
        "deaths_cum": raw["deaths_cum"],
        "recovered_cum": raw["recovered_cum"],
        "hospitalised": raw["total_hospitalised"],
        "icu": raw["icu_occupied"],
        "flags": raw["flags"],
    })
    return out.sort_values(["region_code", "date"])


def build_capacities(raw: pd.DataFrame) -> pd.DataFrame:
    rows: list[dict[str, object]] = []
    for r in raw.itertuples():
        code = ISO[r.region_code]
        rows.append({"region_code": code, "resource": "icu_beds",
                     "quantity": float(r.icu_beds_pre_covid), "year": 2019,
                     "estimated": False, "method": "",
                     "source": f"{r.icu_beds_source} (intensive-care beds at "
                               f"{r.icu_beds_ref_date}, all patients)"})
        for res, (per, year, src) in PER_1000.items():
            rows.append({"region_code": code, "resource": res,
                         "quantity": float(round(per * r.population / 1000)),
                         "year": year, "estimated": True,
                         "method": f"national ratio {per} per 1,000 x population "
                                   f"(no per-region figure in the shared data)",
                         "source": src})
    return pd.DataFrame(rows).sort_values(["region_code", "resource"])


def build_transfers(raw: pd.DataFrame) -> pd.DataFrame:
    out = raw.copy()
    out["from_region_code"] = out["from_region_code"].map(ISO)
    out["to_code"] = out["to_code"].map(lambda c: ISO.get(c, c) if isinstance(c, str) else c)
    return out


def main(shared: Path) -> None:
    read = {"dtype": str, "keep_default_na": False, "na_values": [""]}
    regions = pd.read_csv(shared / "regions.csv", **read)
    regions["population"] = regions["population"].astype(int)
    daily = pd.read_csv(shared / "icu_daily.csv", **read)
    transfers = pd.read_csv(shared / "transfers_cumulative.csv", **read)
    OUT.mkdir(parents=True, exist_ok=True)
    build_regions(regions).to_csv(OUT / "regions.csv", index=False)
    build_cases(daily).to_csv(OUT / "cases.csv", index=False)
    build_capacities(regions).to_csv(OUT / "capacities.csv", index=False)
    build_transfers(transfers).to_csv(OUT / "transfers.csv", index=False)
    (OUT / "provenance").mkdir(exist_ok=True)
    shutil.copyfile(shared / "SOURCES.md", OUT / "provenance" / "SOURCES-shared.md")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
         / "italy2020")
