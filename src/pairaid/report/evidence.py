"""Report figures of the staffing model's evidence: the check against the staff deployed in
2020 (``needs_check.csv``) and the one-at-a-time sensitivity (``sensitivity.csv``)."""

from __future__ import annotations

import plotly.graph_objects as go

from pairaid.report.charts import local_names
from pairaid.report.i18n import Lang, t
from pairaid.report.run import RunTables


def needs_check_bars(run: RunTables, lang: Lang) -> go.Figure:
    """Per recipient: the model's external staff need at the peak of the observed census
    next to the staff deployed (``needs_check.csv``).

    Parameters
    ----------
    run : RunTables
        Uses ``needs_check`` and ``regions``.
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    plotly.graph_objects.Figure
        Grouped bars [staff]: model gap, deployed, and (light) the need before local staff.
    """
    table = run.tables["needs_check"].sort_values("need_staff", ascending=False)
    names = local_names(run.tables["regions"], lang)
    x = [names.get(c, c) for c in table["recipient_code"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=table["need_staff"], name=t("check_need", lang),
                         marker_color="#c7d7e8"))
    fig.add_trace(go.Bar(x=x, y=table["model_gap_staff"], name=t("check_gap", lang),
                         marker_color="#1f4e79"))
    fig.add_trace(go.Bar(x=x, y=table["deployed_staff"], name=t("check_deployed", lang),
                         marker_color="#c0504d"))
    fig.update_layout(
        title={"text": t("check_title", lang), "font": {"size": 14}}, barmode="group",
        height=420, margin={"l": 60, "r": 10, "t": 50, "b": 90},
        yaxis={"title": {"text": t("staff_unit", lang)}, "separatethousands": True},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom"})
    return fig


def tornado(run: RunTables, lang: Lang) -> go.Figure:
    """Tornado chart of ``sensitivity.csv``: the change of the total staff gap when each
    parameter is set to its low and its high value, largest swing on top.

    Parameters
    ----------
    run : RunTables
        Uses ``sensitivity``.
    lang : {"zh", "en"}
        Language of the labels.

    Returns
    -------
    plotly.graph_objects.Figure
        Horizontal bars [fraction of the base gap], one row per parameter.
    """
    table = run.tables["sensitivity"]
    table = table[table["end"].isin(["low", "high"])]
    order = list(dict.fromkeys(table["parameter"]))[::-1]  # largest swing at the top
    fig = go.Figure()
    for end, colour in (("low", "#4f81bd"), ("high", "#c0504d")):
        part = table[table["end"] == end].set_index("parameter").reindex(order)
        fig.add_trace(go.Bar(
            y=order, x=part["gap_change_share"], orientation="h",
            name=t(f"tornado_{end}", lang), marker_color=colour,
            customdata=part[["value", "gap_staff_days"]].to_numpy(),
            hovertemplate=("%{y} = %{customdata[0]:g}<br>"
                           f"{t('tornado_axis', lang)}: %{{x:+.0%}}<br>"
                           f"{t('gap_staff_days', lang)}: %{{customdata[1]:,.0f}}"
                           "<extra></extra>")))
    fig.update_layout(
        title={"text": t("tornado_title", lang), "font": {"size": 14}}, barmode="overlay",
        height=max(300, 40 * len(order) + 120), margin={"l": 180, "r": 20, "t": 50, "b": 50},
        xaxis={"tickformat": "+.0%", "title": {"text": t("tornado_axis", lang)}},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom"})
    return fig
