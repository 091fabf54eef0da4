"""The board's map (a plotly figure as plain JSON-ready dicts; pure, no I/O).

Recipients are coloured by escalation level on the shipped boundaries (provinces and Hubei
divisions, :mod:`pairaid.report.boundaries`); one line joins each donor's seat to each
recipient it has an accepted pledge for. The boundaries are referenced by key (registered in
``window.PlotlyGeoAssets`` by ``/ui/geo.js``), so the figure stays small enough to refresh.
The figure is built as dicts, not ``plotly.graph_objects``: their validation took 0.1-0.2 s
per refresh, longer than the rest of the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pairaid.report.boundaries import FEATURE_KEY, load_boundaries
from pairaid.service.web.board import LEVELS, region_name, regions
from pairaid.service.web.i18n import Lang, t

GEO_KEYS = {"provinces": "pairaid-provinces", "hubei": "pairaid-hubei"}
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
              height: int = 480) -> dict[str, Any]:
    """The map as a plotly figure (``{"data": [...], "layout": {...}}``).

    Parameters
    ----------
    levels : mapping
        ``recipient_code -> (uncovered share [0..1], level)`` (:func:`board.city_levels`).
    pairs : iterable of (donor_code, recipient_code, accepted)
        Active pairs and the quantity accepted [beds or persons].
    lang : {"zh", "en"}
        Language of the title and hover text.
    height : int
        Figure height [px].

    Returns
    -------
    dict
        JSON-ready figure; regions unknown to the built-in data set are left off the map.
    """
    known = regions()
    bounds = load_boundaries()
    layer_codes = {layer: bounds.codes(layer) for layer in GEO_KEYS}
    data: list[dict[str, Any]] = [_background("provinces", layer_codes["provinces"], "#f2f2f2"),
                                  _background("hubei", layer_codes["hubei"], "#e0e0e0")]
    lons: list[float] = list(HUBEI_BOX[0])
    lats: list[float] = list(HUBEI_BOX[1])
    for layer in ("provinces", "hubei"):
        in_layer = set(layer_codes[layer])
        codes, z, text = [], [], []
        for code, (share, level) in sorted(levels.items()):
            region = known.get(code)
            if region is None or region.gb2260 not in in_layer:
                continue
            codes.append(region.gb2260)
            z.append(LEVELS.index(level))
            text.append(f"<b>{region_name(code, lang)}</b> ({code})<br>"
                        f"{t('uncovered', lang)}: {share:.0%}<br>"
                        f"{t('level', lang)}: {t(level, lang)}")
            lons.append(region.lon)
            lats.append(region.lat)
        if codes:
            data.append({
                "type": "choropleth", "geojson": GEO_KEYS[layer], "featureidkey": FEATURE_KEY,
                "locations": codes, "z": z, "zmin": 0, "zmax": len(LEVELS) - 1 + 1e-9,
                "colorscale": _stepped(), "showscale": False, "text": text,
                "hovertemplate": "%{text}<extra></extra>", "name": t("level", lang),
                "marker": {"line": {"color": "#404040", "width": 0.8}}})
    line_lon: list[float | None] = []
    line_lat: list[float | None] = []
    mid_lon, mid_lat, mid_text = [], [], []
    for donor, recipient, accepted in pairs:
        d, r = known.get(donor), known.get(recipient)
        if d is None or r is None:
            continue
        line_lon += [d.lon, r.lon, None]
        line_lat += [d.lat, r.lat, None]
        mid_lon.append((d.lon + r.lon) / 2)
        mid_lat.append((d.lat + r.lat) / 2)
        mid_text.append(f"<b>{region_name(donor, lang)} → {region_name(recipient, lang)}"
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
