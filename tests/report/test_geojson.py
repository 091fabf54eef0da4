"""The GeoJSON export validates: geometry, coordinate ranges, documented properties."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

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


def test_c0017_pair_across_the_antimeridian_is_cut(
        run_case: Callable[..., tuple[int, Path, str]]) -> None:
    """c0017: Wellington -> Chatham Islands was one LineString spanning 351° of longitude, and
    the report's marker sat near Greenwich. Right: a MultiLineString cut at 180° (linear
    crossing latitude -42.895, by hand) and the marker on the great-circle midpoint."""
    code, out, _ = run_case("c0017", "data", "--date", "2020-03-10", "--horizon", "3",
                            "--no-official", "--report")
    assert code == 0
    doc = json.loads((out / "pairs.geojson").read_text(encoding="utf-8"))
    pairs = [f for f in doc["features"] if f["properties"]["kind"] == "pair"]
    assert [(f["properties"]["donor_code"], f["properties"]["recipient_code"])
            for f in pairs] == [("NZ-WGN", "NZ-CIT")]
    geom = pairs[0]["geometry"]
    assert geom["type"] == "MultiLineString"
    (a, cut_east), (cut_west, b) = geom["coordinates"]
    assert a == [174.7762, -41.2865] and b == [-176.5597, -43.9535]
    assert cut_east[0] == 180.0 and cut_west[0] == -180.0
    assert cut_east[1] == cut_west[1] == pytest.approx(-42.8945, abs=1e-4)
    page = (out / "report.html").read_text(encoding="utf-8")
    marker = re.search(
        r'"lat":\[(-?[\d.]+)\],"lon":\[(-?[\d.]+)\],"marker":\{"color":"#08519c"', page)
    assert marker is not None
    # midpoint of the short arc: about 42.7 S, 179.0 E (near the 179.1 E of the case)
    assert float(marker.group(1)) == pytest.approx(-42.70, abs=0.01)
    assert float(marker.group(2)) == pytest.approx(179.02, abs=0.01)
