"""Charts of a run (plotly figures; pure, no I/O): forecast fan charts, gap heat maps and
donor-burden bars."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pairaid.report.i18n import Lang, plan_label, t
from pairaid.report.maps import region_names
from pairaid.report.plottext import plot_names
from pairaid.report.run import RunTables
from pairaid.report.summary import donor_burden

FAN_COLS = 4
LOOKBACK_DAYS = 28  # observed days shown before the decision date [days]
BAND_COLOURS = {0.9: "rgba(33,113,181,0.18)", 0.5: "rgba(33,113,181,0.38)"}
PLAN_COLOURS = ("#08519c", "#d94801")  # pairaid, official


def local_names(regions: pd.DataFrame, lang: Lang) -> dict[str, str]:
    """Map ``region_code`` to its name in ``lang`` (``name_zh`` or ``name_en``; the
    English name where a region has no Chinese one), escaped for a plotly figure's text
    (:func:`pairaid.report.plottext.plot_text`: shown as typed, never as markup)."""
    col = "name_zh" if lang == "zh" else "name_en"
    names = regions[col].where(regions[col].notna(), regions["name_en"])
    return plot_names(dict(zip(regions["region_code"], names, strict=True)))


def decision_date(run: RunTables) -> pd.Timestamp:
    """The plan's decision date: ``decision_date`` of the configuration, else the day before
    the first forecast date."""
    value = run.config.get("decision_date")
    if isinstance(value, date | str):
        return pd.Timestamp(value)
    return pd.Timestamp(run.tables["forecast"]["date"].min()) - pd.Timedelta(days=1)


def recipients(run: RunTables) -> list[str]:
    """Recipient codes (those with gaps), in ``region_code`` order."""
    return sorted(str(c) for c in run.tables["gaps"]["region_code"].unique())


def _bands(quantiles: list[float]) -> list[tuple[float, float, float]]:
    """The central intervals to draw, ``(level, low q, high q)``, widest first.

    The 90 % and 50 % intervals when their quantiles (0.05/0.95, 0.25/0.75) exist; otherwise
    the widest and the narrowest central interval available (at most two, so the chart stays
    readable whatever the number of quantiles).
    """
    qs = {round(q, 6) for q in quantiles}
    out = sorted({(round(1 - 2 * q, 6), q, round(1 - q, 6)) for q in qs if q < 0.5
                  and round(1 - q, 6) in qs}, reverse=True)
    wanted = [b for b in out if b[0] in (0.9, 0.5)]
    if wanted:
        return wanted
    return out[:1] + out[-1:] if len(out) > 1 else out


def fan_chart(run: RunTables, target: str, lang: Lang) -> go.Figure:
    """Fan chart of the forecast of ``target`` for each recipient (one panel each).

    Parameters
    ----------
    run : RunTables
        Uses ``forecast`` (``region_code``, ``date``, ``target``, ``quantile``, ``value``
        [persons]), ``observed`` (``new_confirmed``, ``census`` [persons]) and ``regions``.
    target : {"new_confirmed", "census", "icu_census"}
        Forecast target (a column of ``observed`` of the same name).
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    plotly.graph_objects.Figure
        Median line, central intervals (90 % and 50 % when those quantiles exist), observed
        points up to the decision date (filled) and after it (hollow, when known), and a
        vertical line at the decision date.
    """
    codes = recipients(run)
    names = local_names(run.tables["regions"], lang)
    forecast = run.tables["forecast"]
    forecast = forecast[forecast["target"] == target]
    cut = decision_date(run)
    observed = run.tables["observed"]
    observed = observed[observed["date"].between(cut - pd.Timedelta(days=LOOKBACK_DAYS),
                                                 forecast["date"].max())]
    rows = max(1, math.ceil(len(codes) / FAN_COLS))
    fig = make_subplots(rows=rows, cols=FAN_COLS, subplot_titles=[names[c] for c in codes],
                        shared_xaxes=True, vertical_spacing=0.6 / rows / 2 + 0.03,
                        horizontal_spacing=0.05)
    bands = _bands(sorted(forecast["quantile"].unique().tolist()))
    shapes: list[dict[str, object]] = []
    traces: list[go.Scatter] = []
    for i, code in enumerate(codes):
        suffix = "" if i == 0 else str(i + 1)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        wide = (forecast[forecast["region_code"] == code]
                .pivot_table(index="date", columns="quantile", values="value"))
        wide.columns = [round(float(q), 6) for q in wide.columns]
        wide = wide.round(1)
        first = i == 0
        for level, lo, hi in bands:
            label = t("band90" if level == 0.9 else "band50", lang) if level in (0.9, 0.5) \
                else f"{level:.0%}"
            colour = BAND_COLOURS.get(level, "rgba(33,113,181,0.25)")
            traces.append(go.Scatter(x=wide.index, y=wide[hi], mode="lines",
                                     line={"width": 0}, hoverinfo="skip", showlegend=False,
                                     legendgroup=f"band{level}", **axes))
            traces.append(go.Scatter(x=wide.index, y=wide[lo], mode="lines",
                                     line={"width": 0}, fill="tonexty", fillcolor=colour,
                                     name=label, legendgroup=f"band{level}", showlegend=first,
                                     hovertemplate=f"{label}: %{{y:,.0f}}<extra></extra>",
                                     **axes))
        if 0.5 in wide.columns:
            traces.append(go.Scatter(x=wide.index, y=wide[0.5], mode="lines",
                                     line={"color": "#08306b", "width": 2},
                                     name=t("median", lang), legendgroup="median",
                                     showlegend=first, **axes))
        obs = observed[(observed["region_code"] == code)].dropna(subset=[target])
        for after, key, symbol in [(False, "observed_before", "circle"),
                                   (True, "observed_after", "circle-open")]:
            part = obs[(obs["date"] > cut) if after else (obs["date"] <= cut)]
            traces.append(go.Scatter(x=part["date"], y=part[target], mode="markers",
                                     marker={"size": 4, "color": "#252525", "symbol": symbol},
                                     name=t(key, lang), legendgroup=key, showlegend=first,
                                     **axes))
        shapes.append({"type": "line", "x0": cut, "x1": cut, "y0": 0, "y1": 1,
                       "xref": f"x{suffix}", "yref": f"y{suffix} domain",
                       "line": {"color": "#969696", "dash": "dot", "width": 1}})
    fig.add_traces(traces)
    fig.update_layout(
        shapes=shapes,
        title={"text": t(f"fan_title_{target}", lang), "font": {"size": 14}},
        height=140 + 200 * rows, margin={"l": 40, "r": 10, "t": 70, "b": 70},
        legend={"orientation": "h", "x": 0, "y": 0, "yref": "container",
                "yanchor": "bottom"},
        hovermode="x unified")
    fig.update_annotations(font_size=11)
    # ISO-style dates: the same in both languages (plotly.js ships English month names only)
    fig.update_xaxes(tickformat="%m-%d", hoverformat="%Y-%m-%d")
    return fig


def gap_heatmap(run: RunTables, resource: str, lang: Lang) -> go.Figure:
    """Heat map of the gap of ``resource`` by recipient (rows) and day (columns).

    Parameters
    ----------
    run : RunTables
        Uses ``gaps`` (``region_code``, ``date``, ``resource``, ``need``, ``available``,
        ``gap`` [beds or staff on the day], ``estimated``) and ``regions``.
    resource : str
        ``beds``, ``doctors``, ``nurses`` (any resource present in ``gaps``).
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    plotly.graph_objects.Figure
        One heat-map trace; hover shows both names, need, availability and the estimated
        flag.
    """
    gaps = run.tables["gaps"]
    gaps = gaps[gaps["resource"] == resource]
    names = local_names(run.tables["regions"], lang)
    both = plot_names(region_names(run.tables["regions"]))
    codes = sorted(gaps["region_code"].unique())
    dates = sorted(gaps["date"].unique())
    est = gaps["estimated"] if "estimated" in gaps else pd.Series(False, index=gaps.index)
    gaps = gaps.assign(estimated=est.fillna(False).astype(bool))

    def grid(column: str) -> pd.DataFrame:
        return gaps.pivot_table(index="region_code", columns="date", values=column,
                                aggfunc="first").reindex(index=codes, columns=dates)

    z = grid("gap").round(1)
    need, available = grid("need").round(1), grid("available").round(1)
    flag = grid("estimated").fillna(False).astype(bool)
    yes, no = t("yes", lang), t("no", lang)
    custom = [[[both[c], need.at[c, d], available.at[c, d], yes if flag.at[c, d] else no]
               for d in dates] for c in codes]
    unit = t("unit_beds" if "beds" in resource else "unit_staff", lang)
    label_need, label_available = t("need", lang), t("available_short", lang)
    fig = go.Figure(go.Heatmap(
        x=dates, y=[names[c] for c in codes], z=z.to_numpy(), customdata=custom,
        colorscale="Reds", zmin=0,
        # with no gap at all, zmax = 1 keeps zeros white instead of the top colour
        zmax=max(1.0, float(np.nanmax(z.to_numpy())) if z.size else 1.0),
        hovertemplate=(f"%{{customdata[0]}}<br>%{{x|%Y-%m-%d}}<br>{t('gap', lang)}: "
                       f"%{{z:,.0f}}<br>{label_need}: %{{customdata[1]:,.0f}}<br>"
                       f"{label_available}: %{{customdata[2]:,.0f}}<br>"
                       f"{t('estimated', lang)}: %{{customdata[3]}}<extra></extra>"),
        colorbar={"title": {"text": unit}, "thickness": 12}))
    fig.update_layout(
        title={"text": t("heat_title", lang, resource=t(resource, lang), unit=unit),
               "font": {"size": 14}},
        height=120 + 24 * max(len(codes), 4), margin={"l": 10, "r": 10, "t": 50, "b": 30},
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"tickformat": "%m-%d"})
    return fig


def burden_bars(run: RunTables, lang: Lang) -> go.Figure:
    """Bars of donor burden (staff sent / capacity) for each plan in the run.

    Parameters
    ----------
    run : RunTables
        Uses ``donor_capacities``, ``regions`` and each plan's ``flows``.
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    plotly.graph_objects.Figure
        Grouped bars, one group per donor, one bar per plan; hover shows staff sent and
        capacity [staff].
    """
    names = local_names(run.tables["regions"], lang)
    fig = go.Figure()
    for plan, colour in zip(run.plans, PLAN_COLOURS, strict=False):
        if not run.has_plan(plan):
            continue
        b = donor_burden(run.plan_table(plan, "flows"), run.tables["donor_capacities"])
        fig.add_trace(go.Bar(
            x=[names.get(c, c) for c in b["donor_code"]], y=b["burden"],
            name=plan_label(plan, lang), marker_color=colour,
            customdata=b[["sent", "capacity"]].to_numpy(),
            hovertemplate=(f"%{{x}}<br>{t('burden', lang)}: %{{y:.0%}}<br>"
                           f"{t('staff_sent', lang)}: %{{customdata[0]:,.0f}}<br>"
                           f"{t('capacity', lang)}: %{{customdata[1]:,.0f}}<extra></extra>")))
    fig.update_layout(
        title={"text": t("burden_title", lang), "font": {"size": 14}}, barmode="group",
        height=380, margin={"l": 50, "r": 10, "t": 50, "b": 80},
        yaxis={"tickformat": ".0%", "title": {"text": t("burden", lang)}},
        xaxis={"categoryorder": "max descending"},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom"})
    return fig
