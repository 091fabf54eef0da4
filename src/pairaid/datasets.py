"""Data sets: a checked bundle of input tables, built in or from a user's folder.

A data set is a folder of CSV files, one per table of :data:`pairaid.schemas.INPUT_TABLES`,
plus an optional ``SOURCES.md``. Built-in data sets ship as package data under
``pairaid/data/<name>/``; the format is documented in ``docs/data-format.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from pairaid import plausibility
from pairaid.config import read_config_file
from pairaid.errors import ConfigError, InputError, Problem
from pairaid.io import read_tables
from pairaid.schemas import CAPACITIES, CASES, PARAMETERS, REQUIRED_TABLES, empty_table

BUILTIN = ("hubei-2020", "italy-2020")
"""Names of the data sets shipped with pairaid."""


@dataclass(frozen=True)
class Dataset:
    """A checked set of input tables.

    Attributes
    ----------
    name : str
        Data-set name (``hubei-2020``, or the folder name of a user's data).
    path : pathlib.Path
        Folder the tables were read from.
    regions, cases, capacities, pairings, parameters, distances, deployments : DataFrame
        Tables as described in :mod:`pairaid.schemas`; ``pairings``, ``parameters``,
        ``distances`` and ``deployments`` are optional (empty or ``None``).
    transfers : DataFrame or None
        Recorded patient transfers (``transfers.csv``), if the data set has them.
    defaults : dict
        The data set's own default settings (``defaults.toml``: e.g. its decision date,
        recipients), applied under a configuration file and flags.
    boundaries : dict or None
        The data set's region boundaries (``boundaries.geojson``: a GeoJSON
        FeatureCollection, lon/lat [deg], one property ``region_code`` per feature), drawn
        by the report map; ``None`` without the file.
    notes : tuple of str
        What the plausibility checks found and did (:mod:`pairaid.plausibility`: a spike
        taken as unknown, an implausible capacity), with file, line and column; a plan
        keeps them in its notes.
    """

    name: str
    path: Path
    regions: pd.DataFrame
    cases: pd.DataFrame
    capacities: pd.DataFrame
    pairings: pd.DataFrame
    parameters: pd.DataFrame
    distances: pd.DataFrame | None
    deployments: pd.DataFrame | None = None
    transfers: pd.DataFrame | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)
    boundaries: Mapping[str, Any] | None = None
    notes: tuple[str, ...] = ()

    @property
    def sources_text(self) -> str | None:
        """The data set's ``SOURCES.md``, if it has one."""
        path = self.path / "SOURCES.md"
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def region_names(self, lang: str = "en") -> dict[str, str]:
        """Map region code -> name (``lang`` is ``en`` or ``zh``; a region without a
        Chinese name is named in its own language, else in English)."""
        return region_names(self.regions, lang)


PAIRINGS_COLUMNS = ["round", "status", "donor_code", "recipient_code", "sources"]
"""Columns of an empty ``pairings`` table (a data set without historical pairings)."""


def region_names(regions: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """Map region code -> name in ``lang`` (``en`` or ``zh``), falling back to
    ``name_local`` and then ``name_en`` where the asked-for name is empty."""
    names = regions["name_en"].astype(object)
    if lang == "zh":
        for col in ("name_local", "name_zh"):
            if col in regions:
                names = regions[col].astype(object).where(regions[col].notna(), names)
    return {str(c): str(n) for c, n in zip(regions["region_code"], names, strict=True)}


def read_defaults(folder: Path) -> dict[str, Any]:
    """The data set's default settings (``defaults.toml``), or ``{}`` without one.

    Raises
    ------
    pairaid.errors.ConfigError
        If the file is not valid TOML or a setting has the wrong type or value
        (:func:`pairaid.config.read_config_file`).
    """
    path = folder / "defaults.toml"
    if not path.is_file():
        return {}
    return read_config_file(path)


def read_boundaries(folder: Path, regions: pd.DataFrame) -> dict[str, Any] | None:
    """The data set's ``boundaries.geojson``, or ``None`` without one.

    Returns
    -------
    dict or None
        A GeoJSON FeatureCollection whose features each carry ``properties.region_code``,
        a code of ``regions.csv``.

    Raises
    ------
    pairaid.errors.InputError
        If the file is not JSON, not a FeatureCollection, or a feature has no geometry or
        an unknown or missing ``region_code`` (file and feature number named).
    """
    path = folder / "boundaries.geojson"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), f"not valid JSON ({exc})")]) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features"), list):
        raise InputError([Problem(str(path), "expected a GeoJSON FeatureCollection")])
    known = set(regions["region_code"].astype(str))
    problems = []
    for i, feature in enumerate(data["features"], 1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        code = props.get("region_code") if isinstance(props, dict) else None
        if code not in known:
            problems.append(Problem(str(path), f"feature {i}: properties.region_code "
                                    f"{code!r} is not a region of regions.csv"))
        elif not isinstance(feature.get("geometry"), dict):
            problems.append(Problem(str(path), f"feature {i} ({code}): no geometry"))
    if problems:
        raise InputError(problems)
    return data


def _check_references(tables: dict[str, pd.DataFrame], folder: Path) -> list[Problem]:
    known = set(tables["regions"]["region_code"].astype(str))
    problems: list[Problem] = []
    refs = {"cases": ["region_code"], "capacities": ["region_code"],
            "transfers": ["from_region_code"],
            "pairings": ["donor_code", "recipient_code"],
            "distances": ["donor_code", "recipient_code"],
            "deployments": ["donor_code", "recipient_code"]}
    for table, columns in refs.items():
        if table not in tables:
            continue
        frame = tables[table]
        for column in columns:
            bad = ~frame[column].astype(str).isin(known)
            for idx in frame.index[bad]:
                problems.append(Problem(
                    str(folder / f"{table}.csv"),
                    f"unknown region code '{frame.at[idx, column]!s}' (not in regions.csv)",
                    int(idx) + 2, column))
    return problems


def _check_counts(tables: dict[str, pd.DataFrame], folder: Path) -> list[Problem]:
    """Counts that contradict each other within a row: doctors + nurses above the staff of a
    ``deployments.csv`` figure (``cases.csv``: :mod:`pairaid.plausibility`)."""
    problems: list[Problem] = []
    deps = tables.get("deployments")
    if deps is not None and {"doctors", "nurses"} <= set(deps.columns):
        split = deps["doctors"].fillna(0) + deps["nurses"].fillna(0)
        bad = (split > deps["staff"]).fillna(False)
        for idx in deps.index[bad.to_numpy(dtype=bool)]:
            problems.append(Problem(
                str(folder / "deployments.csv"),
                f"doctors + nurses = {int(split[idx])} is more than staff = "
                f"{int(deps['staff'][idx])}", int(idx) + 2, "staff"))
    return problems


def load_dataset(
    folder: Path | str, *, name: str | None = None, forecast_only: bool = False
) -> Dataset:
    """Read and check a data-set folder.

    Parameters
    ----------
    folder : path-like
        Folder in the layout of ``docs/data-format.md``.
    name : str, optional
        Name to give the data set (default: the folder name).
    forecast_only : bool
        Require only ``regions.csv`` and ``cases.csv`` (enough to forecast and backtest);
        ``capacities`` is then empty if the file is absent.

    Returns
    -------
    Dataset

    Raises
    ------
    pairaid.errors.InputError
        Every schema problem, every unknown region code and every implausible count
        (:mod:`pairaid.plausibility`), with file, line and column.
    """
    folder = Path(folder)
    tables = read_tables(folder, required=("regions", "cases") if forecast_only
                         else REQUIRED_TABLES)
    problems = _check_references(tables, folder)
    notes: list[str] = []
    if not problems:
        tables, problems, notes = plausibility.check(tables, folder)
        problems += _check_counts(tables, folder)
    if problems:
        raise InputError(problems)
    cases = tables["cases"].sort_values(["region_code", "date"]).reset_index(drop=True)
    return Dataset(
        name=name or folder.name,
        path=folder,
        regions=tables["regions"],
        cases=cases,
        capacities=tables.get("capacities", empty_table(CAPACITIES)),
        pairings=tables.get("pairings", pd.DataFrame(columns=PAIRINGS_COLUMNS)),
        parameters=tables.get("parameters", empty_table(PARAMETERS)),
        distances=tables.get("distances"),
        deployments=tables.get("deployments"),
        transfers=tables.get("transfers"),
        defaults=read_defaults(folder),
        boundaries=read_boundaries(folder, tables["regions"]),
        notes=tuple(notes),
    )


def load_regions(folder: Path | str, *, name: str | None = None) -> Dataset:
    """Read only a data-set folder's ``regions.csv`` (with its ``defaults.toml`` and
    ``boundaries.geojson`` when present): what the coordination service needs.

    The other tables are not read (``cases``, ``capacities`` and ``pairings`` are empty),
    so a folder of ``regions.csv`` alone is enough.

    Parameters
    ----------
    folder : path-like
        Folder in the layout of ``docs/data-format.md``.
    name : str, optional
        Name to give the data set (default: the folder name).

    Returns
    -------
    Dataset

    Raises
    ------
    pairaid.errors.InputError
        The folder or ``regions.csv`` is missing, or ``regions.csv`` fails its schema
        (file, line and column named), or ``boundaries.geojson`` names an unknown region.
    pairaid.errors.ConfigError
        ``defaults.toml`` is not valid TOML or holds a bad setting.
    """
    folder = Path(folder)
    regions = read_tables(folder, required=("regions",), only=("regions",))["regions"]
    return Dataset(
        name=name or folder.name, path=folder, regions=regions,
        cases=empty_table(CASES), capacities=empty_table(CAPACITIES),
        pairings=pd.DataFrame(columns=PAIRINGS_COLUMNS),
        parameters=empty_table(PARAMETERS), distances=None,
        defaults=read_defaults(folder), boundaries=read_boundaries(folder, regions))


def builtin_path(name: str) -> Path:
    """Folder of the built-in data set ``name``.

    Raises
    ------
    pairaid.errors.ConfigError
        If there is no built-in data set of that name.
    """
    if name not in BUILTIN:
        raise ConfigError(f"unknown data set '{name}'; built-in data sets: "
                          + ", ".join(BUILTIN) + " (or pass --data DIR)")
    return Path(str(resources.files("pairaid") / "data" / name))


def load_builtin(name: str = "hubei-2020") -> Dataset:
    """Load a built-in data set (see :data:`BUILTIN`)."""
    return load_dataset(builtin_path(name), name=name)


def describe(dataset: Dataset) -> pd.DataFrame:
    """Summarise a data set: one row per table.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``rows``, ``first_date``, ``last_date`` (ISO or empty),
        ``regions`` (distinct region codes referenced).
    """
    rows = []
    for table in ("regions", "cases", "capacities", "pairings", "parameters", "distances",
                  "deployments", "transfers"):
        frame = getattr(dataset, table)
        if frame is None:
            continue
        first = last = ""
        for col in ("date", "round", "as_of_date"):
            if col in frame and len(frame):
                first = pd.Timestamp(frame[col].min()).date().isoformat()
                last = pd.Timestamp(frame[col].max()).date().isoformat()
        codes: set[str] = set()
        for col in ("region_code", "donor_code", "recipient_code"):
            if col in frame:
                codes |= set(frame[col].astype(str))
        rows.append({"table": table, "rows": len(frame), "first_date": first,
                     "last_date": last, "regions": len(codes)})
    return pd.DataFrame(rows)
