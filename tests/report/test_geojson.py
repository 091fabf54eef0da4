"""The GeoJSON export validates: geometry, coordinate ranges, documented properties."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

import pairaid.report.geojson as gj
from pairaid.report.geojson import report_geojson

PAIR_KEYS = {"kind", "plan", "donor_code", "recipient_code", "donor_name_zh", "donor_name_en",
             "recipient_name_zh", "recipient_name_en", "doctors", "nurses", "staff",
             "distance_km"}
RECIPIENT_KEYS = {"kind", "region_code", "gb2260_code", "name_zh", "name_en", "peak_date",
                  "need", "available", "gap", "gap_share", "estimated"}


def test_geojson_valid_and_documented(run_dir: Path) -> None:
    path = report_geojson(run_dir)
    doc = json.loads(path.read_text(encoding="utf-8"))  # strict JSON: no NaN
    assert doc["type"] == "FeatureCollection"
    regions = pd.read_csv(run_dir / "regions.csv", dtype=str).set_index("region_code")
    kinds = {"pair": 0, "recipient": 0}
    for f in doc["features"]:
        assert f["type"] == "Feature"
        geom, props = f["geometry"], f["properties"]
        kinds[props["kind"]] += 1
        coords = geom["coordinates"] if geom["type"] == "LineString" else [geom["coordinates"]]
        for lon, lat in coords:
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            assert 73 <= lon <= 136 and 18 <= lat <= 54  # inside China
        if props["kind"] == "pair":
            assert geom["type"] == "LineString" and len(coords) == 2
            assert set(props) == PAIR_KEYS
            d = regions.loc[props["donor_code"]]
            assert coords[0] == [float(d["longitude"]), float(d["latitude"])]
            assert props["staff"] == props["doctors"] + props["nurses"]
        else:
            assert geom["type"] == "Point"
            plans = {"pairaid", "official_2020_02_10"}
            extra = {f"{k}_{p}" for p in plans for k in ("shortfall", "uncovered_share")}
            assert set(props) == RECIPIENT_KEYS | extra
            assert 0 <= props["uncovered_share_pairaid"] <= props["gap_share"] <= 1
    # 5 pairaid + 6 official pairs, 4 recipients (fixture)
    assert kinds == {"pair": 11, "recipient": 4}
    # every documented property name appears in the module documentation
    for key in PAIR_KEYS | RECIPIENT_KEYS:
        assert f"``{key}``" in (gj.__doc__ or ""), key


def test_hand_checked_pair(run_dir: Path) -> None:
    doc = json.loads(report_geojson(run_dir).read_text(encoding="utf-8"))
    gd = [f["properties"] for f in doc["features"] if f["properties"]["kind"] == "pair"
          and f["properties"]["donor_code"] == "CN-GD"]
    # fixture flows.csv: Guangdong sends 120 doctors and 360 nurses to Xiaogan
    assert gd == [{**gd[0], "recipient_code": "420900", "doctors": 120.0, "nurses": 360.0,
                   "staff": 480.0, "recipient_name_en": "Xiaogan", "donor_name_zh": "广东省"}]


def test_pair_without_flows_sends_nothing(run_dir: Path) -> None:
    flows = pd.read_csv(run_dir / "flows.csv", dtype=str)
    flows[flows["donor_code"] != "CN-ZJ"].to_csv(run_dir / "flows.csv", index=False)
    doc = json.loads(report_geojson(run_dir).read_text(encoding="utf-8"))
    zj = [f["properties"] for f in doc["features"]
          if f["properties"].get("donor_code") == "CN-ZJ"]
    assert [(p["doctors"], p["nurses"], p["staff"]) for p in zj] == [(0.0, 0.0, 0.0)]
