"""Report pieces of a dispatch schedule (``pairaid plan --dispatch``): a Gantt chart of the
batches, staff on site against the need per recipient, and the summary table (pure: the
figures and HTML are built from a read run; no I/O but :func:`read_dispatch_summary`).
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pairaid.report.charts import local_names
from pairaid.report.i18n import LANGS, Lang, t
from pairaid.report.run import RunTables

SCHEDULE_DATES = ("depart", "arrive", "tour_end", "quarantine_end")
"""Date columns of ``schedule.csv``."""


MEASURES = ("unmet_staff_days", "gap_staff_days", "teams", "batches", "staff_sent",
            "travel_staff_days", "status", "mip_gap", "solve_seconds")
"""Rows of the dispatch summary table, from ``dispatch.json``."""

PHASES = (("travel", "#9ecae1"), ("tour", "#08519c"), ("quarantine", "#fdae6b"))
"""Segments of a batch's bar and their colours."""


def batches(schedule: pd.DataFrame) -> pd.DataFrame:
    """Teams grouped into batches (a donor's departures to one recipient on one day).

    Returns
    -------
    pandas.DataFrame
        ``donor_code``, ``recipient_code``, ``depart``, ``arrive``, ``tour_end``,
        ``quarantine_end`` (the latest of the batch's teams), ``teams``, ``doctors``,
        ``nurses`` [persons], sorted by donor, departure and recipient.
    """
    if schedule.empty:
        return pd.DataFrame(columns=["donor_code", "recipient_code", *SCHEDULE_DATES,
                                     "teams", "doctors", "nurses"])
    g = schedule.groupby(["donor_code", "recipient_code", "depart"], as_index=False)
    out = g.agg(arrive=("arrive", "min"), tour_end=("tour_end", "max"),
                quarantine_end=("quarantine_end", "max"), teams=("team_id", "size"),
                doctors=("doctors", "sum"), nurses=("nurses", "sum"))
    return out.sort_values(["donor_code", "depart", "recipient_code"]).reset_index(drop=True)


def gantt_chart(run: RunTables, lang: Lang) -> go.Figure:
    """Gantt chart of the schedule: one row per batch, bars for travel, tour (to the end of
    the batch's last tour) and quarantine.

    Parameters
    ----------
    run : RunTables
        Uses ``schedule`` and ``regions``.
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars on a date axis; hover gives the batch's teams and staff.
    """
    names = local_names(run.tables["regions"], lang)
    b = batches(run.tables["schedule"])
    labels = [f"{names.get(d, d)} → {names.get(r, r)} · {pd.Timestamp(dep):%m-%d}"
              for d, r, dep in zip(b["donor_code"], b["recipient_code"], b["depart"],
                                   strict=True)]
    fig = go.Figure()
    day_ms = 86_400_000
    starts = {"travel": "depart", "tour": "arrive", "quarantine": "tour_end"}
    ends = {"travel": "arrive", "tour": "tour_end", "quarantine": "quarantine_end"}
    for phase, colour in PHASES:
        start = pd.to_datetime(b[starts[phase]])
        end = pd.to_datetime(b[ends[phase]])
        length = (end - start).dt.days
        custom = list(zip(b["teams"], b["doctors"], b["nurses"],
                          end.dt.strftime("%Y-%m-%d"), length, strict=True))
        label = t(f"phase_{phase}", lang)
        fig.add_trace(go.Bar(
            y=labels, x=(length * day_ms).tolist(), base=start.dt.strftime("%Y-%m-%d"),
            orientation="h", name=label, marker_color=colour, customdata=custom,
            hovertemplate=(f"%{{y}}<br>{label}: %{{base|%Y-%m-%d}} … %{{customdata[3]}} "
                           f"(%{{customdata[4]}} {t('days', lang)})<br>{t('teams', lang)}: "
                           f"%{{customdata[0]}} · {t('doctors', lang)} %{{customdata[1]}} · "
                           f"{t('nurses', lang)} %{{customdata[2]}}<extra></extra>")))
    fig.update_layout(
        title={"text": t("gantt_title", lang), "font": {"size": 14}}, barmode="overlay",
        height=140 + 18 * max(len(labels), 4), margin={"l": 10, "r": 10, "t": 50, "b": 30},
        yaxis={"autorange": "reversed", "automargin": True, "type": "category"},
        xaxis={"type": "date", "tickformat": "%m-%d", "hoverformat": "%Y-%m-%d"},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom"})
    return fig


def on_site_chart(run: RunTables, lang: Lang) -> go.Figure:
    """Staff on site against the need from outside, one panel per recipient with a need.

    Parameters
    ----------
    run : RunTables
        Uses ``on_site`` (``recipient_code``, ``resource``, ``date``, ``gap``,
        ``on_site``, ``shortfall`` [staff on the day]) and ``regions``.
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    plotly.graph_objects.Figure
        Per panel: the need (doctors + nurses, grey area) and staff on site by cadre
        (stacked lines: the nurses' line is the total on site); hover gives the unmet
        need.
    """
    names = local_names(run.tables["regions"], lang)
    o = run.tables["on_site"]
    total = o.groupby(["recipient_code", "date"], as_index=False)[
        ["gap", "on_site", "shortfall"]].sum()
    codes = sorted(str(c) for c, g in total.groupby("recipient_code")
                   if (g["gap"] > 0).any() or (g["on_site"] > 0).any())
    cols = 4
    rows = max(1, math.ceil(len(codes) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[names.get(c, c) for c in codes],
                        shared_xaxes=True, vertical_spacing=0.22 / rows + 0.04,
                        horizontal_spacing=0.05)
    for i, code in enumerate(codes):
        r, c = i // cols + 1, i % cols + 1
        g = total[total["recipient_code"] == code]
        fig.add_trace(go.Scatter(
            x=g["date"], y=g["gap"], mode="lines", line={"color": "#969696", "width": 0},
            fill="tozeroy", fillcolor="rgba(150,150,150,0.35)", name=t("need_outside", lang),
            legendgroup="need", showlegend=i == 0, customdata=g["shortfall"],
            hovertemplate=(f"%{{x|%Y-%m-%d}}<br>{t('need_outside', lang)}: %{{y:,.0f}}<br>"
                           f"{t('unmet', lang)}: %{{customdata:,.0f}}<extra></extra>")),
            row=r, col=c)
        for res, colour in (("doctors", "#d94801"), ("nurses", "#08519c")):
            h = o[(o["recipient_code"] == code) & (o["resource"] == res)]
            fig.add_trace(go.Scatter(
                x=h["date"], y=h["on_site"], mode="lines", stackgroup=f"s{i}",
                fill="none", line={"color": colour, "width": 2},
                name=t(f"on_site_{res}", lang),
                legendgroup=res, showlegend=i == 0,
                hovertemplate=(f"%{{x|%Y-%m-%d}}<br>{t(f'on_site_{res}', lang)}: "
                               "%{y:,.0f}<extra></extra>")), row=r, col=c)
    fig.update_layout(
        title={"text": t("on_site_title", lang), "font": {"size": 14}},
        height=150 + 210 * rows, margin={"l": 40, "r": 10, "t": 80, "b": 60},
        legend={"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom",
                "x": 0.0})
    fig.update_annotations(font_size=11)
    fig.update_xaxes(tickformat="%m-%d", hoverformat="%Y-%m-%d")
    return fig


def _both(key: str, **fields: object) -> str:
    return "".join(f'<span class="i18n" lang="{lang}">{html.escape(t(key, lang, **fields))}'
                   "</span>" for lang in LANGS)


def _value(name: str, value: Any) -> str:
    if value is None:
        return "<td>—</td>"
    if name == "mip_gap" and isinstance(value, int | float):
        return f'<td class="num">{value:.2%}</td>'
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            return "<td>—</td>"
        return f'<td class="num">{value:,.2f}</td>' if name == "solve_seconds" else \
            f'<td class="num">{value:,.0f}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def dispatch_section(summary: dict[str, dict[str, Any]]) -> str:
    """HTML of the dispatch section's table and notes (the charts are separate divs)."""
    plans = [p for p in ("pairaid", "official") if p in summary]
    head = "".join(f"<th>{_both('pairaid' if p == 'pairaid' else 'official_plain')}</th>"
                   for p in plans)
    rows = "".join(f"<tr><th>{_both('d_' + k)}</th>"
                   + "".join(_value(k, summary[p].get(k)) for p in plans) + "</tr>"
                   for k in MEASURES)
    return (f"<table><tr><th>{_both('metric')}</th>{head}</tr>{rows}</table>"
            f'<p class="note">{_both("dispatch_note")}</p>')
