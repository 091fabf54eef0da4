"""File input and output: the only module that reads or writes tables.

Reading turns a folder of UTF-8 CSV files into validated tables (see
:mod:`pairaid.schemas`); writing puts a run's tables into a run folder without ever
overwriting an earlier run unless asked to.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

from pairaid.errors import InputError, OutputExistsError, Problem
from pairaid.schemas import INPUT_TABLES, REQUIRED_TABLES, TableSchema, validate


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError([Problem(
            str(path), f"not valid UTF-8 (byte 0x{data[err.start]:02x} at byte offset "
            f"{err.start}); save the file as UTF-8", line)]) from None
    return text


def layout_problem(text: str, source: str) -> Problem | None:
    """One plain sentence when a file is not comma-separated CSV, else None.

    Spreadsheet programs in locales that write a decimal comma export ``;``-separated
    "CSV", sometimes with a first line ``sep=;``; "Unicode text" exports are tab-separated.
    Read as comma-separated, such a file has a single column and would give one "missing
    column" message per expected column; this says what the file is instead.
    """
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    if first.strip().lower().startswith("sep="):
        return Problem(source, f"the first line {first.strip()!r} is a spreadsheet export "
                       "hint, not a header; save the file as plain comma-separated CSV "
                       "(UTF-8)", 1)
    if "," in first:
        return None
    for sep, name in ((";", "semicolon (;)"), ("\t", "tab")):
        if sep in first:
            return Problem(source, f"the header looks {name}-separated, as spreadsheet "
                           "programs export in some locales; save the file as "
                           "comma-separated CSV (UTF-8) with '.' as decimal point", 1)
    return None


def _check_header(text: str, source: str) -> None:
    """Refuse a header that names a column twice (pandas would read the first and rename
    the second ``name.1`` without a word)."""
    header = [c.strip() for c in next(csv.reader(io.StringIO(text)), [])]
    first: dict[str, int] = {}
    problems = []
    for pos, name in enumerate(header, 1):
        if name in first:
            problems.append(Problem(source, f"column '{name}' appears twice in the header "
                                    f"(columns {first[name]} and {pos}); keep one", 1, name))
        else:
            first[name] = pos
    if problems:
        raise InputError(problems)


def _check_field_counts(text: str, source: str) -> None:
    """Refuse rows with more or fewer fields than the header (pandas would pad or shift)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    problems = []
    for row in reader:
        if row and len(row) != len(header):
            problems.append(Problem(source, f"row has {len(row)} fields but the header has "
                                    f"{len(header)}", reader.line_num))
    if problems:
        raise InputError(problems)


def check_csv_text(text: str, source: str, *, layout: bool = True) -> None:
    """Refuse a CSV text that pandas or :mod:`csv` would read wrongly without a word.

    Every reader of a user's CSV file calls this before parsing (data-set tables,
    ``--demand`` forecasts, plans uploaded to the service): a column named twice in the
    header (pandas keeps the first and renames the second ``name.1``; ``csv.DictReader``
    keeps the last), a row with more or fewer fields than the header (pandas takes an extra
    field as the row index and shifts every column, or pads a short row), and, with
    ``layout``, a ``;``- or tab-separated file (:func:`layout_problem`).

    Parameters
    ----------
    text : str
        The decoded file, a leading byte-order mark allowed.
    source : str
        File name used in messages.
    layout : bool
        Also refuse a file that looks ``;``- or tab-separated (a one-column table cannot
        tell).

    Raises
    ------
    pairaid.errors.InputError
        Every such problem, each naming the file, the line and, for the header, the column.
    """
    text = text.lstrip("\ufeff")
    found = layout_problem(text, source) if layout else None
    if found is not None:
        raise InputError([found])
    try:
        _check_header(text, source)
        _check_field_counts(text, source)
    except csv.Error as err:
        raise InputError([Problem(source, f"not well-formed CSV: {err}")]) from None


def read_table(path: Path | str, schema: TableSchema) -> pd.DataFrame:
    """Read one CSV file and validate it against ``schema``.

    Parameters
    ----------
    path : path-like
        A UTF-8 CSV file with one header row. Empty cells mean *unknown*.
    schema : TableSchema
        The table's schema.

    Returns
    -------
    pandas.DataFrame
        The typed table (see :func:`pairaid.schemas.validate`).

    Raises
    ------
    pairaid.errors.InputError
        If the file is missing, is not UTF-8, is not well-formed CSV, names a column twice
        in its header, or fails the schema; the message names the file, line and column.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(str(path), "is a directory, not a file" if path.is_dir()
                                  else "file not found")])
    text = _decode(path)
    if not text.strip():
        raise InputError([Problem(str(path), "file is empty; expected a header row")])
    check_csv_text(text, str(path), layout=len(schema.columns) > 1)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                          na_values=[""], skipinitialspace=False, index_col=False)
    except (pd.errors.ParserError, csv.Error) as err:
        raise InputError([Problem(str(path), f"not well-formed CSV: {err}")]) from None
    raw.columns = [str(c).strip() for c in raw.columns]
    return validate(raw, schema, str(path))


def read_tables(
    folder: Path | str, *, required: Iterable[str] = REQUIRED_TABLES,
    only: Iterable[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Read every known table in a data-set folder.

    Parameters
    ----------
    folder : path-like
        Folder holding ``regions.csv``, ``cases.csv``, ``capacities.csv`` (required) and
        optionally ``pairings.csv``, ``parameters.csv``, ``distances.csv``.
    required : iterable of str
        Tables that must be present (default :data:`pairaid.schemas.REQUIRED_TABLES`;
        forecasting alone needs only ``regions`` and ``cases``).
    only : iterable of str, optional
        Read only these tables and leave the folder's other files unread (the
        coordination service needs only ``regions``); default: every known table.

    Returns
    -------
    dict of str to pandas.DataFrame
        Validated tables by name; optional tables that are absent are left out.

    Raises
    ------
    pairaid.errors.InputError
        Every problem in every file, raised once.
    """
    folder = Path(folder)
    if folder.is_file():
        raise InputError([Problem(str(folder), "is a file, not a data folder; pass the folder "
                                  "that holds regions.csv, cases.csv and capacities.csv")])
    if not folder.is_dir():
        raise InputError([Problem(str(folder), "data folder not found")])
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    required = tuple(required)
    wanted = set(INPUT_TABLES) if only is None else set(only)
    for name, schema in INPUT_TABLES.items():
        if name not in wanted:
            continue
        path = folder / f"{name}.csv"
        if not path.exists():
            if name in required:
                problems.append(Problem(str(path), f"required table '{name}' is missing"))
            continue
        try:
            tables[name] = read_table(path, schema)
        except InputError as err:
            problems.extend(err.problems)
            continue
        if name in required and tables[name].empty:
            problems.append(Problem(str(path), "no data rows below the header"))
    if problems:
        raise InputError(problems)
    return tables


def check_run_folder(out: Path | str, *, force: bool, owned: Iterable[str]) -> Path:
    """Check that a run may be written to ``out``, before any work is done.

    Parameters
    ----------
    out : path-like
        The run folder.
    force : bool
        Allow replacing an earlier run's files.
    owned : iterable of str
        File names a run writes; only these may ever be replaced.

    Raises
    ------
    pairaid.errors.OutputExistsError
        If ``out`` is a file; if it holds an earlier run and ``force`` is false; or if it
        holds any file that is not a run file (such a folder is never written into, so
        nothing a user put there is lost).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"--out {out} is a file, not a folder; choose a folder")
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            raise OutputExistsError(f"--out {out}: {parent} is a file, not a folder")
    if not out.exists():
        return out
    present = {p.name for p in out.iterdir()}
    foreign = sorted(present - set(owned))
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise OutputExistsError(
            f"output folder {out} holds files that are not a pairaid run ({shown}); "
            "choose another --out (pairaid never writes into such a folder)")
    if present and not force:
        raise OutputExistsError(
            f"output folder {out} already holds a run; choose another --out or pass "
            "--force to replace it")
    return out


def prepare_run_folder(out: Path | str, *, force: bool, owned: Iterable[str]) -> Path:
    """Create the run folder ``out``, removing an earlier run's files only when forced.

    Only files named in ``owned`` are ever removed; see :func:`check_run_folder` for the
    errors raised.
    """
    out = check_run_folder(out, force=force, owned=owned)
    out.mkdir(parents=True, exist_ok=True)
    for name in owned:
        path = out / name
        if path.is_file():
            path.unlink()
    return out


@contextmanager
def writing_run_folder(out: Path | str, *, force: bool, owned: Iterable[str]
                       ) -> Iterator[Path]:
    """Prepare ``out`` (:func:`prepare_run_folder`) for the files written in the ``with``
    block, and remove them again if the block does not finish.

    An interrupted write (Ctrl-C, a full disk, an error) would otherwise leave some tables
    complete, one cut short and the rest missing: a folder that looks like a run, and that
    the next run refuses to replace without ``--force``. So on any exception, Ctrl-C
    included, every file of ``owned`` in ``out`` is removed (they were all written by this
    block: the earlier run's were removed before it, only with ``force``), then ``out``
    itself if this call created it and it is left empty; the exception goes on. Files
    not in ``owned`` are never touched.

    Yields
    ------
    Path
        The run folder.

    Raises
    ------
    pairaid.errors.OutputExistsError
        As :func:`check_run_folder`.
    """
    out = Path(out)
    created = not out.exists()
    owned = tuple(owned)
    folder = prepare_run_folder(out, force=force, owned=owned)
    try:
        yield folder
    except BaseException:
        for name in owned:
            path = folder / name
            if path.is_dir():  # a run's own sub-folder (calendars/): its .ics files, then it
                for child in path.glob("*.ics"):
                    child.unlink()
                if not any(path.iterdir()):
                    path.rmdir()
            elif path.is_file():
                path.unlink()
        if created and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
        raise


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as UTF-8 CSV with ISO dates and no index.

    Text is written as given (a name beginning with ``=`` stays so; the workbook, not the
    CSV, guards against formulas). A text holding a carriage return is quoted: Python's
    ``csv`` module before 3.12 quotes only the characters of the line terminator, so a lone
    ``\r`` would otherwise split the row when the file is read back.
    """
    text = frame.select_dtypes(include=["object", "string"])
    # each distinct value once (a long table repeats a few codes and names)
    has_cr = any("\r" in str(v) for c in text for v in pd.unique(text[c]))
    frame.to_csv(path, index=False, date_format="%Y-%m-%d",
                 quoting=csv.QUOTE_NONNUMERIC if has_cr else csv.QUOTE_MINIMAL)


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float (also inside dicts, lists and tuples)
    replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def write_json(obj: Mapping[str, Any], path: Path) -> None:
    """Write a JSON object, UTF-8, indented.

    A NaN or infinite number (e.g. the gap of a MIP stopped before it had a bound) is
    written as ``null``: JSON (RFC 8259, section 6) has no such numbers, and the
    ``NaN``/``Infinity`` that Python's ``json`` writes by default are rejected by strict
    readers (JavaScript's ``JSON.parse``, ``jq``).
    """
    text = json.dumps(_finite(obj), indent=2, ensure_ascii=False, default=str,
                      allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def write_calendars(schedule: pd.DataFrame, folder: Path,
                    names: Mapping[str, str] | None = None) -> list[Path]:
    """Write one iCalendar (RFC 5545) file per donor: each team's departure, tour and
    quarantine as all-day events, so a provincial office can load them into a calendar.

    Parameters
    ----------
    schedule : pandas.DataFrame
        Teams: ``team_id``, ``donor_code``, ``recipient_code``, ``team_type``,
        ``doctors``, ``nurses``, ``depart``, ``arrive``, ``tour_end``, ``quarantine_end``.
    folder : pathlib.Path
        Created if absent; earlier ``*.ics`` files in it are replaced.
    names : mapping, optional
        Region code -> name, for event titles.

    Returns
    -------
    list of pathlib.Path
        ``<folder>/<donor_code>.ics``, one per donor of the schedule.
    """
    import icalendar

    names = names or {}
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.ics"):
        old.unlink()
    written = []
    for donor, teams in schedule.groupby("donor_code", sort=True):
        cal = icalendar.Calendar()
        cal.add("prodid", "-//pairaid//dispatch schedule//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", f"pairaid dispatch: {names.get(str(donor), donor)}")
        for row in teams.to_dict("records"):
            city = names.get(str(row["recipient_code"]), str(row["recipient_code"]))
            staff = f"{row['doctors']} doctors, {row['nurses']} nurses"
            for part, start, end, what in (
                    ("travel", row["depart"], row["arrive"], f"leaves for {city}"),
                    ("tour", row["arrive"], row["tour_end"], f"works in {city}"),
                    ("quarantine", row["tour_end"], row["quarantine_end"],
                     "travels home and is in quarantine")):
                event = icalendar.Event()
                event.add("uid", f"{row['team_id']}-{part}@pairaid")
                event.add("dtstamp", datetime.combine(pd.Timestamp(row["depart"]).date(),
                                                      time(), tzinfo=UTC))
                event.add("summary", f"{row['team_id']} ({row['team_type']}) {what}")
                event.add("description", f"{staff}; {row['team_type']}; from {donor} to "
                          f"{row['recipient_code']}")
                event.add("dtstart", pd.Timestamp(start).date())
                event.add("dtend", max(pd.Timestamp(end).date(),
                                       pd.Timestamp(start).date()))
                cal.add_component(event)
        path = folder / f"{donor}.ics"
        path.write_bytes(cal.to_ical())
        written.append(path)
    return written
