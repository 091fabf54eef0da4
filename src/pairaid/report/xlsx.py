"""Excel workbook of a run: one sheet per table, units in the headers (XlsxWriter).

Headers read ``column [unit]`` (``distance_km [km]``); :func:`column_name` strips the unit
again. Every sheet has a bold, frozen header row with an auto-filter and column widths fitted
to the content. Dates are real date cells (``yyyy-mm-dd``), also in the ``configuration``
sheet; empty CSV cells stay empty.

Text is always a text cell, never a formula: every text value is written with XlsxWriter's
``write_string`` (its generic ``write`` would turn a string that begins with ``=`` into a
formula and one that begins with ``http://`` into a link, so a region named
``=HYPERLINK(...)`` would become a live link: spreadsheet formula injection, case c0016;
OWASP "CSV Injection"). Text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return also gets the "quote prefix" style, so a spreadsheet program keeps it text even when
the cell is edited; the text itself is shown exactly as typed.

XlsxWriter writes the workbook of the built-in plan several times faster than openpyxl's
write-only mode did (``benchmarks/bench_report.py``); openpyxl stays the independent reader
in the tests.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from pairaid.io import check_csv_text
from pairaid.report.i18n import plan_label
from pairaid.report.run import METRICS, SOLVER, flatten_config, is_code_column, read_run

SHEETS: tuple[tuple[str, str], ...] = (
    ("pairs", "pairs"), ("flows", "flows"), ("gaps", "gaps"), ("needs", "needs"),
    ("forecast", "forecast"), ("shortfall", "shortfall"),
    ("official_pairs", "official_pairs"), ("official_flows", "official_flows"),
    ("official_shortfall", "official_shortfall"), ("donor_capacities", "donor_capacities"),
    ("observed", "observed"), ("regions", "regions"), ("changes", "changes"),
    ("explain_forbid_costs", "explain_forbid_costs"),
    ("explain_marginal_values", "explain_marginal_values"),
    ("schedule", "schedule"), ("on_site", "on_site"),
    ("official_schedule", "official_schedule"), ("official_on_site", "official_on_site"),
    ("transfers", "transfers"), ("transfer_unserved", "transfer_unserved"),
    ("cluster_transfers", "cluster_transfers"), ("transfer_comparison", "transfer_comparison"),
    ("explain_transfers", "explain_transfers"),
)
"""(sheet name, CSV file stem) of the table sheets, in workbook order; the ``metrics`` and
``configuration`` sheets follow."""

UNITS: dict[str, str] = {
    "distance_km": "km", "quantity": "staff", "shortfall": "staff, on the day",
    "need": "beds or staff, on the day", "available": "beds or staff, on the day",
    "gap": "beds or staff, on the day", "deployable": "staff", "own_need": "staff",
    "capacity": "staff", "latitude": "deg", "longitude": "deg", "population": "persons",
    "new_confirmed": "persons per day", "census": "persons", "quantile": "probability",
    "shortfall_change": "staff-days",
    "doctors": "persons", "nurses": "persons", "other_staff": "persons",
    "travel_days": "days", "on_site": "staff, on the day",
    "patients": "patients", "overflow": "patients", "moved_out": "patients",
    "unserved": "patients", "patient_km": "patient-km", "unserved_change": "patient-days",
    "patient_km_change": "patient-km", "recorded_cumulative": "patients",
    "recorded_since_decision": "patients",
    "sent": "staff", "received": "staff, on the day", "own_census": "persons",
    "own_available": "staff", "icu_census": "persons", "population_year": "year",
}
"""Unit of a column wherever it appears (the value columns are set per table below)."""
TABLE_UNITS: dict[tuple[str, str], str] = {
    ("forecast", "value"): "persons",
    ("needs", "value"): "beds or staff, on the day",
    ("explain_forbid_costs", "objective"): "objective units",
    ("explain_forbid_costs", "cost"): "objective units",
    ("explain_marginal_values", "objective"): "objective units",
    ("explain_marginal_values", "value"): "objective units",
    ("transfer_comparison", "pairaid"): "patients",
}
TRANSFER_UNITS = {"unserved_patient_days": "patient-days", "peak_unserved": "patients",
                  "patients_moved": "patients", "patient_km": "patient-km",
                  "donors_used": "regions"}
METRIC_UNITS = {"shortfall_staff_days": "staff-days", "gap_covered_share": "fraction",
                "max_donor_burden": "fraction", "total_distance_km": "km",
                "solve_seconds": "s", "mip_gap": "fraction", "gap_staff_days": "staff-days",
                "staff_sent": "staff", "mean_distance_km": "km", "pairs": "pairs",
                "donors_used": "regions", "recipients_served": "regions",
                "objective": "objective units", "bound": "objective units"}
DISPATCH_UNITS = {"unmet_staff_days": "staff-days", "gap_staff_days": "staff-days",
                  "staff_sent": "persons", "travel_staff_days": "staff-days",
                  "on_site_staff_days": "staff-days", "solve_seconds": "s",
                  "mip_gap": "fraction", "objective": "objective units",
                  "bound": "objective units"}
SCHEDULE_DATES = ("depart", "arrive", "tour_end", "quarantine_end")
"""Date columns of ``schedule.csv`` (read as dates, not text)."""
MAX_WIDTH = 45  # [characters]
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read text as a formula (OWASP, CSV Injection)."""
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def header(table: str, column: str) -> str:
    """Header text of ``column`` of ``table``: ``"name [unit]"`` or ``"name"``."""
    unit = TABLE_UNITS.get((table, column), UNITS.get(column, ""))
    return f"{column} [{unit}]" if unit else column


def column_name(header_text: str) -> str:
    """Column name of a header written by :func:`header` (the unit stripped)."""
    return header_text.split(" [", 1)[0]


def read_table(path: Path) -> pd.DataFrame:
    """Read one run-folder CSV as the workbook shows it.

    Code columns stay text, ``date`` columns become dates, other columns get pandas' type
    inference; empty cells are missing values.

    Raises
    ------
    pairaid.errors.InputError
        A column named twice or a row of more or fewer fields than the header
        (:func:`pairaid.io.check_csv_text`), naming file and line.
    """
    text = path.read_bytes().decode("utf-8-sig")  # a CR inside a name stays a CR
    check_csv_text(text, str(path))
    names = next(csv.reader(io.StringIO(text)), [])
    df = pd.read_csv(io.StringIO(text), dtype={c: str for c in names if is_code_column(c)},
                     keep_default_na=False, na_values=[""])
    for col in df.columns:
        if col == "date" or col.endswith("_date") or col in SCHEDULE_DATES:
            df[col] = pd.to_datetime(df[col], format="%Y-%m-%d")
    return df


def _plain(value: Any) -> Any:
    """A plain cell value: number, text, bool, date or None (missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _config_value(value: Any) -> Any:
    """A configuration value as a cell: ISO dates (``decision_date``) as real dates."""
    value = _plain(value)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _rows(df: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Rows of plain Python values (dates as ``date``, missing as None), column-wise fast."""
    columns = []
    for col in df.columns:
        series = df[col]
        if pd.api.types.is_datetime64_any_dtype(series):
            values = [None if pd.isna(v) else v.date() for v in series]
        else:
            values = series.astype(object).where(series.notna(), None).tolist()
            # a spreadsheet has no infinity: write it as the text the CSV holds
            values = [("inf" if v > 0 else "-inf") if isinstance(v, float) and math.isinf(v)
                      else v for v in values]
        columns.append(values)
    return list(zip(*columns, strict=True))


def _width(value: Any) -> int:
    if isinstance(value, date):
        return 10
    text = str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


class _Formats:
    """The workbook's cell formats: bold header, ``yyyy-mm-dd`` dates, quote-prefixed text."""

    def __init__(self, wb: Workbook) -> None:
        self.bold: Format = wb.add_format({"bold": True})
        self.date: Format = wb.add_format({"num_format": "yyyy-mm-dd"})
        self.quoted: Format = wb.add_format({"quote_prefix": True})


def _write_sheet(ws: Worksheet, fmt: _Formats, headers: list[str],
                 rows: Iterable[Sequence[Any]]) -> None:
    cells_rows = list(rows)
    widths = [_width(h) for h in headers]
    for row in cells_rows[:500]:
        for i, v in enumerate(row):
            if v is not None:
                widths[i] = max(widths[i], _width(v))
    for i, w in enumerate(widths):
        ws.set_column(i, i, min(w + 2, MAX_WIDTH))
    ws.freeze_panes(1, 0)
    if headers:
        ws.autofilter(0, 0, len(cells_rows), len(headers) - 1)
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, fmt.bold)
    write_string, write_number = ws.write_string, ws.write_number
    for r, row in enumerate(cells_rows, start=1):
        for c, v in enumerate(row):
            kind = type(v)
            if v is None:
                continue
            if kind is float or kind is int:
                write_number(r, c, v)
            elif kind is str:
                # never ws.write: it makes "=..." a formula and "http://..." a link
                if v.startswith(FORMULA_TRIGGERS):
                    write_string(r, c, v, fmt.quoted)
                else:
                    write_string(r, c, v)
            elif kind is bool:
                ws.write_boolean(r, c, v)
            elif isinstance(v, date):  # date and datetime
                ws.write_datetime(r, c, v, fmt.date)
            elif isinstance(v, int | float):  # other numeric types (numpy scalars)
                write_number(r, c, v)
            else:
                text = str(v)
                write_string(r, c, text, fmt.quoted if text.startswith(FORMULA_TRIGGERS)
                             else None)


def report_xlsx(run_dir: str | Path) -> Path:
    """Write ``RUN_DIR/plan.xlsx``: every table of the run, one sheet each.

    Sheets: ``notes`` first when the run took a fallback or noted something (``kind``:
    ``fallback`` or ``note``, ``text``: ``metrics.json`` ``flags`` and ``notes``, the
    terminal's ``warning:`` and ``note:`` lines), the tables of :data:`SHEETS` that exist in
    the run folder, then ``metrics``
    (one row per metric, one column per plan; units in the metric names), ``dispatch``
    (with ``--dispatch``: the schedule's solver status, gap and measures per plan),
    ``transfer_summary`` (with ``--transfer icu``: patient-days without a bed, patients
    moved, patient-km per plan: pairaid, the five-cluster rule, no transfer) and
    ``configuration`` (``setting``, ``value``; nested settings as dotted names, lists as
    JSON text).

    Parameters
    ----------
    run_dir : str or Path
        Run folder written by ``pairaid plan``.

    Returns
    -------
    Path
        Path of the written ``plan.xlsx`` (overwritten if present).

    Raises
    ------
    InputError
        If the run folder is missing files or columns or holds unparseable values.
    """
    run = read_run(run_dir)
    out = run.run_dir / "plan.xlsx"
    wb = Workbook(str(out), {"strings_to_numbers": False, "strings_to_formulas": False,
                             "strings_to_urls": False})
    fmt = _Formats(wb)
    if run.flags or run.notes:  # first, as in the report: what the terminal warned and noted
        ws = wb.add_worksheet("notes")
        _write_sheet(ws, fmt, ["kind", "text"],
                     [*(["fallback", f] for f in run.flags), *(["note", n] for n in run.notes)])
    for sheet, stem in SHEETS:
        path = run.run_dir / f"{stem}.csv"
        if not path.exists():
            continue
        df = read_table(path)
        ws = wb.add_worksheet(sheet)
        _write_sheet(ws, fmt, [header(stem, c) for c in df.columns], _rows(df))
    plans = run.plans
    keys = list(dict.fromkeys([*METRICS, *SOLVER, *(k for p in plans for k in run.metrics[p])]))
    ws = wb.add_worksheet("metrics")
    labels = [p if p == "pairaid" else plan_label(p, "en") for p in plans]
    _write_sheet(ws, fmt, ["metric", *labels],
                 [[f"{k} [{METRIC_UNITS[k]}]" if k in METRIC_UNITS else k,
                   *(_plain(run.metrics[p].get(k)) for p in plans)] for k in keys])
    if run.dispatch:
        dplans = list(run.dispatch)
        dkeys = list(dict.fromkeys(k for p in dplans for k in run.dispatch[p]))
        ws = wb.add_worksheet("dispatch")
        _write_sheet(ws, fmt, ["measure", *dplans],
                     [[f"{k} [{DISPATCH_UNITS[k]}]" if k in DISPATCH_UNITS else k,
                       *(_plain(run.dispatch[p].get(k)) for p in dplans)] for k in dkeys])
    moves = run.metrics.get("transfers")
    if moves:
        plans_t = [k for k in ("pairaid", "cluster_rule") if isinstance(moves.get(k), dict)]
        rows = [[f"{k} [{TRANSFER_UNITS[k]}]" if k in TRANSFER_UNITS else k,
                 *(_plain(moves[p].get(k)) for p in plans_t),
                 _plain(moves.get("no_transfer_unserved_patient_days"))
                 if k == "unserved_patient_days" else None]
                for k in dict.fromkeys(k for p in plans_t for k in moves[p])]
        rows += [[name, *([_plain(moves.get(name))] * len(plans_t)), None]
                 for name in ("quantile", "donor_quantile", "stay_days") if name in moves]
        ws = wb.add_worksheet("transfer_summary")
        _write_sheet(ws, fmt, ["measure", *("five-cluster rule" if p == "cluster_rule" else p
                                       for p in plans_t), "no transfer"], rows)
    ws = wb.add_worksheet("configuration")
    _write_sheet(ws, fmt, ["setting", "value"],
                 [[k, _config_value(v)] for k, v in flatten_config(run.config)])
    wb.close()
    return out
