"""Report pieces of an evaluation (``pairaid evaluate --run``): the distribution of unmet
staff-days of every plan over the scenarios (empirical CDF), the summary and pairwise
tables, VSS and EVPI (pure: built from a read run)."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pairaid.report.i18n import LANGS, Lang, t
from pairaid.report.run import RunTables

REALISED = "realised"
"""``scenario`` label of the observed path (:data:`pairaid.evaluation.replay.REALISED`)."""


def has_evaluation(run: RunTables) -> bool:
    """Whether the run folder holds ``evaluation.csv`` with sampled scenarios."""
    table = run.tables.get("evaluation", pd.DataFrame())
    return not table.empty and bool((table["scenario"] != REALISED).any())


def ecdf_chart(run: RunTables, lang: Lang) -> go.Figure:
    """Empirical CDF of the unmet staff-days of every plan over the sampled scenarios
    (same total staff, flows optimised per scenario); the realised path as a marker.

    Returns
    -------
    plotly.graph_objects.Figure
        One step line per plan: x unmet staff-days [staff-days], y share of scenarios with
        at most that many [0-1].
    """
    table = run.tables["evaluation"]
    sampled = table[table["scenario"] != REALISED]
    real = table[table["scenario"] == REALISED].set_index("plan")["shortfall_staff_days"]
    fig = go.Figure()
    for plan, g in sampled.groupby("plan", sort=False):
        x = np.sort(g["shortfall_staff_days"].to_numpy(float))
        y = np.arange(1, x.size + 1) / x.size
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line={"shape": "hv"},
                                 name=str(plan), legendgroup=str(plan)))
        if plan in real.index:
            v = float(real[plan])
            fig.add_trace(go.Scatter(
                x=[v], y=[float((x <= v).mean())], mode="markers", legendgroup=str(plan),
                showlegend=False, marker={"symbol": "x", "size": 10},
                name=f"{plan} · {t('eval_realised', lang)}"))
    fig.update_layout(title=t("eval_title", lang), height=460,
                      xaxis_title=t("eval_x", lang), yaxis_title=t("eval_y", lang),
                      yaxis={"range": [0, 1.02], "tickformat": ".0%"},
                      margin={"l": 60, "r": 20, "t": 50, "b": 50})
    return fig


def _both(key: str) -> str:
    return "".join(f'<span class="i18n" lang="{lang}">{html.escape(t(key, lang))}</span>'
                   for lang in LANGS)


def _num(v: object, percent: bool = False) -> str:
    x = pd.to_numeric(pd.Series([v]), errors="coerce").iloc[0]
    if pd.isna(x):
        return "—"
    return f"{x:.0%}" if percent else f"{x:,.0f}"


def evaluation_section(run: RunTables) -> str:
    """HTML of the evaluation section (after the ECDF figure): the summary per plan, the
    pairwise table (share of scenarios in which the row's plan leaves fewer unmet
    staff-days than the column's) and VSS / EVPI when present."""
    summary = run.tables["evaluation_summary"]
    cols = [("shortfall_mean", False), ("shortfall_p10", False), ("shortfall_p50", False),
            ("shortfall_p90", False), ("shortfall_cvar90", False),
            ("gap_covered_share_mean", True), ("realised_shortfall_staff_days", False)]
    if "share_better_than_reference" in summary:
        cols += [("share_better_than_reference", True),
                 ("median_reduction_vs_reference", True)]
    head = "".join(f"<th>{_both('eval_' + c)}</th>" for c, _ in cols)
    rows = "".join(
        f"<tr><th>{html.escape(str(r['plan']))}</th>"
        + "".join(f"<td>{_num(r.get(c), p)}</td>" for c, p in cols) + "</tr>"
        for r in summary.to_dict("records"))
    out = (f'<p class="note">{_both("eval_note")}</p>'
           f"<table><tr><th>{_both('eval_plan')}</th>{head}</tr>{rows}</table>")
    pw = run.tables["evaluation_pairwise"]
    if not pw.empty:
        names = list(dict.fromkeys(pw["plan"]))
        share = pw.set_index(["plan", "other"])["share_better"]
        head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
        body = "".join(
            f"<tr><th>{html.escape(a)}</th>"
            + "".join("<td>—</td>" if a == b else f"<td>{_num(share.get((a, b)), True)}</td>"
                      for b in names) + "</tr>" for a in names)
        out += (f"<h3>{_both('eval_pairwise')}</h3>"
                f"<table><tr><th></th>{head}</tr>{body}</table>")
    vss = run.tables["evaluation_vss"]
    if not vss.empty:
        items = "".join(
            f"<li><b>{html.escape(str(r['measure']))}</b>: {_num(r['value'])} "
            f"{html.escape(str(r['unit']))} — {html.escape(str(r['note']))}</li>"
            for r in vss.to_dict("records"))
        out += f"<ul>{items}</ul>"
    return out
