"""Read a run folder written by ``pairaid plan`` into typed tables for the reports.

The run folder holds one CSV per table (see ``docs/design.md``), ``metrics.json`` and
``config.toml``. :func:`read_run` checks that every required file and column is there and
that dates and numbers parse, and raises one :class:`pairaid.errors.InputError` listing every
problem (file, line, column) otherwise.
"""

from __future__ import annotations

import io
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pairaid.errors import InputError, Problem
from pairaid.io import check_csv_text

CODE_COLUMNS = ("region_code", "gb2260_code", "parent_code", "donor_code", "recipient_code")


def is_code_column(name: str) -> bool:
    """Whether run-folder column ``name`` holds codes, to be kept as text (never a number:
    Italy's ISTAT region code ``01`` would lose its leading zero): a column of
    :data:`CODE_COLUMNS`, any ``*_code`` column (``national_code``, ``nuts2_code``,
    ``from_code``, ``to_code``) and ``iso3166_2``."""
    return name in CODE_COLUMNS or name.endswith("_code") or name == "iso3166_2"


@dataclass(frozen=True)
class TableSpec:
    """Columns of one run-folder CSV that the reports rely on.

    Parameters
    ----------
    columns : tuple of str
        Columns that must be present (more may be).
    numbers : tuple of str
        Columns that must parse as numbers (empty cells allowed).
    dates : tuple of str
        Columns that must parse as ISO dates ``YYYY-MM-DD``.
    required : bool
        The file must exist; when ``False`` a missing file reads as an empty table.
    """

    columns: tuple[str, ...]
    numbers: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    required: bool = True


_PAIRS = TableSpec(("donor_code", "recipient_code", "distance_km"), numbers=("distance_km",))
_FLOWS = TableSpec(("donor_code", "recipient_code", "resource", "quantity"),
                   numbers=("quantity",))
_SHORTFALL = TableSpec(("recipient_code", "resource", "date", "shortfall"),
                       numbers=("shortfall",), dates=("date",))


def _optional(spec: TableSpec) -> TableSpec:
    return TableSpec(spec.columns, spec.numbers, spec.dates, required=False)


TABLES: dict[str, TableSpec] = {
    "regions": TableSpec(
        ("region_code", "gb2260_code", "name_zh", "name_en", "level", "latitude", "longitude"),
        numbers=("latitude", "longitude")),
    "forecast": TableSpec(("region_code", "date", "target", "quantile", "value"),
                          numbers=("quantile", "value"), dates=("date",)),
    "observed": TableSpec(("region_code", "date", "new_confirmed", "census"),
                          numbers=("new_confirmed", "census"), dates=("date",), required=False),
    "needs": TableSpec(("region_code", "date", "resource", "quantile", "value"),
                       numbers=("quantile", "value"), dates=("date",)),
    "gaps": TableSpec(("region_code", "date", "resource", "need", "available", "gap"),
                      numbers=("need", "available", "gap"), dates=("date",)),
    "donor_capacities": TableSpec(("donor_code", "resource", "deployable", "own_need",
                                   "capacity"),
                                  numbers=("deployable", "own_need", "capacity")),
    "pairs": _PAIRS,
    "official_pairs": _optional(_PAIRS),
    "flows": _FLOWS,
    "official_flows": _optional(_FLOWS),
    "shortfall": _SHORTFALL,
    "official_shortfall": _optional(_SHORTFALL),
    # written when the data set has deployments.csv / by `pairaid plan --sensitivity`
    "needs_check": TableSpec(
        ("recipient_code", "need_staff", "model_gap_staff", "deployed_staff"),
        numbers=("need_staff", "model_gap_staff", "deployed_staff"), required=False),
    "sensitivity": TableSpec(
        ("parameter", "end", "value", "gap_staff_days", "gap_change_share"),
        numbers=("value", "gap_staff_days", "gap_change_share"), required=False),
    # written by `pairaid plan --previous` only
    "changes": TableSpec(("donor_code", "recipient_code", "change", "sent", "reason"),
                         numbers=("sent",), required=False),
    # written by `pairaid plan --transfer icu`
    "transfers": TableSpec(("donor_code", "recipient_code", "date", "patients",
                            "distance_km"), numbers=("patients", "distance_km"),
                           dates=("date",), required=False),
    # written by `pairaid plan --explain` only
    "explain_forbid_costs": TableSpec(
        ("donor_code", "recipient_code", "objective", "cost", "shortfall_change", "status"),
        numbers=("objective", "cost", "shortfall_change"), required=False),
    "explain_marginal_values": TableSpec(
        ("recipient_code", "objective", "value", "shortfall_change", "status"),
        numbers=("objective", "value", "shortfall_change"), required=False),
    # written by `pairaid evaluate --run` only
    "evaluation": TableSpec(("plan", "scenario", "shortfall_staff_days", "gap_covered_share"),
                            numbers=("shortfall_staff_days", "gap_covered_share"),
                            required=False),
    "evaluation_summary": TableSpec(
        ("plan", "shortfall_mean", "shortfall_p10", "shortfall_p50", "shortfall_p90",
         "shortfall_cvar90", "gap_covered_share_mean", "realised_shortfall_staff_days"),
        numbers=("shortfall_mean", "shortfall_p10", "shortfall_p50", "shortfall_p90",
                 "shortfall_cvar90", "gap_covered_share_mean",
                 "realised_shortfall_staff_days"), required=False),
    "evaluation_pairwise": TableSpec(("plan", "other", "share_better"),
                                     numbers=("share_better",), required=False),
    "evaluation_vss": TableSpec(("measure", "value", "unit", "note"), numbers=("value",),
                                required=False),
    # written by `pairaid plan --dispatch` only
    "schedule": TableSpec(("team_id", "donor_code", "recipient_code", "team_type", "doctors",
                           "nurses", "depart", "arrive", "tour_end", "quarantine_end"),
                          numbers=("doctors", "nurses"),
                          dates=("depart", "arrive", "tour_end", "quarantine_end"),
                          required=False),
    "on_site": TableSpec(("recipient_code", "resource", "date", "gap", "on_site",
                          "shortfall"), numbers=("gap", "on_site", "shortfall"),
                         dates=("date",), required=False),
}

PAIRAID = "pairaid"
"""Key of pairaid's plan in ``metrics.json``."""
OFFICIAL_PREFIX = "official_"
"""Prefix of the historical plan's key (``official_2020_02_10``) and of its CSV files."""
METRICS = ("shortfall_staff_days", "gap_covered_share", "staff_sent", "max_donor_burden",
           "total_distance_km", "mean_distance_km", "pairs", "donors_used")
"""Plan metrics of ``metrics.json`` compared in the reports (the console's comparison,
:func:`pairaid.metrics.plan_metrics`, without the solver fields: those are :data:`SOLVER`)."""
SOLVER = ("status", "objective", "bound", "mip_gap", "bound_source", "solve_seconds")
"""Solver fields of ``metrics.json``."""


@dataclass(frozen=True)
class RunTables:
    """Everything a report shows, read from one run folder.

    Attributes
    ----------
    run_dir : Path
        The run folder.
    tables : dict of str to DataFrame
        One table per CSV (keys of :data:`TABLES`); code columns are strings, ``date``
        columns ``datetime64[ns]``, number columns floats; optional files that are absent
        are empty frames with the spec's columns.
    metrics : dict
        ``metrics.json`` without ``sources`` and other non-plan entries: plan name
        (``pairaid``, ``official_<round>``) -> metric name -> value.
    sources : list of str
        Data sources named in ``metrics.json`` (may be empty).
    flags : list of str
        Fallbacks the run took (``metrics.json`` ``flags``: a donor without complete case
        counts, a non-finite forecast mean, a failed Hessian), in words; empty if none.
    notes : list of str
        What the run told the user about its data and choices (``metrics.json`` ``notes``,
        the terminal's ``note:`` lines: days of unknown counts interpolated, the census
        used, forecast rows ignored), in words; empty if none.
    config : dict
        ``config.toml`` as read (empty when the file is absent).
    stability : dict
        ``explain_stability.json`` (``pairaid plan --explain``): ``team`` (resource ->
        staff), ``stable_pairs`` and ``official_blocking_pairs`` (lists of
        ``[donor_code, recipient_code]``; the latter ``None`` without an official plan).
        Empty when the file is absent.
    dispatch : dict
        ``dispatch.json`` (``pairaid plan --dispatch``): ``pairaid`` (and ``official``) ->
        solver status, gap and schedule measures. Empty when the file is absent.
    boundaries : dict or None
        ``boundaries.geojson``: the data set's boundaries of the run's regions (GeoJSON
        FeatureCollection, lon/lat [deg], ``properties.region_code``); ``None`` if absent.
    boundaries_licence : str or None
        ``LICENSE-boundaries``: the licence of those boundaries.
    """

    run_dir: Path
    tables: dict[str, pd.DataFrame]
    metrics: dict[str, dict[str, Any]]
    sources: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    stability: dict[str, Any] = field(default_factory=dict)
    dispatch: dict[str, Any] = field(default_factory=dict)
    boundaries: dict[str, Any] | None = None
    boundaries_licence: str | None = None
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def official(self) -> str | None:
        """Key of the historical plan in ``metrics.json`` (``official_2020_02_10``), if any."""
        keys = sorted(k for k in self.metrics if k.startswith(OFFICIAL_PREFIX))
        return keys[0] if keys else None

    @property
    def plans(self) -> list[str]:
        """Plans in ``metrics.json``: ``pairaid`` first, then the official one if present."""
        return [p for p in (PAIRAID, self.official) if p is not None and p in self.metrics]

    def plan_table(self, plan: str, name: str) -> pd.DataFrame:
        """Return table ``name`` (``pairs``, ``flows``, ``shortfall``) of ``plan``."""
        prefix = OFFICIAL_PREFIX if plan.startswith(OFFICIAL_PREFIX) else ""
        return self.tables[prefix + name]

    def has_plan(self, plan: str) -> bool:
        """Whether the run folder holds the pairs of ``plan``."""
        return plan in self.metrics and not self.plan_table(plan, "pairs").empty


def _read_csv(path: Path, spec: TableSpec, problems: list[Problem]) -> pd.DataFrame:
    if not path.exists():
        if spec.required:
            problems.append(Problem(str(path), "required file is missing"))
        return pd.DataFrame({c: pd.Series(dtype="object") for c in spec.columns})
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a CR inside a name stays a CR
        check_csv_text(text, str(path))  # a column twice, a row of more or fewer fields
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                          na_values=[""])
    except InputError as err:
        problems.extend(err.problems)
        return pd.DataFrame({c: pd.Series(dtype="object") for c in spec.columns})
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        problems.append(Problem(str(path), f"not a readable UTF-8 CSV file ({exc})"))
        return pd.DataFrame({c: pd.Series(dtype="object") for c in spec.columns})
    missing = [c for c in spec.columns if c not in raw.columns]
    for c in missing:
        problems.append(Problem(str(path), "required column is missing", column=c))
    if missing:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in spec.columns})
    df = raw.copy()
    for col in spec.numbers:
        parsed = pd.to_numeric(df[col], errors="coerce")
        for i in df.index[parsed.isna() & df[col].notna()][:10]:
            problems.append(Problem(str(path), f"expected a number, got {df.at[i, col]!r}",
                                    row=int(i) + 2, column=col))
        df[col] = parsed.astype(float)
    for col in spec.dates:
        parsed = pd.to_datetime(df[col], format="%Y-%m-%d", errors="coerce")
        for i in df.index[parsed.isna()][:10]:
            problems.append(Problem(str(path), f"expected an ISO date YYYY-MM-DD, got "
                                    f"{df.at[i, col]!r}", row=int(i) + 2, column=col))
        df[col] = parsed
    if "estimated" in df.columns:
        df["estimated"] = df["estimated"].str.lower().map({"true": True, "false": False,
                                                          "1": True, "0": False})
    return df


def _unknown_regions(run: Path, tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Problems for region codes used in a table but absent from ``regions.csv``."""
    known = set(tables["regions"]["region_code"].dropna())
    problems = []
    for name in ("pairs", "official_pairs", "flows", "official_flows", "gaps"):
        df = tables[name]
        for col in ("donor_code", "recipient_code", "region_code"):
            if col not in df.columns:
                continue
            bad = df.index[~df[col].isin(known)]
            for i in bad[:10]:
                problems.append(Problem(str(run / f"{name}.csv"),
                                        f"region {df.at[i, col]!r} is not in regions.csv",
                                        row=int(i) + 2, column=col))
    return problems


def read_run(run_dir: str | Path) -> RunTables:
    """Read and check a run folder.

    Parameters
    ----------
    run_dir : str or Path
        Folder written by ``pairaid plan`` (CSV tables, ``metrics.json``, ``config.toml``).

    Returns
    -------
    RunTables
        The tables, metrics, sources and configuration.

    Raises
    ------
    InputError
        If the folder, a required file or column is missing, or a number, date or JSON/TOML
        file does not parse; every problem is listed with file, line and column.
    """
    run = Path(run_dir)
    if not run.is_dir():
        raise InputError([Problem(str(run), "run folder does not exist")])
    problems: list[Problem] = []
    tables = {name: _read_csv(run / f"{name}.csv", spec, problems)
              for name, spec in TABLES.items()}
    observed = tables["observed"]
    if "icu_census" in observed:  # runs that forecast the reported ICU census
        parsed = pd.to_numeric(observed["icu_census"], errors="coerce")
        for i in observed.index[parsed.isna() & observed["icu_census"].notna()][:10]:
            problems.append(Problem(str(run / "observed.csv"), "expected a number, got "
                                    f"{observed.at[i, 'icu_census']!r}", row=int(i) + 2,
                                    column="icu_census"))
        observed["icu_census"] = parsed.astype(float)
    metrics: dict[str, Any] = {}
    path = run / "metrics.json"
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(metrics, dict) or "pairaid" not in metrics:
            problems.append(Problem(str(path), "expected an object with key 'pairaid'"))
            metrics = {}
        for key in ("sources", "flags", "notes"):
            if not isinstance(metrics.get(key, []), list):
                problems.append(Problem(str(path), f"'{key}': expected a list of texts, got "
                                        f"{type(metrics[key]).__name__}"))
    except FileNotFoundError:
        problems.append(Problem(str(path), "required file is missing"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), f"not valid JSON ({exc})"))
    config: dict[str, Any] = {}
    path = run / "config.toml"
    if path.exists():
        try:
            config = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), f"not valid TOML ({exc})"))
    stability = _read_stability(run / "explain_stability.json", problems)
    dispatch = _read_dispatch(run / "dispatch.json", problems)
    boundaries = _read_boundaries(run / "boundaries.geojson", problems)
    licence_path = run / "LICENSE-boundaries"
    licence = licence_path.read_text(encoding="utf-8") if licence_path.is_file() else None
    if not problems:
        problems += _unknown_regions(run, tables)
    if problems:
        raise InputError(problems)
    sources = [str(s) for s in metrics.pop("sources", [])]
    flags = [str(s) for s in metrics.pop("flags", [])]
    notes = [str(s) for s in metrics.pop("notes", [])]
    return RunTables(run, tables, {k: v for k, v in metrics.items() if isinstance(v, dict)},
                     sources, config, stability, dispatch, boundaries, licence, flags, notes)


def _load_json(path: Path, problems: list[Problem]) -> tuple[bool, Any]:
    """An optional JSON file of a run: ``(True, content)``, or ``(False, None)`` if it is
    absent or not valid JSON (then a Problem naming the file is recorded)."""
    if not path.exists():
        return False, None
    try:
        return True, json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), f"not valid JSON ({exc})"))
        return False, None


def _read_boundaries(path: Path, problems: list[Problem]) -> dict[str, Any] | None:
    """``boundaries.geojson`` (the data set's region boundaries), or ``None`` if absent."""
    found, data = _load_json(path, problems)
    if not found:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("features"), list) or not all(
            isinstance(f, dict) and isinstance(f.get("properties"), dict)
            and "region_code" in f["properties"] for f in data["features"]):
        problems.append(Problem(str(path), "expected a GeoJSON FeatureCollection whose "
                                "features carry properties.region_code"))
        return None
    return data


def _read_dispatch(path: Path, problems: list[Problem]) -> dict[str, Any]:
    """``dispatch.json`` (``pairaid plan --dispatch``): plan -> measures (empty if absent)."""
    found, data = _load_json(path, problems)
    if not found:
        return {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        problems.append(Problem(str(path), "expected an object of objects (plan -> "
                                "measures)"))
        return {}
    return data


def _read_stability(path: Path, problems: list[Problem]) -> dict[str, Any]:
    """``explain_stability.json`` checked for its three keys (empty dict if absent)."""
    found, data = _load_json(path, problems)
    if not found:
        return {}

    def pair_list(value: Any) -> bool:
        return isinstance(value, list) and all(
            isinstance(p, list) and len(p) == 2 and all(isinstance(c, str) for c in p)
            for p in value)

    if not isinstance(data, dict) or not isinstance(data.get("team"), dict) \
            or not pair_list(data.get("stable_pairs")) \
            or not (data.get("official_blocking_pairs") is None
                    or pair_list(data.get("official_blocking_pairs"))):
        problems.append(Problem(str(path), "expected an object with 'team' (resource -> "
                                "staff), 'stable_pairs' and 'official_blocking_pairs' (lists "
                                "of [donor_code, recipient_code], the latter may be null)"))
        return {}
    return data


def flatten_config(config: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Flatten a configuration to ``(setting, value)`` rows.

    Nested tables become dotted names (``data.path``); numbers and booleans stay as they
    are, lists become JSON text and everything else its ``str``.
    """
    out: list[tuple[str, Any]] = []
    for key, value in config.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out += flatten_config(value, name + ".")
        elif isinstance(value, bool | int | float):
            out.append((name, value))
        elif isinstance(value, list):
            out.append((name, json.dumps(value, ensure_ascii=False, default=str)))
        else:
            out.append((name, str(value)))
    return out
