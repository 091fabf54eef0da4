"""Table schemas: every table's columns, dtypes, units and keys, in one place.

Each table is described as data (:class:`TableSchema` of :class:`Column`), in the spirit of
PyPSA's component attribute tables. :func:`validate` checks a raw table (all cells as
strings, as read from CSV) against a schema with pandera and returns a typed frame, or raises
one :class:`pairaid.errors.InputError` that lists every problem with file, line and column.

Line numbers count the header as line 1, so the first data row is line 2, as a spreadsheet
or text editor shows it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
import pandera.pandas as pa

from pairaid.errors import InputError, Problem

DType = Literal["str", "int", "float", "date", "bool"]

_PANDERA_DTYPE: dict[str, Any] = {
    "str": "string",
    "int": "Int64",
    "float": "Float64",
    "date": "datetime64[ns]",
    "bool": "boolean",
}

_EXPECTED: dict[str, str] = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "date": "an ISO date YYYY-MM-DD",
    "bool": "true or false",
}

_BOOL_WORDS = {"true": True, "false": False, "1": True, "0": False, "yes": True,
               "no": False}

RESOURCES = ("beds", "icu_beds", "doctors", "nurses")
STAFF_RESOURCES = ("doctors", "nurses")

GB2260 = r"^\d{6}$"
ISO3166_2 = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
REGION_CODE = r"^(\d{6}|[A-Z]{2}-[A-Z0-9]{1,3})$"


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    name : str
        Column name.
    dtype : {"str", "int", "float", "date", "bool"}
        Logical type; ``int``/``float``/``bool`` are nullable pandas types.
    unit : str
        Unit in brackets style (``"persons"``, ``"km"``) or ``""`` for none.
    description : str
        What the column holds.
    required : bool
        The column must be present in the file.
    nullable : bool
        Empty cells (meaning *unknown*) are allowed.
    min_value : float or None
        Smallest allowed value (numbers only).
    max_value : float or None
        Largest allowed value (numbers only).
    allowed : tuple of str or None
        Allowed values (text only).
    pattern : str or None
        Regular expression the text must match.
    """

    name: str
    dtype: DType
    unit: str = ""
    description: str = ""
    required: bool = True
    nullable: bool = False
    min_value: float | None = None
    max_value: float | None = None
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class TableSchema:
    """A table: its columns, its key and a description."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    description: str = ""
    foreign_keys: Mapping[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        """Return the column called ``name`` (``KeyError`` if there is none)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        """Column names in schema order."""
        return [c.name for c in self.columns]


def _c(name: str, dtype: DType, unit: str = "", description: str = "", **kw: Any) -> Column:
    return Column(name, dtype, unit, description, **kw)


LEVEL = r"^[a-z][a-z_]*$"
"""Administrative level of a region: a lower-case word such as ``province`` or
``prefecture`` (China), ``region`` (Italy), ``state``; recipients and donors can be chosen by
it (settings ``recipients_level``, ``donors_level``)."""

REGIONS = TableSchema(
    name="regions",
    description="One row per region: any country's first- or second-level divisions, keyed "
    "by ISO 3166-2 or GB/T 2260 codes; the Chinese fields are optional.",
    key=("region_code",),
    columns=(
        _c("region_code", "str", "", "ISO 3166-2 code (any country), or GB/T 2260 for "
           "Chinese prefecture-level divisions", pattern=REGION_CODE),
        _c("gb2260_code", "str", "", "GB/T 2260 six-digit code (Chinese regions only)",
           pattern=GB2260, required=False, nullable=True),
        _c("iso3166_2", "str", "", "ISO 3166-2 code (empty below the first level)",
           nullable=True, required=False, pattern=ISO3166_2),
        _c("name_zh", "str", "", "name in simplified Chinese (Chinese regions)",
           required=False, nullable=True),
        _c("name_en", "str", "", "name in English"),
        _c("level", "str", "", "administrative level (province, prefecture, region, ...)",
           pattern=LEVEL),
        _c("parent_code", "str", "", "code of the parent region (the country code, e.g. CN "
           "or IT, for first-level regions)"),
        _c("latitude", "float", "deg", "latitude of the seat or capital",
           min_value=-90, max_value=90),
        _c("longitude", "float", "deg", "longitude of the seat or capital",
           min_value=-180, max_value=180),
        _c("population", "int", "persons", "resident population (empty = unknown; 0 is "
           "refused: every per-person figure would divide by it)", nullable=True,
           min_value=1),
        _c("population_year", "int", "year", "reference year of the population",
           nullable=True, required=False),
        _c("population_estimated", "bool", "", "population is a documented estimate",
           required=False, nullable=True),
        _c("population_source", "str", "", "source id(s) of the population",
           nullable=True, required=False),
        _c("national_code", "str", "", "the country's own statistical code (e.g. ISTAT/"
           "pcm-dpc two-digit region code)", nullable=True, required=False),
        _c("name_local", "str", "", "name in the country's language", required=False,
           nullable=True),
    ),
)

CASES = TableSchema(
    name="cases",
    description="Cumulative case counts per region and day, as of 24:00 of the date.",
    key=("date", "region_code"),
    foreign_keys={"region_code": "regions"},
    columns=(
        _c("date", "date", "", "reporting date; counts as of 24:00 of this date"),
        _c("region_code", "str", "", "region code", pattern=REGION_CODE),
        _c("confirmed_cum", "int", "persons", "cumulative confirmed cases", nullable=True,
           min_value=0),
        _c("deaths_cum", "int", "persons", "cumulative deaths", nullable=True, min_value=0),
        _c("recovered_cum", "int", "persons", "cumulative recovered/discharged",
           nullable=True, min_value=0),
        _c("hospitalised", "int", "persons", "COVID-19 patients in hospital on the date "
           "(ward and ICU, a stock); where given, the census forecast starts from it",
           nullable=True, required=False, min_value=0),
        _c("icu", "int", "persons", "COVID-19 patients in intensive care on the date (a "
           "stock, part of hospitalised)", nullable=True, required=False, min_value=0),
        _c("flags", "str", "", "';'-separated data-quality flags", nullable=True,
           required=False),
        _c("severe_in_care", "int", "persons", "severe patients in care on the date (reported; "
           "critical ones not included)", nullable=True, required=False, min_value=0),
        _c("critical_in_care", "int", "persons", "critical patients in care on the date "
           "(reported)", nullable=True, required=False, min_value=0),
    ),
)

CAPACITIES = TableSchema(
    name="capacities",
    description="Pre-epidemic health resources per region.",
    key=("region_code", "resource"),
    foreign_keys={"region_code": "regions"},
    columns=(
        _c("region_code", "str", "", "region code", pattern=REGION_CODE),
        _c("resource", "str", "", "beds, icu_beds, doctors or nurses", allowed=RESOURCES),
        _c("quantity", "float", "beds or persons", "count of the resource", min_value=0),
        _c("year", "int", "year", "reference year", nullable=True, required=False),
        _c("estimated", "bool", "", "value is a documented estimate, not a published count",
           nullable=True, required=False),
        _c("method", "str", "", "how an estimate was made", nullable=True, required=False),
        _c("source", "str", "", "source id(s)", nullable=True, required=False),
    ),
)

PAIRINGS = TableSchema(
    name="pairings",
    description="Historical (announced) pairings of donors with recipients.",
    key=("round", "donor_code", "recipient_code"),
    foreign_keys={"donor_code": "regions", "recipient_code": "regions"},
    columns=(
        _c("round", "date", "", "announcement date of the pairing round"),
        _c("status", "str", "", "official or media_reported", nullable=True, required=False),
        _c("donor_code", "str", "", "donor region code", pattern=REGION_CODE),
        _c("recipient_code", "str", "", "recipient region code", pattern=REGION_CODE),
        _c("sources", "str", "", "source ids", nullable=True, required=False),
    ),
)

PARAMETERS = TableSchema(
    name="parameters",
    description="Named model parameters with value, unit and source.",
    key=("name",),
    columns=(
        _c("name", "str", "", "parameter name", pattern=r"^[a-z][a-z0-9_]*$"),
        _c("value", "float", "", "value, in `unit`"),
        _c("unit", "str", "", "unit of the value"),
        _c("low", "float", "", "low end of the plausible range (sensitivity run), in `unit`",
           nullable=True, required=False),
        _c("high", "float", "", "high end of the plausible range, in `unit`", nullable=True,
           required=False),
        _c("source", "str", "", "where the value comes from"),
        _c("note", "str", "", "remarks", nullable=True, required=False),
    ),
)

DISTANCES = TableSchema(
    name="distances",
    description="Distance between donor capitals and recipient seats.",
    key=("donor_code", "recipient_code"),
    foreign_keys={"donor_code": "regions", "recipient_code": "regions"},
    columns=(
        _c("donor_code", "str", "", "donor region code", pattern=REGION_CODE),
        _c("recipient_code", "str", "", "recipient region code", pattern=REGION_CODE),
        _c("distance_km", "float", "km", "distance", min_value=0),
    ),
)

PAIRS = TableSchema(
    name="pairs",
    description="Pairs of a plan (a run's pairs.csv), e.g. the plan in force when re-planning.",
    key=("donor_code", "recipient_code"),
    columns=(
        _c("donor_code", "str", "", "donor region code", pattern=REGION_CODE),
        _c("recipient_code", "str", "", "recipient region code", pattern=REGION_CODE),
        _c("distance_km", "float", "km", "distance", required=False, nullable=True,
           min_value=0),
    ),
)

TEAM_TYPE = r"^[a-z][a-z0-9_]*$"

TEAM_TYPES = TableSchema(
    name="team_types",
    description="Kinds of medical team a donor sends (the dispatch unit), with tour rules.",
    key=("team_type",),
    columns=(
        _c("team_type", "str", "", "name of the team type", pattern=TEAM_TYPE),
        _c("doctors", "int", "persons", "doctors per team", min_value=0),
        _c("nurses", "int", "persons", "nurses per team", min_value=0),
        _c("other_staff", "int", "persons", "other staff per team (managers, technicians)",
           min_value=0),
        _c("icu", "bool", "", "the team can run an intensive-care unit"),
        _c("min_tour_days", "int", "days", "shortest tour on site", min_value=1),
        _c("tour_days", "int", "days", "longest tour on site", min_value=1),
        _c("quarantine_days", "int", "days", "quarantine after the journey home",
           min_value=0),
        _c("description", "str", "", "what the team is", nullable=True, required=False),
        _c("source", "str", "", "source ids of the figures (SOURCES.md)"),
    ),
)

TRAVEL_MODES = TableSchema(
    name="travel_modes",
    description="How teams travel: speed and fixed time per mode, to turn km into days.",
    key=("mode",),
    columns=(
        _c("mode", "str", "", "travel mode", pattern=TEAM_TYPE),
        _c("speed_kmh", "float", "km/h", "average speed while moving", min_value=1),
        _c("detour_factor", "float", "", "route length / great-circle distance",
           min_value=1),
        _c("fixed_hours", "float", "h", "assembly, boarding, transfers and hand-over",
           min_value=0),
        _c("hours_per_day", "float", "h/day", "hours of travel a day", min_value=1,
           max_value=24),
        _c("min_km", "float", "km", "the mode is used only from this distance on",
           nullable=True, required=False, min_value=0),
        _c("max_km", "float", "km", "the mode is used only up to this distance",
           nullable=True, required=False, min_value=0),
        _c("source", "str", "", "source ids of the figures (SOURCES.md)"),
        _c("note", "str", "", "remarks", nullable=True, required=False),
    ),
)

SCHEDULE = TableSchema(
    name="schedule",
    description="Teams of a dispatch schedule (a run's schedule.csv), e.g. the schedule in "
    "force when re-planning.",
    key=("team_id",),
    columns=(
        _c("team_id", "str", "", "team identifier"),
        _c("donor_code", "str", "", "donor region code", pattern=REGION_CODE),
        _c("recipient_code", "str", "", "recipient region code", pattern=REGION_CODE),
        _c("team_type", "str", "", "team type (team_types.csv)", pattern=TEAM_TYPE),
        _c("doctors", "int", "persons", "doctors in the team", min_value=0),
        _c("nurses", "int", "persons", "nurses in the team", min_value=0),
        _c("other_staff", "int", "persons", "other staff in the team", min_value=0,
           required=False, nullable=True),
        _c("depart", "date", "", "day the team leaves home"),
        _c("arrive", "date", "", "day the team arrives and starts work"),
        _c("tour_end", "date", "", "day the team stops work and leaves"),
        _c("quarantine_end", "date", "", "first day after quarantine at home"),
    ),
)

DEPLOYMENTS = TableSchema(
    name="deployments",
    description="Medical staff actually sent by donors to recipients (reported figures), "
    "the evidence that ``pairaid check-needs`` compares the model's needs with.",
    key=("donor_code", "recipient_code", "date", "figure_type", "source"),
    foreign_keys={"donor_code": "regions", "recipient_code": "regions"},
    columns=(
        _c("donor_code", "str", "", "donor region code", pattern=REGION_CODE),
        _c("recipient_code", "str", "", "recipient region code", pattern=REGION_CODE),
        _c("date", "date", "", "date the figure refers to (as of)"),
        _c("figure_type", "str", "", "cumulative (all staff sent so far) or batch (one team)",
           allowed=("cumulative", "batch")),
        _c("staff", "int", "persons", "medical staff, all cadres", min_value=0),
        _c("doctors", "int", "persons", "doctors among them (empty = not given)",
           nullable=True, required=False, min_value=0),
        _c("nurses", "int", "persons", "nurses among them (empty = not given)",
           nullable=True, required=False, min_value=0),
        _c("source", "str", "", "where the figure was read (URL or citation)"),
        _c("confidence", "str", "", "H, M or L", nullable=True, required=False,
           allowed=("H", "M", "L")),
        _c("note", "str", "", "remarks (the phrase quoted, caveats)", nullable=True,
           required=False),
    ),
)

STAFFING_NORMS = TableSchema(
    name="staffing_norms",
    description="Staff per patient by norm set, cadre and severity, as staff-hours per "
    "patient-day or as staff on the roster per patient (docs/needs.md).",
    key=("norm_set", "cadre", "severity"),
    columns=(
        _c("norm_set", "str", "", "name of the norm set"),
        _c("cadre", "str", "", "staff resource (doctors, nurses, icu_nurses, ...)",
           pattern=r"^[a-z][a-z0-9_]*$"),
        _c("severity", "str", "", "mild, severe or critical",
           allowed=("mild", "severe", "critical")),
        _c("hours_per_patient_day", "float", "h/patient-day", "staff-hours per patient per "
           "day (empty if staff_per_patient is given)", nullable=True, min_value=0),
        _c("staff_per_patient", "float", "staff/patient", "staff on the roster per patient "
           "(empty if hours_per_patient_day is given)", nullable=True, min_value=0),
        _c("source", "str", "", "where the value comes from"),
        _c("note", "str", "", "remarks", nullable=True, required=False),
    ),
)

BATCH_HISTORY = TableSchema(
    name="batches_2020",
    description="Batches of medical teams a donor province sent in 2020, where sourced.",
    key=("donor_code",),
    columns=(
        _c("donor_code", "str", "", "donor region code", pattern=REGION_CODE),
        _c("staff", "int", "persons", "staff sent in all batches", min_value=0),
        _c("batches", "int", "", "number of batches", min_value=0),
        _c("first_departure", "date", "", "first batch left", nullable=True),
        _c("last_departure", "date", "", "last batch left", nullable=True),
        _c("destinations", "str", "", "where the teams went", nullable=True,
           required=False),
        _c("source", "str", "", "source ids (SOURCES.md)"),
        _c("note", "str", "", "remarks", nullable=True, required=False),
    ),
)

SUPPLY_NORMS = TableSchema(
    name="supply_norms",
    description="Consumables used per staff member and day on site, and what teams carry.",
    key=("item",),
    columns=(
        _c("item", "str", "", "consumable", pattern=TEAM_TYPE),
        _c("per_staff_day", "float", "units per staff-day", "use per staff member on site "
           "and day", min_value=0),
        _c("unit", "str", "", "unit of the item (pieces, pairs)"),
        _c("carried_days", "float", "days", "days of use a team brings", min_value=0),
        _c("source", "str", "", "source ids (SOURCES.md)"),
        _c("note", "str", "", "remarks", nullable=True, required=False),
    ),
)

TRANSFERS = TableSchema(
    name="transfers",
    description="Patient transfers that happened (recorded counts, e.g. Italy's CROSS "
    "centre in 2020), cumulative since the first transfer, as the sources stated them.",
    key=("as_of_date", "from_region_code", "to_code", "to_name", "count_unit",
         "patient_group", "source"),
    foreign_keys={"from_region_code": "regions"},
    columns=(
        _c("as_of_date", "date", "", "date the figure was stated"),
        _c("from_region_code", "str", "", "region the patients left", pattern=REGION_CODE),
        _c("to_code", "str", "", "destination region code or a country code (DE); empty "
           "= all destinations together", nullable=True),
        _c("to_name", "str", "", "destination as the source names it", nullable=True,
           required=False),
        _c("count", "int", "patients", "cumulative count since the first transfer",
           min_value=0),
        _c("count_unit", "str", "", "patients, patients_being_transferred, patients_approx "
           "or missions"),
        _c("patient_group", "str", "", "all, covid or non_covid"),
        _c("source", "str", "", "source id (SOURCES.md)"),
        _c("note", "str", "", "remarks", nullable=True, required=False),
    ),
)

INPUT_TABLES: dict[str, TableSchema] = {
    "regions": REGIONS,
    "cases": CASES,
    "capacities": CAPACITIES,
    "pairings": PAIRINGS,
    "parameters": PARAMETERS,
    "distances": DISTANCES,
    "deployments": DEPLOYMENTS,
    "transfers": TRANSFERS,
}
"""Tables a data-set folder may hold, each as ``<name>.csv``."""

REQUIRED_TABLES = ("regions", "cases", "capacities")
"""Tables every data set must have; the others are optional."""


def _bool_parser(series: pd.Series) -> pd.Series:
    mapped = series.map(lambda v: _BOOL_WORDS.get(v.strip().lower(), v) if isinstance(v, str)
                        else v)
    return mapped.astype(object)


def _coercion_schema(schema: TableSchema, present: Sequence[str]) -> pa.DataFrameSchema:
    cols = {}
    for col in schema.columns:
        if col.name not in present:
            continue
        parsers = [pa.Parser(_bool_parser)] if col.dtype == "bool" else None
        cols[col.name] = pa.Column(_PANDERA_DTYPE[col.dtype], coerce=True, nullable=True,
                                   parsers=parsers)
    return pa.DataFrameSchema(cols, strict=False)


def _check_schema(schema: TableSchema, present: Sequence[str]) -> pa.DataFrameSchema:
    cols = {}
    for col in schema.columns:
        if col.name not in present:
            continue
        checks = []
        if col.dtype == "float":
            # 'inf' parses as a float and passes every bound check; no table has a use for it
            checks.append(pa.Check(lambda s: ~s.isin([float("inf"), float("-inf")]),
                                   element_wise=False, error="is not a finite number"))
            # 'nan' parses as a float NaN, which is not an empty cell (pd.NA): refused here,
            # not as a failed bound ("nan must be ≥ 0")
            checks.append(pa.Check(lambda s: s == s, element_wise=False, error=NOT_A_NUMBER))
        if col.min_value is not None:
            checks.append(pa.Check.ge(col.min_value, error=f"must be ≥ {col.min_value:g}"))
        if col.max_value is not None:
            checks.append(pa.Check.le(col.max_value, error=f"must be ≤ {col.max_value:g}"))
        if col.allowed is not None:
            checks.append(pa.Check.isin(col.allowed,
                                        error="must be one of " + ", ".join(col.allowed)))
        if col.pattern is not None:
            checks.append(pa.Check.str_matches(col.pattern, error=pattern_words(col.pattern)))
        cols[col.name] = pa.Column(nullable=col.nullable, checks=checks)
    unique = [k for k in schema.key if k in present] or None
    return pa.DataFrameSchema(cols, strict=False, unique=unique, report_duplicates="all")


NOT_A_NUMBER = "is not a number (NaN)"
"""Error name of the check that refuses a NaN cell of a float column."""


PATTERN_WORDS: dict[str, str] = {
    GB2260: "must be a six-digit GB/T 2260 code (e.g. 420900)",
    ISO3166_2: "must be an ISO 3166-2 code (e.g. CN-HB)",
    REGION_CODE: "must be a region code: six digits (GB/T 2260, e.g. 420900) or ISO "
                 "3166-2 (e.g. CN-HB)",
    r"^[a-z][a-z0-9_]*$": "must be a name of lower-case letters, digits and '_' starting "
                          "with a letter (e.g. covid_share_staff, field_team)",
    LEVEL: "must be a level in lower case, letters and '_' only (case-sensitive), such as "
           "province, prefecture, region or state",
}
"""What each text pattern of the schemas means, in the words a message shows."""


NUMBER_FORM_HINT = ("; write numbers with '.' as the decimal point and no thousands "
                    "separator (a spreadsheet saves '1.234,5' or '1,234' in some locales)")
"""Added to the message of a number cell that is a number in a locale's form."""

_LOCALE_NUMBER = re.compile(
    r"[+-]?(?:\d*,\d+"  # decimal comma: 0,5  51,227
    r"|\d{1,3}([,.' \u00a0\u202f])\d{3}(?:\1\d{3})*(?:[.,]\d+)?)")  # 13.124.737  1.234,5
"""A number with a decimal comma or with thousands grouped by ``,``, ``.``, ``'`` or a
space (Excel's CSV export in German, French or Swiss locales)."""


def _locale_number(text: str) -> bool:
    """Whether ``text`` is a number written in a locale's form (``51,227``, ``1.234,5``,
    ``13,124,737``, ``13 124 737``, ``13'124'737``) rather than with a plain '.'."""
    return _LOCALE_NUMBER.fullmatch(text.strip()) is not None


def pattern_words(pattern: str) -> str:
    """The rule ``pattern`` states, in words (never the raw regular expression)."""
    return PATTERN_WORDS.get(pattern, "is not in the expected form")


def _line(index: Any) -> int | None:
    try:
        return int(index) + 2
    except (TypeError, ValueError):
        return None


def _problems_from(err: pa.errors.SchemaErrors, schema: TableSchema, source: str,
                   frame: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[int | None, str | None, str]] = set()
    dup_rows: set[int] = set()
    cases = err.failure_cases
    for rec in cases.to_dict("records"):
        column = rec.get("column")
        check = str(rec.get("check"))
        row = _line(rec.get("index"))
        value = rec.get("failure_case")
        if check.startswith("multiple_fields_uniqueness"):
            if row is not None and row not in dup_rows:
                dup_rows.add(row)
            continue
        if isinstance(value, float) and value != value and check not in (NOT_A_NUMBER,
                                                                          "not_nullable"):
            continue  # a NaN fails every bound too: said once, as not a number
        # (an empty cell of a text column is NaN too, pandas' str dtype: its not_nullable
        # failure must be said, or the empty cell passes silently)
        if check == NOT_A_NUMBER:
            col = schema.column(str(column))
            raw = frame[column].iloc[row - 2] if row is not None else value
            msg = (f"{raw!r} is not a number (NaN); " + (
                "write a number, or leave the cell empty if unknown" if col.nullable
                else "a number is required"))
        elif check == "not_nullable":
            msg = "empty cell, but a value is required"
        elif check.startswith("coerce_dtype") or check.startswith("dtype("):
            col = schema.column(str(column))
            msg = f"'{value}' is not {_EXPECTED[col.dtype]}" + (
                NUMBER_FORM_HINT if col.dtype in ("int", "float")
                and _locale_number(str(value)) else "")
        elif check.startswith("column_in_dataframe"):
            continue
        else:
            msg = f"{value!r} {check}"
        sig = (row, column, msg)
        if sig in seen:
            continue
        seen.add(sig)
        problems.append(Problem(source, msg, row, None if column is None else str(column)))
    if dup_rows:
        key = ", ".join(schema.key)
        for row in sorted(dup_rows):
            values = ", ".join(str(frame.iloc[row - 2][k]) for k in schema.key if k in frame)
            problems.append(Problem(source, f"duplicated key ({key}) = ({values})", row,
                                    schema.key[0]))
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return problems


ISO_DATE = r"\d{4}-\d{2}-\d{2}"
"""The only date form accepted in input files (ISO 8601 calendar date, ``YYYY-MM-DD``)."""

def parse_dates(frame: pd.DataFrame, schema: TableSchema, source: str
                ) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse every date column strictly as ``YYYY-MM-DD`` (explicit format, no guessing).

    A day-first ``01/02/2020`` or month-first ``02/01/2020`` cell is never read as a date
    (pandas' inference would read it month-first without a word: case c0004).

    Returns
    -------
    frame : pandas.DataFrame
        A copy with each date column as ``datetime64``; bad cells are empty (``NaT``).
    problems : list of Problem
        One per bad cell, with line, column and the value.
    """
    out = frame.copy()
    problems: list[Problem] = []
    for col in schema.columns:
        if col.dtype != "date" or col.name not in out.columns:
            continue
        cells = out[col.name].astype("string").str.strip()
        parsed = pd.to_datetime(cells, format="%Y-%m-%d", errors="coerce")
        shaped = cells.str.fullmatch(ISO_DATE).fillna(False).astype(bool)
        bad = cells.notna() & (parsed.isna() | ~shaped)
        for index in bad[bad].index:
            problems.append(Problem(source, f"'{cells[index]}' is not an ISO date "
                                    "YYYY-MM-DD", _line(index), col.name))
        out[col.name] = parsed.where(~bad).astype("datetime64[ns]")
    return out, problems


def validate(raw: pd.DataFrame, schema: TableSchema, source: str) -> pd.DataFrame:
    """Check a raw table against ``schema`` and return it typed.

    Parameters
    ----------
    raw : pandas.DataFrame
        The table with every cell as a string or missing (as read with ``dtype=str``), rows
        in file order with a default ``RangeIndex``.
    schema : TableSchema
        The schema to check against.
    source : str
        Name of the file or table, used in messages.

    Returns
    -------
    pandas.DataFrame
        Every column of the schema in schema order, typed: ``str`` -> ``string``,
        ``int`` -> ``Int64``, ``float`` -> ``Float64``, ``date`` -> ``datetime64[ns]``,
        ``bool`` -> ``boolean``; an optional column absent from ``raw`` is added with every
        cell empty (unknown), so no later stage depends on which optional columns a file
        has (case c0005). Extra columns are kept after them unchanged.

    Raises
    ------
    pairaid.errors.InputError
        Listing every missing column, bad cell (line and column) and duplicated key.
    """
    missing = [c.name for c in schema.columns if c.required and c.name not in raw.columns]
    if missing:
        raise InputError([Problem(source, f"missing required column '{m}'", None, m)
                          for m in missing])
    frame = raw.reset_index(drop=True)
    present = [c.name for c in schema.columns if c.name in frame.columns]
    dated, problems = parse_dates(frame, schema, source)
    bad_cells = {(p.row, p.column) for p in problems}
    bad_rows = {p.row for p in problems}

    def also(more: list[Problem]) -> list[Problem]:
        # a refused date is not reported again as empty or as part of a duplicated key
        return problems + [p for p in more if (p.row, p.column) not in bad_cells and not (
            p.row in bad_rows and p.message.startswith("duplicated key"))]

    try:
        typed = _coercion_schema(schema, present).validate(dated, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise InputError(_sorted(also(_problems_from(err, schema, source, frame)))) from None
    try:
        typed = _check_schema(schema, present).validate(typed, lazy=True)
    except pa.errors.SchemaErrors as err:
        problems = also(_problems_from(err, schema, source, frame))
    if problems:
        raise InputError(_sorted(problems))
    extra = [c for c in typed.columns if c not in present]
    typed = typed[present + extra].copy()
    for col in schema.columns:
        if col.name not in present:  # an absent optional column: every cell unknown
            typed[col.name] = pd.Series(pd.NA if col.dtype != "date" else pd.NaT,
                                        index=typed.index, dtype=_PANDERA_DTYPE[col.dtype])
    names = schema.names
    return typed[names + extra]


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


def empty_table(schema: TableSchema) -> pd.DataFrame:
    """An empty frame with the schema's columns and dtypes."""
    return pd.DataFrame({c.name: pd.Series(dtype=_PANDERA_DTYPE[c.dtype])
                         for c in schema.columns})
