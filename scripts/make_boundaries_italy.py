"""Derive the region boundaries shipped with the built-in data set ``italy-2020``.

Input: three GeoJSON files of openpolis/geojson-italy (GitHub, licence CC BY 4.0, derived by
openpolis from ISTAT's administrative limits, also CC BY), at commit
``5dd489e676158175c75ae452ab9ec449bf5efb4b`` (limits as of June 2023):

* ``geojson/limits_IT_regions.geojson``: the 20 regions (property ``reg_istat_code``),
* ``geojson/limits_P_21_municipalities.geojson``, ``geojson/limits_P_22_municipalities.geojson``:
  the municipalities of the autonomous provinces of Bolzano (021) and Trento (022).

Italy's Civil Protection reports the region Trentino-Alto Adige (ISTAT 04) as its two
autonomous provinces, so the 21 features are the 19 other regions plus the union of each
province's municipalities. Each feature gets one property, ``region_code`` (ISO 3166-2,
matched through ``national_code`` of the data set's ``regions.csv``: ISTAT region codes 01 …
20, 21 = Bolzano, 22 = Trento). The 21 geometries are simplified as one coverage
(``shapely.coverage_simplify``: shared borders stay shared), islets smaller than tolerance²
dropped, coordinates rounded to 0.001 deg. Output: ``boundaries.geojson`` in the data-set
folder; the licence of the source is shipped beside it as ``LICENSE-boundaries``.

Usage::

    python scripts/make_boundaries_italy.py SOURCE_DIR [--tolerance DEG]

where ``SOURCE_DIR`` holds the three files (names as above, without the folder) and the
repository's ``LICENSE``.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

DECIMALS = 3  # [deg]; about 100 m, far below the simplification tolerance
TRENTINO_ALTO_ADIGE = "04"  # ISTAT region code split into its two autonomous provinces
PROVINCE_FILES = {"21": "limits_P_21_municipalities.geojson",
                  "22": "limits_P_22_municipalities.geojson"}  # national_code -> file


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return json.load(f)["features"]


def source_geometries(source: Path) -> dict[str, shapely.Geometry]:
    """Geometry per national code (ISTAT region code, or 21 / 22 for the two provinces)."""
    out = {}
    for feature in _read(source / "limits_IT_regions.geojson"):
        code = str(feature["properties"]["reg_istat_code"]).zfill(2)
        if code != TRENTINO_ALTO_ADIGE:
            out[code] = shapely.make_valid(shape(feature["geometry"]))
    for code, name in PROVINCE_FILES.items():
        parts = [shapely.make_valid(shape(f["geometry"])) for f in _read(source / name)]
        out[code] = shapely.union_all(parts)
    return out


def derive(source: Path, regions_csv: Path, tolerance: float) -> dict:
    """The FeatureCollection of the data set's regions (lon/lat [deg], WGS 84).

    Raises
    ------
    SystemExit
        If a region of ``regions.csv`` has no geometry in the source.
    """
    with regions_csv.open(encoding="utf-8") as f:
        codes = {row["national_code"].zfill(2): row["region_code"] for row in csv.DictReader(f)}
    geoms = source_geometries(source)
    missing = sorted(set(codes) - set(geoms))
    if missing:
        raise SystemExit(f"no boundary for national code(s) {missing}")
    order = sorted(codes)
    simplified = shapely.coverage_simplify([geoms[c] for c in order], tolerance)
    features = []
    for national, geom in zip(order, simplified, strict=True):
        geom = shapely.make_valid(shapely.set_precision(geom, 10.0**-DECIMALS))
        parts = [p for p in getattr(geom, "geoms", [geom]) if p.area > tolerance**2]
        geom = shapely.MultiPolygon(
            [q for p in parts for q in getattr(p, "geoms", [p]) if q.geom_type == "Polygon"])
        features.append({"type": "Feature", "properties": {"region_code": codes[national]},
                         "geometry": mapping(geom)})
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    root = Path(__file__).resolve().parents[1]
    parser.add_argument("source", type=Path)
    parser.add_argument("--out", type=Path, default=root / "src/pairaid/data/italy-2020")
    parser.add_argument("--tolerance", type=float, default=0.02)
    args = parser.parse_args()
    collection = derive(args.source, args.out / "regions.csv", args.tolerance)
    collection["source"] = ("openpolis/geojson-italy @ 5dd489e (CC BY 4.0; ISTAT limits of "
                            f"June 2023), simplified with tolerance {args.tolerance} deg")
    path = args.out / "boundaries.geojson"
    path.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    print(f"{path}: {len(collection['features'])} features, "
          f"{path.stat().st_size / 1024:.0f} KiB")
    shutil.copyfile(args.source / "LICENSE", args.out / "LICENSE-boundaries")


if __name__ == "__main__":
    main()
