"""The workbook read back with openpyxl equals the CSV tables read with pandas."""

from __future__ import annotations

import json
import math
import zipfile
from datetime import datetime
from pathlib import Path
from xml.dom import minidom

import openpyxl
import pandas as pd
import pytest

from pairaid.report.xlsx import SHEETS, column_name, report_xlsx


@pytest.fixture(scope="module")
def workbook(module_run_dir: Path) -> tuple[Path, openpyxl.Workbook]:
    path = report_xlsx(module_run_dir)
    return module_run_dir, openpyxl.load_workbook(path)


def _same(cell: object, csv_value: object) -> bool:
    if csv_value is None or (isinstance(csv_value, float) and math.isnan(csv_value)):
        return cell is None
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d") == csv_value
    if isinstance(csv_value, bool):
        return cell is csv_value
    if isinstance(csv_value, int | float) and isinstance(cell, int | float):
        return float(cell) == float(csv_value)  # exact: no tolerance
    return cell == csv_value


def test_every_table_matches_its_csv(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    run_dir, wb = workbook
    for sheet, stem in SHEETS:
        if not (run_dir / f"{stem}.csv").exists():  # the schedule's, only with --dispatch
            assert sheet not in wb.sheetnames
            continue
        # independent reading: the CSV text, numbers and booleans parsed by pandas
        csv = pd.read_csv(run_dir / f"{stem}.csv", dtype=str, keep_default_na=False)
        ws = wb[sheet]
        rows = list(ws.iter_rows(values_only=True))
        assert [column_name(h) for h in rows[0]] == list(csv.columns), sheet
        assert len(rows) - 1 == len(csv), sheet
        for r, (row, (_, expected)) in enumerate(zip(rows[1:], csv.iterrows(),
                                                     strict=True), start=2):
            for cell, (col, text) in zip(row, expected.items(), strict=True):
                if text == "":
                    want: object = None
                elif text in ("True", "False"):
                    want = text == "True"
                elif col.endswith("code") or col in ("resource", "target", "level") or \
                        col.startswith("name") or col == "date":
                    want = text
                else:
                    try:
                        want = float(text)
                        if math.isinf(want):  # no infinity in a spreadsheet: kept as text
                            want = text
                    except ValueError:
                        want = text
                assert _same(cell, want), f"{sheet} line {r} {col}: {cell!r} != {text!r}"


def test_codes_stay_text_and_dates_are_dates(
        workbook: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = workbook
    ws = wb["gaps"]
    assert ws["A2"].value == "420900" and ws["A2"].data_type == "s"
    assert isinstance(ws["B2"].value, datetime)
    assert ws["B2"].number_format == "yyyy-mm-dd"


def test_headers_units_frozen_widths(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    _, wb = workbook
    headers = [c.value for c in wb["pairs"][1]]
    assert "distance_km [km]" in headers
    assert "quantity [staff]" in [c.value for c in wb["flows"][1]]
    assert "value [persons]" in [c.value for c in wb["forecast"][1]]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws["A1"].font.b, ws.title
        widths = [ws.column_dimensions[c].width for c in "AB"]
        assert all(w and 4 <= w <= 45 for w in widths), (ws.title, widths)
    # the name column fits the longest Chinese name (2 width units per character)
    regions = wb["regions"]
    col = [c.value for c in regions[1]].index("name_zh") + 1
    letter = openpyxl.utils.get_column_letter(col)
    longest = max(len(str(c.value)) for c in regions[letter][1:])
    assert regions.column_dimensions[letter].width >= 2 * longest


def test_metrics_and_configuration_sheets(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    run_dir, wb = workbook
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    rows = {r[0]: r[1:] for r in wb["metrics"].iter_rows(min_row=2, values_only=True)}
    assert [c.value for c in wb["metrics"][1]] == [
        "metric", "pairaid", "Official pairs (2020-02-10), modelled flows"]
    assert rows["shortfall_staff_days [staff-days]"] == (
        metrics["pairaid"]["shortfall_staff_days"],
        metrics["official_2020_02_10"]["shortfall_staff_days"])
    assert rows["status"] == ("optimal", "fixed")
    config = dict(wb["configuration"].iter_rows(min_row=2, values_only=True))
    assert config["horizon_days"] == 14 and config["decision_date"] == datetime(2020, 2, 10)
    assert json.loads(config["recipients"]) == ["420900", "421100", "421300", "420700"]


def test_package_is_well_formed(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    """LibreOffice is not required here; check the OOXML parts are well-formed XML."""
    run_dir, _ = workbook
    with zipfile.ZipFile(run_dir / "plan.xlsx") as z:
        assert z.testzip() is None
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                minidom.parseString(z.read(name))


def test_code_columns_stay_text_with_their_leading_zeros(run_dir: Path) -> None:
    # Italy's regions.csv carries the ISTAT code 01 (Piedmont); a number would show 1
    regions = run_dir / "regions.csv"
    df = pd.read_csv(regions, dtype=str, keep_default_na=False)
    df["national_code"] = [f"{i:02d}" for i in range(1, len(df) + 1)]
    df["nuts3_code"] = "0012"
    df.to_csv(regions, index=False)
    wb = openpyxl.load_workbook(report_xlsx(run_dir))
    rows = list(wb["regions"].iter_rows(values_only=True))
    cols = {name: i for i, name in enumerate(rows[0])}
    assert [r[cols["national_code"]] for r in rows[1:3]] == ["01", "02"]
    assert {r[cols["nuts3_code"]] for r in rows[1:]} == {"0012"}


def test_every_number_in_the_workbook_has_a_unit(run_dir: Path) -> None:
    # a planner reads each figure with its unit: every all-number column of a table sheet
    # and every numeric row of the metrics sheet says its unit in brackets
    metrics_path = run_dir / "metrics.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    for plan in ("pairaid", "official_2020_02_10"):  # the figures a run of today writes
        metrics[plan] |= {"gap_staff_days": 9.5, "staff_sent": 3.0, "mean_distance_km": 1.5,
                          "pairs": 2, "donors_used": 2, "recipients_served": 2}
    metrics_path.write_text(json.dumps(metrics), encoding="utf-8")
    pairs = pd.read_csv(run_dir / "pairs.csv", dtype=str)
    pairs.assign(sent="3.0").to_csv(run_dir / "pairs.csv", index=False)
    wb = openpyxl.load_workbook(report_xlsx(run_dir))
    missing = []
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        if ws.title == "metrics":
            missing += [(ws.title, r[0]) for r in rows[1:] if "[" not in r[0] and any(
                isinstance(v, int | float) and not isinstance(v, bool) for v in r[1:])]
        elif ws.title not in ("configuration", "notes"):
            for j, name in enumerate(rows[0]):
                values = [r[j] for r in rows[1:] if r[j] is not None]
                if values and all(isinstance(v, int | float) and not isinstance(v, bool)
                                  for v in values) and "[" not in name:
                    missing.append((ws.title, name))
    assert missing == []


def test_stocks_are_not_labelled_as_rates() -> None:
    """Need, availability, gap, shortfall and staff on site are counts on one day (beds or
    staff in post), not flows: their headers say "on the day", never "per day"; the one
    genuine rate, new confirmed cases, keeps "per day"."""
    from pairaid.report.xlsx import header

    for table, column in [("gaps", "need"), ("gaps", "available"), ("gaps", "gap"),
                          ("needs", "value"), ("shortfall", "shortfall"),
                          ("on_site", "on_site"), ("shortfall", "received")]:
        text = header(table, column)
        assert text.endswith(", on the day]") and "per day" not in text, text
    assert header("gaps", "gap") == "gap [beds or staff, on the day]"
    assert header("observed", "new_confirmed") == "new_confirmed [persons per day]"
    assert header("evaluation", "shortfall_change") == "shortfall_change [staff-days]"
