"""Bring your own forecast: read and validate a file in the COVID-19 Forecast Hub quantile
format and turn it into pairaid's ``forecast`` table.

Format (CSV, one header row; the Forecast Hub layout, Cramer et al. 2022, *Sci Data* 9:462,
doi:10.1038/s41597-022-01517-w):

============== ======== ================================================================
column         required meaning
============== ======== ================================================================
location       yes      region code as in the data set's ``regions`` table
target_end_date yes     date the value refers to, ISO ``YYYY-MM-DD``
quantile       yes      quantile level in (0, 1); rows with ``type`` = ``point`` may leave
                        it empty and are ignored
value          yes      forecast value [persons], >= 0
target         no       what is forecast: ``census`` (patients in hospital) or
                        ``new_confirmed`` (daily new confirmed cases); the Hub's
                        ``N day ahead inc case`` means ``new_confirmed`` and
                        ``N day ahead census`` means ``census``. Absent: ``census``.
type           no       ``quantile`` or ``point``
forecast_date  no       ignored
============== ======== ================================================================

pairaid's own ``forecast.csv`` (a run folder's, :mod:`pairaid.runs`) is read too: its
columns ``region_code`` and ``date`` are this format's ``location`` and ``target_end_date``
(:data:`PAIRAID_COLUMNS`), its targets ``census`` and ``new_confirmed``; its other columns
(``estimated``, ``los_source``) are ignored. So a saved forecast can be planned on again.

Every (location, target, target_end_date) must carry the same set of quantile levels,
including the median, with values non-decreasing in the level. All problems are collected
and raised once as :class:`pairaid.errors.InputError`, each naming file, line and column.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid.errors import InputError, Problem
from pairaid.io import check_csv_text
from pairaid.schemas import ISO_DATE

REQUIRED = ("location", "target_end_date", "quantile", "value")
PAIRAID_COLUMNS = {"region_code": "location", "date": "target_end_date"}
"""Columns of pairaid's own ``forecast.csv`` -> the Forecast Hub column they are."""
FORMATS = ("the Forecast Hub quantile format (location, target_end_date, quantile, value; "
           "optional target, type) or a pairaid run folder's forecast.csv (region_code, "
           "date, target, quantile, value); see docs/forecasting.md")
"""The layouts read, in the words of the message for a file in neither."""
_TARGET_PATTERNS = (
    (
        re.compile(r"^\s*(new_confirmed|(\d+\s+(day|wk)\s+ahead\s+)?inc\s+case)\s*$", re.I),
        "new_confirmed",
    ),
    (re.compile(r"^\s*((\d+\s+(day|wk)\s+ahead\s+)?census)\s*$", re.I), "census"),
)


def _target(text: str) -> str | None:
    for pattern, name in _TARGET_PATTERNS:
        if pattern.match(text):
            return name
    return None


def parse_forecast_hub(frame: pd.DataFrame, *, source: str, region_codes: set[str],
                       populations: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Validate a Forecast Hub table, or pairaid's own ``forecast.csv`` (all cells as text),
    and convert it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The file's rows, every cell a string (empty string = empty cell).
    source : str
        File name used in messages.
    region_codes : set of str
        Known region codes.
    populations : mapping of str to float, optional
        Population of each region [persons] (NaN = unknown); a value above its location's
        population is refused (a census of 10^13 in a city of a million was planned on).

    Returns
    -------
    pandas.DataFrame
        ``forecast`` table: ``region_code``, ``date``, ``target``, ``quantile``, ``value``
        [persons], ``estimated`` (False).

    Raises
    ------
    InputError
        Listing every problem (file, line, column, what was expected).
    """
    problems: list[Problem] = []
    own = not {"location", "target_end_date"} & set(frame.columns) \
        and set(PAIRAID_COLUMNS) <= set(frame.columns)
    if own:  # pairaid's forecast.csv: one reader, its columns mapped
        frame = frame.rename(columns=PAIRAID_COLUMNS)
    missing = [c for c in REQUIRED if c not in frame.columns]
    for col in missing:
        problems.append(Problem(source, f"required column is missing; expected {FORMATS}",
                                column=col))
    if problems:
        raise InputError(problems)
    try:
        return _parse(frame, source, region_codes, populations or {})
    except InputError as err:
        if not own:
            raise
        back = {hub: mine for mine, hub in PAIRAID_COLUMNS.items()}
        raise InputError([Problem(p.source, p.message, p.row, back.get(p.column or "", p.column))
                          for p in err.problems]) from None


def _parse(frame: pd.DataFrame, source: str, region_codes: set[str],
           populations: Mapping[str, float]) -> pd.DataFrame:
    """:func:`parse_forecast_hub` on a frame with the Hub's required columns."""
    problems: list[Problem] = []
    if frame.empty:
        raise InputError([Problem(source, "the file holds no forecast rows")])
    records = []
    for i, row in enumerate(frame.to_dict("records")):
        line = i + 2
        kind = str(row.get("type", "quantile") or "quantile").strip().lower()
        if kind == "point":
            continue
        if kind != "quantile":
            problems.append(
                Problem(source, f"type {kind!r} is not 'quantile' or 'point'", line, "type")
            )
            continue
        ok = True
        loc = str(row["location"]).strip()
        if loc not in region_codes:
            problems.append(
                Problem(
                    source, f"unknown location {loc!r} (not in the regions table)", line, "location"
                )
            )
            ok = False
        target = "census"
        if "target" in frame.columns:
            parsed = _target(str(row["target"]))
            if parsed is None:
                problems.append(
                    Problem(
                        source,
                        f"unknown target {row['target']!r}; use 'census' or 'new_confirmed' "
                        "(or the Hub's 'N day ahead inc case')",
                        line,
                        "target",
                    )
                )
                ok = False
            else:
                target = parsed
        text_day = str(row["target_end_date"]).strip()
        day = pd.to_datetime(text_day, format="%Y-%m-%d", errors="coerce")
        if pd.isna(day) or not re.fullmatch(ISO_DATE, text_day):
            problems.append(
                Problem(
                    source,
                    f"{row['target_end_date']!r} is not an ISO date YYYY-MM-DD",
                    line,
                    "target_end_date",
                )
            )
            ok = False
        try:
            level = float(row["quantile"])
            if not 0.0 < level < 1.0:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(
                    source,
                    f"quantile {row['quantile']!r} is not a number in (0, 1)",
                    line,
                    "quantile",
                )
            )
            ok = False
        try:
            value = float(row["value"])
            if not np.isfinite(value) or value < 0:
                raise ValueError
        except ValueError:
            problems.append(
                Problem(source, f"value {row['value']!r} is not a number >= 0", line, "value")
            )
            ok = False
        else:
            people = float(populations.get(loc, np.nan))
            if value > people:  # NaN (unknown population) compares False
                problems.append(Problem(source, f"value {value:,.0f} is above the population "
                                        f"of {loc} ({people:,.0f}, regions.csv)", line, "value"))
                ok = False
        if ok:
            records.append((line, loc, day, target, level, value))
    if problems:
        raise InputError(problems)
    if not records:
        raise InputError([Problem(source, "the file holds no quantile rows")])
    rows = pd.DataFrame.from_records(
        records, columns=["line", "region_code", "date", "target", "quantile", "value"]
    )
    all_levels = sorted(rows["quantile"].unique())
    if 0.5 not in all_levels:
        problems.append(Problem(source, "no median (quantile 0.5) in the file", column="quantile"))
    for keys, grp in rows.groupby(["region_code", "target", "date"], sort=False):
        where = f"{keys[0]} {keys[1]} {str(keys[2])[:10]}"
        dup = grp[grp["quantile"].duplicated()]
        for lv, ln in zip(dup["quantile"], dup["line"], strict=True):
            problems.append(
                Problem(source, f"{where}: quantile {lv:g} given twice", int(ln), "quantile")
            )
        have = set(grp["quantile"])
        lacking = [lv for lv in all_levels if lv not in have]
        if lacking:
            problems.append(
                Problem(
                    source,
                    f"{where}: missing quantile(s) {', '.join(f'{v:g}' for v in lacking)} "
                    "(every forecast must have the same levels)",
                    int(grp["line"].iloc[0]),
                    "quantile",
                )
            )
        ordered = grp.drop_duplicates("quantile").sort_values("quantile")
        values = ordered["value"].to_numpy()
        levels = ordered["quantile"].to_numpy()
        lines = ordered["line"].to_numpy()
        for j in np.flatnonzero(np.diff(values) < 0):
            problems.append(
                Problem(
                    source,
                    f"{where}: values are not monotone in quantile; level {levels[j + 1]:g} has "
                    f"{values[j + 1]:g} < {values[j]:g} at level {levels[j]:g}",
                    int(lines[j + 1]),
                    "value",
                )
            )
    if problems:
        raise InputError(problems)
    out = rows.drop(columns="line").sort_values(["region_code", "target", "date", "quantile"])
    out["estimated"] = False
    out["date"] = pd.to_datetime(out["date"]).dt.normalize()
    return out.reset_index(drop=True)


def read_forecast_hub(path: Path | str, *, regions: pd.DataFrame) -> pd.DataFrame:
    """Read a Forecast Hub quantile file as a ``forecast`` table.

    Parameters
    ----------
    path : path-like
        CSV file (UTF-8), layout in the module docstring.
    regions : pandas.DataFrame
        The data set's ``regions`` table (column ``region_code``, optionally
        ``population`` [persons]); locations must be in it, and no value may exceed its
        location's population.

    Returns
    -------
    pandas.DataFrame
        ``forecast`` table (see :func:`parse_forecast_hub`).

    Raises
    ------
    InputError
        If the file cannot be read or any row is invalid (file, line, column named).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        check_csv_text(text, str(path))
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError([Problem(str(path), "file not found")]) from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError([Problem(str(path), f"not a readable UTF-8 CSV file ({err})")]) from None
    frame.columns = [c.strip() for c in frame.columns]
    codes = set(regions["region_code"].astype(str))
    populations = (dict(zip(regions["region_code"].astype(str),
                            pd.to_numeric(regions["population"], errors="coerce").astype(float),
                            strict=True))
                   if "population" in regions.columns else None)
    return parse_forecast_hub(frame, source=str(path), region_codes=codes,
                              populations=populations)
