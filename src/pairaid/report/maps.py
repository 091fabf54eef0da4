"""Map of a pairing plan (plotly figure; pure, no I/O).

Provinces and Hubei divisions are drawn from the shipped boundaries; each recipient is shaded
by the share of its peak staff need left uncovered after the plan's aid; a line joins each
donor's capital to each of its recipients' seats, its width growing with the staff sent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from pairaid.geo import great_circle_midpoint, longitude_window
from pairaid.report.boundaries import FEATURE_KEY, Boundaries
from pairaid.report.i18n import Lang, plan_label, t
from pairaid.report.plottext import plot_names
from pairaid.report.run import RunTables
from pairaid.report.summary import STAFF, donor_burden, peak_severity, staff_sent

LINE_WIDTH = (1.5, 9.0)  # [px] thinnest and thickest pairing line
LABEL_FONT = {"size": 10, "color": "#252525"}  # region-name labels on the map
SEVERITY_SCALE = "OrRd"
HUBEI_BOX = ([108.2, 116.3], [28.9, 33.4])  # lon, lat range of Hubei [deg]
NOTHING_SENT = {"doctors": 0.0, "nurses": 0.0, "staff": 0.0}  # a pair without flows
DONOR_FILL = "#f0f0f0"  # regions that are not recipients, on a map of a data set's own boundaries
PAD = 2.0  # margin around the donors and Hubei in the China view [deg]


def region_names(regions: pd.DataFrame) -> dict[str, str]:
    """Map ``region_code`` to ``"name_zh / name_en"`` (both names, whatever the language);
    a region without a Chinese name is named ``name_local / name_en``, or ``name_en``."""
    local = regions["name_local"] if "name_local" in regions else regions["name_zh"]
    first = regions["name_zh"].where(regions["name_zh"].notna(), local)
    return {str(c): f"{zh} / {en}" if isinstance(zh, str) and zh and zh != en else str(en)
            for c, zh, en in zip(regions["region_code"], first, regions["name_en"],
                                 strict=True)}


def _yes_no(flag: object, lang: Lang) -> str:
    return t("yes", lang) if bool(flag) else t("no", lang)


def _num(x: Any) -> float:
    return float(x)


def _fmt(x: Any) -> str:
    return f"{_num(x):,.0f}"


def _pct(x: Any) -> str:
    """Percentage, or an en dash when undefined (e.g. burden of a donor without capacity)."""
    value = _num(x)
    return "–" if math.isnan(value) else f"{value:.0%}"


def _pair_markers(pairs: pd.DataFrame, lat: Mapping[str, float], lon: Mapping[str, float],
                  names: Mapping[str, str], lang: Lang) -> go.Scattergeo:
    """One hover marker per pair (staff sent, distance), at the midpoint of the line as
    plotly draws it (the short great-circle arc), also across 180°."""
    mid_lon, mid_lat, mid_text = [], [], []
    for p in pairs.itertuples(index=False):
        d, r = str(p.donor_code), str(p.recipient_code)
        m_lat, m_lon = great_circle_midpoint(lat[d], lon[d], lat[r], lon[r])
        mid_lon.append(m_lon)
        mid_lat.append(m_lat)
        mid_text.append(
            f"<b>{names[d]} → {names[r]}</b><br>"
            f"{t('staff_sent', lang)}: {_fmt(p.staff)} ({t('doctors', lang)} "
            f"{_fmt(getattr(p, 'doctors', 0.0))}, {t('nurses', lang)} "
            f"{_fmt(getattr(p, 'nurses', 0.0))})<br>"
            f"{t('distance', lang)}: {_fmt(p.distance_km)}")
    return go.Scattergeo(
        lon=mid_lon, lat=mid_lat, mode="markers", text=mid_text,
        marker={"size": 7, "color": "#08519c", "symbol": "diamond"},
        hovertemplate="%{text}<extra></extra>", name=t("pairs_line", lang))


def pairing_map(run: RunTables, plan: str, lang: Lang, boundaries: Boundaries,
                *, height: int = 560, geojson_keys: Mapping[str, str] | None = None,
                title: str | None = None, extent: Iterable[str] | None = None
                ) -> go.Figure:
    """Map of one plan.

    Parameters
    ----------
    run : RunTables
        The run (uses ``regions``, ``gaps``, ``donor_capacities`` and the plan's ``pairs``,
        ``flows``, ``shortfall``).
    plan : str
        ``pairaid`` or the official plan's key (``official_2020_02_10``).
    lang : {"zh", "en"}
        Language of titles and hover labels (names are shown in both).
    boundaries : Boundaries
        Province and Hubei-division boundaries.
    height : int
        Figure height [px].
    geojson_keys : mapping, optional
        ``{"provinces": key, "hubei": key}``: reference the boundaries by these keys of
        ``window.PlotlyGeoAssets`` instead of embedding them in every trace (the page must
        register them before plotting); default: embed.
    title : str, optional
        Figure title (default: the plan's name and what the shading and lines mean).
    extent : iterable of str, optional
        Region codes the China view must show besides Hubei (default: the plan's donors);
        pass the donors of several plans to draw their maps at the same scale.

    Returns
    -------
    plotly.graph_objects.Figure
        A ``geo`` figure: province layer (donors highlighted), Hubei layer (recipients
        shaded by uncovered share at peak, 0..1), one line per pair, and hover markers.
    """
    tables = run.tables
    regions = tables["regions"]
    names = plot_names(region_names(regions))  # shown as typed in the figure (c0020)
    gb = dict(zip(regions["region_code"], regions["gb2260_code"], strict=True))
    lat = dict(zip(regions["region_code"], regions["latitude"], strict=True))
    lon = dict(zip(regions["region_code"], regions["longitude"], strict=True))
    sent = staff_sent(run.plan_table(plan, "flows"))
    pairs = run.plan_table(plan, "pairs").merge(sent, on=["donor_code", "recipient_code"],
                                                how="left").fillna(NOTHING_SENT)
    burden = donor_burden(run.plan_table(plan, "flows"), tables["donor_capacities"])
    severity = peak_severity(tables["gaps"], run.plan_table(plan, "shortfall"))
    keys = geojson_keys or {}
    prov_geo: str | dict[str, Any] = keys.get("provinces", boundaries.provinces)
    hubei_geo: str | dict[str, Any] = keys.get("hubei", boundaries.hubei)
    fig = go.Figure()

    # provinces: donors of this plan highlighted, the others as background
    donors = set(pairs["donor_code"])
    code_of_gb = {g: c for c, g in gb.items()}
    prov_codes = boundaries.codes("provinces")
    z = [1.0 if code_of_gb.get(g) in donors else 0.0 for g in prov_codes]
    hover = []
    b = burden.set_index("donor_code")
    for g in prov_codes:
        code = code_of_gb.get(g)
        if code is None:
            hover.append("")
        elif code in donors:
            sent_by, load = (b.at[code, "sent"], b.at[code, "burden"]) if code in b.index \
                else (0.0, 0.0)
            hover.append(f"<b>{names[code]}</b><br>{t('donor', lang)}<br>"
                         f"{t('staff_sent', lang)}: {_fmt(sent_by)}<br>"
                         f"{t('burden', lang)}: {_pct(load)}")
        else:
            hover.append(f"<b>{names[code]}</b>")
    fig.add_trace(go.Choropleth(
        geojson=prov_geo, featureidkey=FEATURE_KEY, locations=prov_codes, z=z,
        zmin=0, zmax=1, colorscale=[[0, "#f2f2f2"], [1, "#c6dbef"]], showscale=False,
        marker_line_color="#8c8c8c", marker_line_width=0.6, text=hover,
        hovertemplate="%{text}<extra></extra>", name=t("province", lang)))

    # Hubei divisions: recipients shaded by uncovered share at peak
    hubei_codes = boundaries.codes("hubei")
    sev = severity.set_index("region_code")
    rec = [c for c in hubei_codes if code_of_gb.get(c) in sev.index]
    other = [c for c in hubei_codes if c not in rec]
    fig.add_trace(go.Choropleth(
        geojson=hubei_geo, featureidkey=FEATURE_KEY, locations=other,
        z=[0.0] * len(other), colorscale=[[0, "#d9d9d9"], [1, "#d9d9d9"]], showscale=False,
        marker_line_color="#737373", marker_line_width=0.5,
        text=[f"<b>{names.get(code_of_gb.get(c, ''), c)}</b>" for c in other],
        hovertemplate="%{text}<extra></extra>", name=t("province", lang)))
    texts = []
    for c in rec:
        s = sev.loc[code_of_gb[c]]
        texts.append(
            f"<b>{names[code_of_gb[c]]}</b><br>{t('recipient', lang)}<br>"
            f"{t('peak_date', lang)}: {s['peak_date']:%Y-%m-%d}<br>"
            f"{t('need_at_peak', lang)}: {_fmt(s['need'])}<br>"
            f"{t('available', lang)}: {_fmt(s['available'])}<br>"
            f"{t('gap_at_peak', lang)}: {_fmt(s['gap'])}<br>"
            f"{t('shortfall_at_peak', lang)}: {_fmt(s['shortfall'])}<br>"
            f"{t('gap_share', lang)}: {_pct(s['gap_share'])}<br>"
            f"{t('uncovered_share', lang)}: {_pct(s['uncovered_share'])}<br>"
            f"{t('estimated', lang)}: {_yes_no(s['estimated'], lang)}")
    shading = {key: [round(_num(sev.at[code_of_gb[c], key]), 4) for c in rec]
               for key in ("uncovered_share", "gap_share")}
    shaded = len(fig.data)  # index of the recipient layer (its Hubei-view copy follows)
    fig.add_trace(go.Choropleth(
        geojson=hubei_geo, featureidkey=FEATURE_KEY, locations=rec,
        z=shading["uncovered_share"], zmin=0, zmax=1,
        colorscale=SEVERITY_SCALE, marker_line_color="#404040", marker_line_width=0.6,
        colorbar={"title": {"text": t("uncovered_share", lang)}, "tickformat": ".0%",
                  "len": 0.3, "thickness": 10, "orientation": "h", "x": 0.79, "y": 0.02,
                  "title_side": "top", "xanchor": "center", "yanchor": "bottom"},
        text=texts, hovertemplate="%{text}<extra></extra>", name=t("recipient", lang)))

    # pairing lines, width by staff sent
    top = max(float(pairs["staff"].max()), 1.0) if not pairs.empty else 1.0
    for p in pairs.itertuples(index=False):
        width = LINE_WIDTH[0] + (LINE_WIDTH[1] - LINE_WIDTH[0]) * _num(p.staff) / top
        d, r = str(p.donor_code), str(p.recipient_code)
        fig.add_trace(go.Scattergeo(
            lon=[lon[d], lon[r]], lat=[lat[d], lat[r]], mode="lines",
            line={"width": width, "color": "rgba(8,81,156,0.75)"}, hoverinfo="skip",
            showlegend=False, name=t("pairs_line", lang)))
    fig.add_trace(_pair_markers(pairs, lat, lon, names, lang))
    donor_list = sorted(donors)
    fig.add_trace(go.Scattergeo(  # donors, labelled with their names
        lon=[lon[d] for d in donor_list], lat=[lat[d] for d in donor_list],
        mode="markers+text", textposition="top center", textfont=LABEL_FONT,
        marker={"size": 6, "color": "#08306b"}, text=[names[d] for d in donor_list],
        hovertemplate="%{text}<extra></extra>", name=t("donor", lang)))
    # second view: Hubei zoom, same traces (the colour bar only once)
    n_layers = len(fig.data)
    for trace in list(fig.data):
        copy = trace.to_plotly_json()
        copy["geo"] = "geo2"
        if copy.get("type") == "choropleth":
            copy["showscale"] = False
        fig.add_trace(copy)
    # recipients labelled with their names in the Hubei view (too close together to label
    # legibly in the country view)
    labelled = [code_of_gb[c] for c in rec if code_of_gb[c] in lon]
    fig.add_trace(go.Scattergeo(
        lon=[lon[c] for c in labelled], lat=[lat[c] for c in labelled], mode="text",
        text=[names[c] for c in labelled], textfont=LABEL_FONT, hoverinfo="skip",
        geo="geo2", name=t("recipient", lang)))
    # buttons: shade by the share uncovered after the plan's aid (default) or before any aid
    copies = [shaded, shaded + n_layers]
    buttons = [{"label": t(label, lang), "method": "restyle",
                "args": [{"z": [shading[key]] * 2,
                          "colorbar.title.text": [t(key, lang)] * 2}, copies]}
               for label, key in (("after_aid", "uncovered_share"),
                                  ("before_aid", "gap_share"))]
    shown = [c for c in (donors if extent is None else set(extent)) if c in lon]
    lons = [lon[c] for c in shown] + HUBEI_BOX[0]
    lats = [lat[c] for c in shown] + HUBEI_BOX[1]
    geo = {"visible": False, "projection_type": "mercator", "bgcolor": "rgba(0,0,0,0)"}
    fig.update_layout(
        geo={**geo, "domain": {"x": [0.0, 0.56], "y": [0, 1]},
             "lonaxis_range": [min(lons) - PAD, max(lons) + PAD],
             "lataxis_range": [min(lats) - PAD, max(lats) + PAD]},
        geo2={**geo, "domain": {"x": [0.58, 1.0], "y": [0, 1]},
              "lonaxis_range": HUBEI_BOX[0], "lataxis_range": HUBEI_BOX[1]},
        title={"text": title or t("map_title", lang, plan=plan_label(plan, lang)),
               "font": {"size": 14}},
        updatemenus=[{"type": "buttons", "direction": "right", "buttons": buttons,
                      "active": 0, "showactive": True, "x": 0.58, "xanchor": "left",
                      "y": 1.0, "yanchor": "top", "pad": {"t": 0, "l": 0},
                      "font": {"size": 11}}],
        height=height, margin={"l": 0, "r": 0, "t": 40, "b": 0}, showlegend=False,
        hoverlabel={"align": "left"})
    return fig


def uses_china_boundaries(regions: pd.DataFrame) -> bool:
    """Whether a run's regions carry GB/T 2260 codes (some ``gb2260_code`` given), so that
    the shipped China boundaries may apply (:func:`choose_map` decides); any other country
    is drawn as points."""
    return "gb2260_code" in regions and bool(regions["gb2260_code"].notna().any())


@dataclass(frozen=True)
class MapChoice:
    """Which map the report draws, decided once per run by :func:`choose_map`.

    Attributes
    ----------
    china : bool
        Draw every plan on the shipped China boundaries (:func:`pairing_map`); otherwise as
        points (:func:`points_map`).
    unshaped : tuple of str
        Region codes of donors or recipients whose ``gb2260_code`` has no shape in the
        shipped boundaries (the reason the run is drawn as points although its codes are
        GB/T 2260 codes); empty otherwise.
    """

    china: bool
    unshaped: tuple[str, ...] = ()


def _plans(run: RunTables) -> list[str]:
    official = run.official
    return ["pairaid"] + ([official] if official is not None and run.has_plan(official)
                          else [])


def choose_map(run: RunTables, boundaries: Boundaries) -> MapChoice:
    """Decide whether the run's maps are drawn on the shipped China boundaries.

    :func:`pairing_map` draws donors as province shapes and recipients as Hubei-division
    shapes, found by ``gb2260_code``; a region without a shape there would be lost from
    the map. So the China map is chosen only when the regions carry GB/T 2260 codes and
    every donor of every plan has a province shape and every recipient (paired, or with
    staff gaps) a Hubei-division shape; otherwise every region is drawn as a point
    (:func:`points_map`), which loses none.

    Parameters
    ----------
    run : RunTables
        The run (uses ``regions``, ``gaps`` and each plan's ``pairs``).
    boundaries : Boundaries
        The shipped province and Hubei-division boundaries.

    Returns
    -------
    MapChoice
        ``china`` and, when the codes are GB/T 2260 codes but some have no shape, those
        regions' codes (sorted) in ``unshaped``.
    """
    regions = run.tables["regions"]
    if not uses_china_boundaries(regions):
        return MapChoice(china=False)
    gb = dict(zip(regions["region_code"].astype(str), regions["gb2260_code"], strict=True))
    provinces, hubei = set(boundaries.codes("provinces")), set(boundaries.codes("hubei"))
    gaps = run.tables["gaps"]
    recipients = set(gaps.loc[gaps["resource"].isin(STAFF), "region_code"].astype(str))
    donors: set[str] = set()
    for plan in _plans(run):
        pairs = run.plan_table(plan, "pairs")
        donors |= set(pairs["donor_code"].astype(str))
        recipients |= set(pairs["recipient_code"].astype(str))
    unshaped = {c for c in donors if gb.get(c) not in provinces}
    unshaped |= {c for c in recipients if gb.get(c) not in hubei}
    return MapChoice(china=not unshaped, unshaped=tuple(sorted(unshaped)))


def unshaped_note(unshaped: Sequence[str], names: Mapping[str, str]) -> str:
    """Why a run with GB/T 2260 codes is drawn as points: the regions without a shape,
    named ``name (code)`` with ``names`` (``region_code`` -> display name)."""
    listed = ", ".join(f"{names.get(c, c)} ({c})" for c in unshaped)
    verb = "has a GB/T 2260 code" if len(unshaped) == 1 else "have GB/T 2260 codes"
    return (f"Regions drawn as points at their capitals: {listed} {verb} with no shape in "
            "the shipped China boundaries, so no region is drawn as a boundary (none is "
            "left off the map).")


def points_map(run: RunTables, plan: str, lang: Lang, *, height: int = 560,
               title: str | None = None, unshaped: Sequence[str] = ()) -> go.Figure:
    """Map of one plan for a data set other than China's: the data set's own boundaries
    (``run.boundaries``) where it ships them, else regions as points.

    Each region of the run is a point at its ``latitude``/``longitude`` [deg]: recipients
    coloured by the share of their gap left uncovered at the peak (0..1), donors in blue; one
    line per pair with a hover marker at its midpoint (staff sent, distance), and one
    dashed line per patient-transfer pair when the run has
    ``transfers.csv``. With boundaries, each region is also drawn as a shape, recipients
    shaded like their point; without, no boundary of any country is drawn (a note says
    so). The note names the boundaries' source.

    Parameters
    ----------
    unshaped : sequence of str, optional
        Region codes whose GB/T 2260 codes have no shape in the shipped China boundaries
        (:attr:`MapChoice.unshaped`); the note names them as the reason for the points.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    tables = run.tables
    regions = tables["regions"]
    names = plot_names(region_names(regions))  # shown as typed in the figure (c0020)
    lat = dict(zip(regions["region_code"], regions["latitude"].astype(float), strict=True))
    lon = dict(zip(regions["region_code"], regions["longitude"].astype(float), strict=True))
    sent = staff_sent(run.plan_table(plan, "flows"))
    pairs = run.plan_table(plan, "pairs").merge(sent, on=["donor_code", "recipient_code"],
                                                how="left").fillna(NOTHING_SENT)
    severity = peak_severity(tables["gaps"], run.plan_table(plan, "shortfall"))
    sev = severity.set_index("region_code")
    fig = go.Figure()
    shapes = run.boundaries
    codes = [str(c) for c in regions["region_code"]]
    if shapes is not None:
        drawn = {str(f["properties"]["region_code"]) for f in shapes["features"]}
        rec = [c for c in codes if c in sev.index and c in drawn]
        other = [c for c in codes if c not in sev.index and c in drawn]
        fig.add_trace(go.Choropleth(
            geojson=shapes, featureidkey="properties.region_code", locations=other,
            z=[0] * len(other), colorscale=[[0, DONOR_FILL], [1, DONOR_FILL]],
            showscale=False, marker={"line": {"width": 0.5, "color": "#737373"}},
            text=[names[c] for c in other], hovertemplate="%{text}<extra></extra>"))
        fig.add_trace(go.Choropleth(
            geojson=shapes, featureidkey="properties.region_code", locations=rec,
            z=[round(_num(sev.at[c, "uncovered_share"]), 4) for c in rec], zmin=0, zmax=1,
            colorscale=SEVERITY_SCALE, showscale=False,
            marker={"line": {"width": 0.8, "color": "#404040"}},
            text=[names[c] for c in rec], hovertemplate="%{text}<extra></extra>"))
    top = max(float(pairs["staff"].max()), 1.0) if not pairs.empty else 1.0
    for p in pairs.itertuples(index=False):
        d, r = str(p.donor_code), str(p.recipient_code)
        width = LINE_WIDTH[0] + (LINE_WIDTH[1] - LINE_WIDTH[0]) * _num(p.staff) / top
        fig.add_trace(go.Scattergeo(
            lon=[lon[d], lon[r]], lat=[lat[d], lat[r]], mode="lines",
            line={"width": width, "color": "rgba(8,81,156,0.75)"}, hoverinfo="skip",
            showlegend=False, name=t("pairs_line", lang)))
    fig.add_trace(_pair_markers(pairs, lat, lon, names, lang))
    moves = tables.get("transfers")
    dashed = ""  # the map's note names the transfer lines only where some are drawn
    if plan == "pairaid" and moves is not None and not moves.empty:
        dashed = " Red dashed lines: ICU patient transfers."
        per_pair = moves.groupby(["donor_code", "recipient_code"], as_index=False)[
            "patients"].sum()
        for m in per_pair.itertuples(index=False):
            d, r = str(m.donor_code), str(m.recipient_code)
            if d in lon and r in lon:
                fig.add_trace(go.Scattergeo(
                    lon=[lon[r], lon[d]], lat=[lat[r], lat[d]], mode="lines",
                    line={"width": 1.5, "color": "rgba(203,24,29,0.8)", "dash": "dash"},
                    text=f"{names[r]} → {names[d]}: {_fmt(m.patients)} ICU patients",
                    hoverinfo="text", showlegend=False, name="ICU transfers"))
    rec = [c for c in codes if c in sev.index]
    other = [c for c in codes if c not in sev.index]
    fig.add_trace(go.Scattergeo(
        lon=[lon[c] for c in other], lat=[lat[c] for c in other], mode="markers+text",
        text=[names[c] for c in other], textposition="top center",
        textfont={"size": 9, "color": "#4d4d4d"},
        marker={"size": 7, "color": "#6baed6", "line": {"width": 0.5, "color": "#08306b"}},
        hovertemplate="%{text}<extra></extra>", name=t("donor", lang)))
    fig.add_trace(go.Scattergeo(
        lon=[lon[c] for c in rec], lat=[lat[c] for c in rec], mode="markers+text",
        text=[names[c] for c in rec], textposition="bottom center",
        marker={"size": 13, "color": [round(_num(sev.at[c, "uncovered_share"]), 4)
                                      for c in rec],
                "cmin": 0, "cmax": 1, "colorscale": SEVERITY_SCALE,
                "line": {"width": 0.8, "color": "#404040"},
                "colorbar": {"title": {"text": t("uncovered_share", lang)},
                             "tickformat": ".0%", "len": 0.3, "thickness": 10}},
        hovertemplate="%{text}<extra></extra>", name=t("recipient", lang)))
    lons, lats = list(lon.values()), list(lat.values())
    if shapes is not None:
        geo = {"visible": False, "projection_type": "mercator", "fitbounds": "geojson",
               "bgcolor": "rgba(0,0,0,0)"}
        note = (f"Boundaries: {shapes.get('source') or 'the data set (boundaries.geojson)'}."
                + dashed)
    else:
        west, east = longitude_window(lons)  # across 180° when the points are (c0017)
        geo = {"visible": False, "projection_type": "mercator", "bgcolor": "rgba(0,0,0,0)",
               "projection_rotation_lon": round((west + east) / 2, 6),
               "lonaxis_range": [west - PAD, east + PAD],
               "lataxis_range": [min(lats) - PAD, max(lats) + PAD]}
        note = (unshaped_note(unshaped, names) if unshaped else
                "Regions drawn as points at their capitals: no boundary file whose licence "
                "allows shipping is available for this data set (no other country's map is "
                "drawn).") + dashed
    fig.update_layout(
        geo=geo,
        title={"text": title or t("map_title", lang, plan=plan_label(plan, lang)),
               "font": {"size": 14}},
        annotations=[{"text": note,
                      "showarrow": False, "xref": "paper", "yref": "paper", "x": 0,
                      "y": 0, "xanchor": "left", "yanchor": "bottom",
                      "font": {"size": 10, "color": "#4d4d4d"}}],
        height=height, margin={"l": 0, "r": 0, "t": 40, "b": 0}, showlegend=False,
        hoverlabel={"align": "left"})
    return fig
