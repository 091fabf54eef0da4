"""The board's map: each recipient in its level's colour, one line per accepted pair."""

from __future__ import annotations

import json

from pairaid.service.regions import load_regions
from pairaid.service.web.mapfig import COLOURS, GEO_KEYS, board_map


def _colour(trace: dict, z: int) -> str:
    """The colour plotly gives ``z``: the last scale stop at or below ``z / zmax``."""
    x = (z - trace["zmin"]) / (trace["zmax"] - trace["zmin"])
    return str([c for stop, c in trace["colorscale"] if stop <= x][-1])


def test_recipients_coloured_by_level_and_lines_for_pairs() -> None:
    fig = board_map({"420900": (0.6, "red"), "421100": (0.1, "green"),
                     "CN-HN": (0.3, "yellow"), "659999": (1.0, "red")},
                    [("CN-HN", "420900", 80), ("CN-GD", "421100", 20), ("CN-XX", "420900", 1)],
                    "en", regions=load_regions("hubei-2020"))
    json.dumps(fig)  # JSON-ready
    shaded = [tr for tr in fig["data"] if tr["type"] == "choropleth" and "text" in tr]
    by_code = {loc: (z, tr) for tr in shaded for loc, z in zip(tr["locations"], tr["z"],
                                                                strict=True)}
    # GB/T 2260 codes on the map; Hunan (CN-HN) drawn on the province layer as 430000;
    # 659999 is no known region and is left off
    assert set(by_code) == {"420900", "421100", "430000"}
    assert _colour(by_code["420900"][1], by_code["420900"][0]) == COLOURS["red"]
    assert _colour(by_code["421100"][1], by_code["421100"][0]) == COLOURS["green"]
    assert _colour(by_code["430000"][1], by_code["430000"][0]) == COLOURS["yellow"]
    lines = next(tr for tr in fig["data"] if tr.get("mode") == "lines")
    # two known pairs: donor seat, recipient seat, break; the unknown donor is left off
    assert len(lines["lon"]) == 6 and lines["lon"][2] is None and lines["lon"][5] is None
    # Changsha (Hunan's seat) is at about 113.0 E, Xiaogan at about 113.9 E
    assert abs(lines["lon"][0] - 113.0) < 0.1 and abs(lines["lon"][1] - 113.9) < 0.1
    markers = next(tr for tr in fig["data"] if tr.get("mode") == "markers")
    assert markers["text"][0].startswith("<b>Hunan → Xiaogan</b>")
    assert "accepted: 80" in markers["text"][0].lower()


def test_italy_is_drawn_on_its_own_boundaries_and_as_points() -> None:
    italy = load_regions("italy-2020")
    fig = board_map({"IT-25": (0.9, "red"), "IT-57": (0.0, "green"), "420900": (1.0, "red")},
                    [("IT-34", "IT-25", 10)], "en", regions=italy)
    json.dumps(fig)
    shaded = [tr for tr in fig["data"] if tr["type"] == "choropleth" and "text" in tr]
    assert [tr["geojson"] for tr in shaded] == [GEO_KEYS["dataset"]]
    by_code = dict(zip(shaded[0]["locations"], shaded[0]["z"], strict=True))
    # region codes of the data set's boundaries.geojson; a Hubei code is no region of it
    assert set(by_code) == {"IT-25", "IT-57"}
    assert _colour(shaded[0], by_code["IT-25"]) == COLOURS["red"]
    points = next(tr for tr in fig["data"] if tr.get("mode") == "markers+text")
    assert points["text"] == ["Lombardy", "Marche"]
    assert points["marker"]["color"] == [COLOURS["red"], COLOURS["green"]]
    lines = next(tr for tr in fig["data"] if tr.get("mode") == "lines")
    # Venice (Veneto's seat) about 12.3 E, Milan (Lombardy's) about 9.2 E
    assert abs(lines["lon"][0] - 12.3) < 0.1 and abs(lines["lon"][1] - 9.2) < 0.1
    # the view spans Italy (lon about 7 to 18.5 E), not Hubei
    lon = fig["layout"]["geo"]["lonaxis"]["range"]
    assert lon[0] < 7 and lon[1] > 18
