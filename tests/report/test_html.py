"""The HTML report as a document: offline, every figure and label in both languages."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from pairaid.errors import ConfigError, InputError
from pairaid.report.boundaries import load_boundaries
from pairaid.report.html import GEO_KEYS, PLOTLY_FILE, build_figures, report_html
from pairaid.report.i18n import LABELS, LANGS, t
from pairaid.report.run import read_run

FIGURES = {"map-pairaid", "fan-new_confirmed", "fan-census", "heat-beds", "heat-doctors",
           "heat-nurses", "burden", "cmp-pairaid", "cmp-official"}


@pytest.fixture(scope="module")
def page(module_run_dir: Path) -> str:
    return report_html(module_run_dir).read_text(encoding="utf-8")


def test_offline_with_the_shared_plotly_file(page: str, module_run_dir: Path) -> None:
    # one reference to a file: plotly.min.js beside the page (relative, no network)
    assert re.findall(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=\"([^\"]*)\"", page) \
        == [PLOTLY_FILE]
    assert not re.search(r"url\(\s*['\"]?https?:", page)
    assert not re.search(r"plotly\.js v\d+\.\d+\.\d+", page)  # not embedded
    bundle = (module_run_dir / PLOTLY_FILE).read_text(encoding="utf-8")
    assert len(re.findall(r"plotly\.js v\d+\.\d+\.\d+", bundle)) == 1
    # the base map plotly.js would download is pre-registered as empty
    assert "topojson.world_110m" in page


def test_self_contained_page_embeds_plotly_once(module_run_dir: Path, tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(module_run_dir, run)
    (run / PLOTLY_FILE).unlink()
    page = report_html(run, embed_plotly=True).read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    assert len(re.findall(r"plotly\.js v\d+\.\d+\.\d+", page)) == 1
    assert not (run / PLOTLY_FILE).exists()  # nothing beside it


def test_plotly_file_is_written_once_and_repaired(module_run_dir: Path, tmp_path: Path
                                                  ) -> None:
    run = tmp_path / "run"
    shutil.copytree(module_run_dir, run)
    bundle = run / PLOTLY_FILE
    good = bundle.read_bytes()
    os.utime(bundle, ns=(1_000_000_000, 1_000_000_000))
    report_html(run)
    assert bundle.stat().st_mtime_ns == 1_000_000_000  # the same bytes: left alone
    bundle.write_bytes(good[:-10])  # a truncated copy is replaced
    report_html(run)
    assert bundle.read_bytes() == good


def test_every_figure_has_a_container_and_both_languages(module_run_dir: Path) -> None:
    run = read_run(module_run_dir)
    figures = build_figures(run, load_boundaries())
    assert set(figures) == FIGURES
    for fid, by_lang in figures.items():
        assert set(by_lang) == set(LANGS)
        titles = {lang: by_lang[lang]["layout"]["title"]["text"] for lang in LANGS}
        assert titles["zh"] != titles["en"], fid
    # maps reference the embedded boundaries instead of repeating them
    geo = [tr["geojson"] for tr in figures["map-pairaid"]["en"]["data"] if "geojson" in tr]
    assert geo and set(geo) <= set(GEO_KEYS.values())


def test_page_holds_figures_labels_and_tables(page: str, module_run_dir: Path) -> None:
    for fid in FIGURES:
        assert f'<div id="{fid}" class="figure">' in page
    for key in ("sec_map", "sec_compare", "sec_config", "sec_sources", "sec_solver"):
        for lang in LANGS:
            assert f'<span class="i18n" lang="{lang}">{t(key, lang)}</span>' in page
    metrics = json.loads((module_run_dir / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["sources"][0] in page
    assert "25.95%" in page  # gap_covered_share of the pairaid plan, as a percentage
    assert "MIT License" in page  # licence notice of the embedded boundaries
    # changes.csv (re-planning): every dropped and added pair with its reason
    assert 'id="sec-changes"' in page
    assert "withdrawn: another pairing serves the cities better" in page


def test_every_label_has_both_languages() -> None:
    for key, (zh, en) in LABELS.items():
        assert zh and en and zh != en, key
        assert re.findall(r"\{\w+\}", zh) == re.findall(r"\{\w+\}", en), key


def test_initial_language(run_dir: Path) -> None:
    page = report_html(run_dir, lang="zh").read_text(encoding="utf-8")
    assert '<html lang="zh-CN" data-lang="zh">' in page
    with pytest.raises(ConfigError, match="lang"):
        report_html(run_dir, lang="fr")


def test_bad_run_folder_is_an_input_error(run_dir: Path) -> None:
    (run_dir / "gaps.csv").unlink()
    with pytest.raises(InputError, match="gaps.csv: required file is missing"):
        report_html(run_dir)


def test_run_without_official_pairing(run_dir: Path) -> None:
    for name in ("official_pairs", "official_flows", "official_shortfall"):
        (run_dir / f"{name}.csv").unlink()
    run = read_run(run_dir)
    assert not {"cmp-pairaid", "cmp-official"} & set(build_figures(run, load_boundaries()))
    page = report_html(run_dir).read_text(encoding="utf-8")
    assert t("no_official", "en") in page and 'id="cmp-official"' not in page
    # the navigation and the heading name what the section holds (Italy 2020 had no
    # official pairing): the plan's figures, not a comparison that is not there
    nav = page.split("<nav>", 1)[1].split("</nav>", 1)[0]
    for lang in LANGS:
        assert t("sec_plan", lang) in nav and t("sec_compare", lang) not in page
    assert 'href="#sec-plan"' in nav and 'id="sec-plan"' in page


def test_other_official_round(run_dir: Path) -> None:
    """The historical round is read from metrics.json, not assumed to be 2020-02-10."""
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    metrics["official_2020_02_07"] = metrics.pop("official_2020_02_10")
    (run_dir / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    run = read_run(run_dir)
    assert run.plans == ["pairaid", "official_2020_02_07"]
    figures = build_figures(run, load_boundaries())
    assert figures["cmp-official"]["en"]["layout"]["title"]["text"] == \
        "Official pairs (2020-02-07), modelled flows"
    assert figures["cmp-official"]["zh"]["layout"]["title"]["text"] == \
        "官方配对（2020-02-07），模型流量"


def test_explanations_are_shown_when_the_run_has_them(page: str, run_dir: Path) -> None:
    """`pairaid plan --explain` tables (hand-made in the fixture) appear in both languages;
    a run without them has no such section."""
    section = page.split('<section id="sec-explain">')[1].split("</section>")[0]
    for key in ("explain_forbid", "explain_stable"):
        for lang in LANGS:
            assert t(key, lang) in section
    assert t("explain_marginal", "en", team="30 doctors, 100 nurses") in section
    assert t("explain_marginal", "zh", team="医生 30 人、护士 100 人") in section
    # Guangdong -> Xiaogan: forbidding it costs 4.25 and 120 staff-days of shortfall
    row = section.split('lang="en">Guangdong</span>')[1].split("</tr>")[0]
    assert '<td class="num">4.25</td><td class="num">120</td>' in row
    # the infeasible re-solve (cost inf in the CSV) shows its reason and dashes, not "inf"
    hunan = section.split('lang="en">Hunan</span>')[1].split("</tr>")[0]
    assert hunan.count("<td>—</td>") == 2 and "fewer candidate donors" in hunan
    assert "inf<" not in section
    # Suizhou's one-more-team value is a travel saving only; Xiaogan's lowers the shortfall
    suizhou = section.split(t("explain_marginal", "en", team="30 doctors, 100 nurses"))[1]
    suizhou = suizhou.split('lang="en">Suizhou</span>')[1].split("</tr>")[0]
    assert t("travel_only", "en") in suizhou
    xiaogan = section.split(t("explain_marginal", "en", team="30 doctors, 100 nurses"))[1]
    xiaogan = xiaogan.split('lang="en">Xiaogan</span>')[1].split("</tr>")[0]
    assert t("travel_only", "en") not in xiaogan and "-150" in xiaogan
    assert t("explain_blocking", "en", n=1) in section
    folded = section.split("<details><summary>")[1].split("</details>")[0]
    assert 'lang="en">Jiangsu</span>' in folded and 'lang="en">Xiaogan</span>' in folded
    for name in ("explain_forbid_costs.csv", "explain_marginal_values.csv",
                 "explain_stability.json"):
        (run_dir / name).unlink()
    plain = report_html(run_dir).read_text(encoding="utf-8")
    assert 'id="sec-explain"' not in plain


def test_sources_markdown_tables_render_as_tables(run_dir: Path) -> None:
    """SOURCES.md tables in metrics.json become HTML tables (header, inline code), not
    bullets of raw '| a | b |' rows; raw HTML in them stays text."""
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    metrics["sources"] = ["data set x (folder)", "| id | source | used for |",
                          "| S1 | GitHub `a/b` <b>bold</b> | daily counts |", "",
                          "| code | division |", "| 420100 | Wuhan |"]
    (run_dir / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    page = report_html(run_dir).read_text(encoding="utf-8")
    section = page.split('<section id="sec-sources">')[1].split("</section>")[0]
    assert section.count("<table>") == 2
    assert "<th>id</th>" in section and "<th>division</th>" in section
    assert "<code>a/b</code>" in section and "&lt;b&gt;bold&lt;/b&gt;" in section
    assert "| S1 |" not in section and "<li>| " not in section
    assert "<p>data set x (folder)</p>" in section


def test_pairing_map_labels_donors_and_recipients(module_run_dir: Path) -> None:
    run = read_run(module_run_dir)
    data = build_figures(run, load_boundaries())["map-pairaid"]["en"]["data"]
    regions = run.tables["regions"].set_index("region_code")["name_en"]
    recipients = {str(regions[c]) for c in run.tables["gaps"]["region_code"].unique()}
    labels = [tr for tr in data if tr.get("mode") == "text" and tr.get("geo") == "geo2"]
    def english(texts: list[str]) -> set[str]:  # labels read '鄂州市 / Ezhou'
        return {str(x).split(" / ")[-1] for x in texts}

    assert labels and english(labels[0]["text"]) == recipients
    donors = [tr for tr in data if tr.get("mode") == "markers+text"]
    pairaid_donors = {str(regions[c]) for c in run.tables["pairs"]["donor_code"]}
    assert donors and english(donors[0]["text"]) == pairaid_donors


def test_a_missing_figure_shows_a_dash_not_none() -> None:
    """metrics.json writes NaN and infinite figures as null; the report shows them as "—",
    as it did for NaN, not as the word "None"."""
    from pairaid.report.html import _cell

    assert _cell(None) == _cell(None, percent=True) == _cell(float("nan")) == "<td>—</td>"
    assert _cell(float("inf"), percent=True) == "<td>—</td>"
    assert _cell(0.25, percent=True) == '<td class="num">25.00%</td>'
    assert _cell(True) == "<td>True</td>"


def _table_rows(page: str, table_id: str) -> list[list[str]]:
    """Rows of the page's table ``table_id`` as English cell texts (html5lib, as browsers
    parse; the Chinese spans left out)."""
    import html5lib

    doc = html5lib.parse(page, namespaceHTMLElements=False)
    table = next(t for t in doc.iter("table") if t.get("id") == table_id)

    def text(el: Any, tail: bool = False) -> str:
        inner = "" if el.tag == "span" and el.get("lang") == "zh" else (
            (el.text or "") + "".join(text(c, True) for c in el))
        return inner + ((el.tail or "") if tail else "")

    return [[text(c).strip() for c in row if c.tag in ("td", "th")]
            for row in table.iter("tr")]


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def test_pairs_table_totals_equal_the_flows(run_dir: Path) -> None:
    """Who sends what to whom: each row, each donor's subtotal and the grand total equal
    flows.csv's sums computed here; a donor of two recipients gets a subtotal row."""
    import pandas as pd

    # a second recipient for Guangdong (CN-GD -> 421100): 7 doctors, 13 nurses
    with (run_dir / "pairs.csv").open("a", encoding="utf-8") as f:
        f.write("CN-GD,421100,712.4\n")
    with (run_dir / "flows.csv").open("a", encoding="utf-8") as f:
        f.write("CN-GD,421100,doctors,7\nCN-GD,421100,nurses,13\n")
    page = report_html(run_dir).read_text(encoding="utf-8")
    rows = _table_rows(page, "pairs-table")
    assert rows[0] == ["Donor", "Recipient", "Distance [km]", "Doctors", "Nurses",
                       "Staff sent [persons]"]
    flows = pd.read_csv(run_dir / "flows.csv", dtype={"recipient_code": str})
    names = pd.read_csv(run_dir / "regions.csv", dtype={"region_code": str}
                        ).set_index("region_code")["name_en"]
    per_pair = flows.pivot_table(index=["donor_code", "recipient_code"], columns="resource",
                                 values="quantity", aggfunc="sum", fill_value=0)
    pair_rows = [r for r in rows[1:] if len(r) == 6]
    assert len(pair_rows) == len(per_pair)
    for donor, recipient, _km, doctors, nurses, sent in pair_rows:
        code = (names[names == donor].index[0], names[names == recipient].index[0])
        want = per_pair.loc[code]
        assert (_number(doctors), _number(nurses), _number(sent)) == (
            want["doctors"], want["nurses"], want["doctors"] + want["nurses"])
    assert ["Subtotal Guangdong", "127", "373", "500"] in rows  # 120 + 7, 360 + 13
    by_resource = flows.groupby("resource")["quantity"].sum()
    assert rows[-1] == ["Grand total", f"{by_resource['doctors']:,.0f}",
                        f"{by_resource['nurses']:,.0f}", f"{flows['quantity'].sum():,.0f}"]


def test_pairs_table_shows_other_resources_and_unknown_distance(run_dir: Path) -> None:
    """A resource besides staff gets its own column, and a flow without a pairs.csv row
    shows its distance as a dash; the grand total still sums every flow."""
    with (run_dir / "flows.csv").open("a", encoding="utf-8") as f:
        f.write("CN-SD,420700,masks,1000\n")
    page = report_html(run_dir).read_text(encoding="utf-8")
    rows = _table_rows(page, "pairs-table")
    assert rows[0][-2:] == ["masks", "Staff sent [persons]"]
    assert ["Shandong", "Ezhou", "—", "0", "0", "1,000", "1,000"] in rows
    assert rows[-1][-2] == "1,000"


def test_real_report_shows_the_console_figures(real_run_dir: Path, real_report: Path) -> None:
    """The comparison rows hold metrics.json's figures (the console's source): staff sent,
    pairs, donors used, mean distance; the pairs table's grand total is staff sent, team
    doctors included (the built-in plan sends doctors: team_doctors_per_nurse)."""
    import pandas as pd

    page = real_report.read_text(encoding="utf-8")
    metrics = json.loads((real_run_dir / "metrics.json").read_text(encoding="utf-8"))
    plans = ["pairaid", "official_2020_02_10"]
    compare = {r[0]: r[1:] for r in _table_rows(page, "compare-table")}
    assert compare["Staff sent [persons]"] == [f"{metrics[p]['staff_sent']:,.0f}"
                                               for p in plans]
    assert compare["Pairs"] == [str(metrics[p]["pairs"]) for p in plans]
    assert compare["Donors used"] == [str(metrics[p]["donors_used"]) for p in plans]
    assert [_number(v) for v in compare["Mean distance [km]"]] == pytest.approx(
        [metrics[p]["mean_distance_km"] for p in plans], abs=0.01)
    flows = pd.read_csv(real_run_dir / "flows.csv")
    doctors = flows.loc[flows["resource"] == "doctors", "quantity"].sum()
    assert doctors > 0
    total = _table_rows(page, "pairs-table")[-1]
    assert _number(total[-1]) == flows["quantity"].sum() == metrics["pairaid"]["staff_sent"]
    assert _number(total[1]) == doctors
