"""The board's map (a plotly figure as plain JSON-ready dicts; pure, no I/O).

Recipients are coloured by escalation level: for a data set with GB/T 2260 codes
(``hubei-2020``) on the shipped boundaries (provinces and Hubei divisions,
:mod:`pairaid.report.boundaries`); for any other (``italy-2020``, a data folder) on the data
set's own ``boundaries.geojson`` when it has one, and always as points at their seats (as
the report's :func:`pairaid.report.maps.points_map`). One line joins each donor's seat to
each recipient it has an accepted pledge for. The boundaries are referenced by key
(registered in ``window.PlotlyGeoAssets`` by ``/ui/geo.js``), so the figure stays small
enough to refresh.
The figure is built as dicts, not ``plotly.graph_objects``: their validation took 0.1-0.2 s
per refresh, longer than the rest of the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pairaid.report.boundaries import FEATURE_KEY, load_boundaries
from pairaid.service.regions import ServiceRegions
from pairaid.service.web.board import LEVELS
from pairaid.service.web.i18n import Lang, t

GEO_KEYS = {"provinces": "pairaid-provinces", "hubei": "pairaid-hubei",
            "dataset": "pairaid-dataset"}
DATASET_KEY = "properties.region_code"  # featureidkey of a data set's boundaries.geojson
COLOURS = {"green": "#1a9850", "yellow": "#fee08b", "red": "#d73027"}
HUBEI_BOX = ([108.2, 116.3], [28.9, 33.4])  # lon, lat range of Hubei [deg]
PAD = 2.0  # margin around the shown regions [deg]


def _stepped() -> list[list[Any]]:
    """A colour scale giving z = 0, 1, 2 the colours of green, yellow, red."""
    out: list[list[Any]] = []
    for i, name in enumerate(LEVELS):
        out += [[i / 3, COLOURS[name]], [(i + 1) / 3, COLOURS[name]]]
    return out


def _background(layer: str, codes: list[str], colour: str) -> dict[str, Any]:
    return {"type": "choropleth", "geojson": GEO_KEYS[layer], "featureidkey": FEATURE_KEY,
            "locations": codes, "z": [0] * len(codes), "showscale": False,
            "colorscale": [[0, colour], [1, colour]], "hoverinfo": "skip",
            "marker": {"line": {"color": "#8c8c8c", "width": 0.5}}}


def board_map(levels: Mapping[str, tuple[float, str]],
              pairs: Iterable[tuple[str, str, int]], lang: Lang, *,
              regions: ServiceRegions, height: int = 480) -> dict[str, Any]:
    """The map as a plotly figure (``{"data": [...], "layout": {...}}``).

    Parameters
    ----------
    levels : mapping
        ``recipient_code -> (uncovered share [0..1], level)`` (:func:`board.city_levels`).
    pairs : iterable of (donor_code, recipient_code, accepted)
        Active pairs and the quantity accepted [beds or persons].
    lang : {"zh", "en"}
        Language of the title and hover text.
    regions : ServiceRegions
        The service's data set (names, seats [deg], boundaries).
    height : int
        Figure height [px].

    Returns
    -------
    dict
        JSON-ready figure; regions unknown to the data set are left off the map.
    """
    if regions.uses_gb2260:
        data, lons, lats = _china_layers(levels, lang, regions)
    else:
        data, lons, lats = _own_layers(levels, lang, regions)
    line_lon: list[float | None] = []
    line_lat: list[float | None] = []
    mid_lon, mid_lat, mid_text = [], [], []
    for donor, recipient, accepted in pairs:
        d, r = regions.find(donor), regions.find(recipient)
        if d is None or r is None:
            continue
        line_lon += [d.lon, r.lon, None]
        line_lat += [d.lat, r.lat, None]
        mid_lon.append((d.lon + r.lon) / 2)
        mid_lat.append((d.lat + r.lat) / 2)
        mid_text.append(f"<b>{regions.name(donor, lang)} → {regions.name(recipient, lang)}"
                        f"</b><br>{t('accepted', lang)}: {accepted:,}")
        lons.append(d.lon)
        lats.append(d.lat)
    data.append({"type": "scattergeo", "lon": line_lon, "lat": line_lat, "mode": "lines",
                 "hoverinfo": "skip", "line": {"width": 2, "color": "rgba(8,81,156,0.7)"}})
    data.append({"type": "scattergeo", "lon": mid_lon, "lat": mid_lat, "mode": "markers",
                 "text": mid_text, "hovertemplate": "%{text}<extra></extra>",
                 "marker": {"size": 7, "color": "#08519c", "symbol": "diamond"}})
    layout = {
        "geo": {"visible": False, "projection": {"type": "mercator"},
                "bgcolor": "rgba(0,0,0,0)",
                "lonaxis": {"range": [min(lons) - PAD, max(lons) + PAD]},
                "lataxis": {"range": [min(lats) - PAD, max(lats) + PAD]}},
        "title": {"text": t("map_title", lang), "font": {"size": 14}}, "height": height,
        "margin": {"l": 0, "r": 0, "t": 36, "b": 0}, "showlegend": False,
        "hoverlabel": {"align": "left"}}
    return {"data": data, "layout": layout}


def _hover(code: str, share: float, level: str, lang: Lang, regions: ServiceRegions) -> str:
    return (f"<b>{regions.name(code, lang)}</b> ({code})<br>"
            f"{t('uncovered', lang)}: {share:.0%}<br>{t('level', lang)}: {t(level, lang)}")


def _own_layers(levels: Mapping[str, tuple[float, str]], lang: Lang,
                regions: ServiceRegions
                ) -> tuple[list[dict[str, Any]], list[float], list[float]]:
    """A data set without GB/T 2260 codes: its own boundaries (if any), recipients coloured,
    and every recipient with a board row as a point coloured by level; the view spans
    the data set's donors and recipients."""
    data: list[dict[str, Any]] = []
    shown = [c for c in sorted(levels) if c in regions.regions]
    if regions.boundaries is not None:
        drawn = {str(f["properties"]["region_code"]) for f in regions.boundaries["features"]}
        data.append(_background("dataset", sorted(drawn), "#f2f2f2")
                    | {"featureidkey": DATASET_KEY})
        coloured = [c for c in shown if c in drawn]
        if coloured:
            data.append({
                "type": "choropleth", "geojson": GEO_KEYS["dataset"],
                "featureidkey": DATASET_KEY, "locations": coloured,
                "z": [LEVELS.index(levels[c][1]) for c in coloured], "zmin": 0,
                "zmax": len(LEVELS) - 1 + 1e-9, "colorscale": _stepped(), "showscale": False,
                "text": [_hover(c, *levels[c], lang, regions) for c in coloured],
                "hovertemplate": "%{text}<extra></extra>", "name": t("level", lang),
                "marker": {"line": {"color": "#404040", "width": 0.8}}})
    seats = [regions.regions[c] for c in shown]
    data.append({"type": "scattergeo", "lon": [r.lon for r in seats],
                 "lat": [r.lat for r in seats], "mode": "markers+text",
                 "text": [regions.name(r.code, lang) for r in seats],
                 "textposition": "bottom center",
                 "hovertext": [_hover(c, *levels[c], lang, regions) for c in shown],
                 "hovertemplate": "%{hovertext}<extra></extra>",
                 "marker": {"size": 12, "color": [COLOURS[levels[c][1]] for c in shown],
                            "line": {"color": "#404040", "width": 0.8}}})
    span = [regions.regions[c] for c in regions.kinds] or list(regions.regions.values())
    return data, [r.lon for r in span], [r.lat for r in span]


def _china_layers(levels: Mapping[str, tuple[float, str]], lang: Lang,
                  regions: ServiceRegions
                  ) -> tuple[list[dict[str, Any]], list[float], list[float]]:
    """A data set with GB/T 2260 codes: the shipped province and Hubei layers, recipients
    coloured; the view spans Hubei and the coloured regions."""
    bounds = load_boundaries()
    layer_codes = {layer: bounds.codes(layer) for layer in ("provinces", "hubei")}
    data: list[dict[str, Any]] = [_background("provinces", layer_codes["provinces"], "#f2f2f2"),
                                  _background("hubei", layer_codes["hubei"], "#e0e0e0")]
    lons: list[float] = list(HUBEI_BOX[0])
    lats: list[float] = list(HUBEI_BOX[1])
    for layer in ("provinces", "hubei"):
        in_layer = set(layer_codes[layer])
        codes, z, text = [], [], []
        for code, (share, level) in sorted(levels.items()):
            region = regions.find(code)
            if region is None or region.gb2260 not in in_layer:
                continue
            codes.append(region.gb2260)
            z.append(LEVELS.index(level))
            text.append(_hover(code, share, level, lang, regions))
            lons.append(region.lon)
            lats.append(region.lat)
        if codes:
            data.append({
                "type": "choropleth", "geojson": GEO_KEYS[layer], "featureidkey": FEATURE_KEY,
                "locations": codes, "z": z, "zmin": 0, "zmax": len(LEVELS) - 1 + 1e-9,
                "colorscale": _stepped(), "showscale": False, "text": text,
                "hovertemplate": "%{text}<extra></extra>", "name": t("level", lang),
                "marker": {"line": {"color": "#404040", "width": 0.8}}})
    return data, lons, lats
