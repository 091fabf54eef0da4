"""Named model parameters (value, unit, plausible range, source) and their valid ranges.

A data set's ``parameters.csv`` gives each parameter's value, unit, source and, where a
source or an argument gives one, a plausible ``low``–``high`` range (used by the sensitivity
run). The *valid* range of every known parameter (what the model's own invariants allow) is
data too, in the package file ``data/norms/parameter_limits.csv``; built-in values, a data
set's values and ``--param`` overrides are all checked against it, and against the nesting
constraints of :func:`check_values`.

A data set without ``parameters.csv`` uses the parameter set of the built-in ``hubei-2020``
data set (with a warning: those values describe Hubei in February 2020).
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from pairaid.errors import ConfigError, InputError, Problem

NEEDS_PARAMETERS = (
    "share_mild", "share_severe", "share_critical", "share_ventilated_of_critical",
    "beds_per_patient",
)
"""Parameters :func:`pairaid.needs.compute_needs` always needs. Also used when given: the
lengths of stay by severity (``los_*_days``; without them the census has the incident mix),
the shift parameters (required by hours-based norm sets, :data:`pairaid.needs.SHIFT_PARAMETERS`)
and staff-per-patient ratios (:data:`pairaid.needs.RATIO_PARAMETERS`)."""

CAPACITY_PARAMETERS = ("covid_share_beds", "covid_share_staff", "deployable_share")
"""Parameters :mod:`pairaid.gaps` uses."""


@cache
def parameter_limits() -> pd.DataFrame:
    """Valid range of every known parameter: ``name``, ``min``, ``max``, ``why``.

    Read from the package file ``data/norms/parameter_limits.csv``.
    """
    path = resources.files("pairaid") / "data" / "norms" / "parameter_limits.csv"
    with resources.as_file(path) as file:
        return pd.read_csv(file, dtype={"name": str, "why": str})


def check_values(values: dict[str, float], *, source: str,
                 rows: dict[str, int] | None = None) -> list[Problem]:
    """Problems of a set of parameter values (empty list when they are valid).

    Checks: every value finite; every known parameter inside its valid range
    (:func:`parameter_limits`); ``share_mild + share_severe + share_critical = 1``
    (within 1e-6); ``beds_per_patient`` at least the share of critical patients in the
    census (ICU patients occupy beds, so bed need ≥ ICU need ≥ ventilator need).

    Parameters
    ----------
    values : dict of str to float
    source : str
        File or setting name for the messages.
    rows : dict of str to int, optional
        Line number of each parameter in ``source`` (header = line 1).
    """
    rows = rows or {}
    limits = _limits()
    problems = []
    for name, value in values.items():
        if not math.isfinite(value):
            problems.append(Problem(source, f"'{name}' = {value} is not a finite number",
                                    rows.get(name), "value"))
            continue
        if name in limits:
            lo, hi, why = limits[name]
            if not lo <= value <= hi:
                problems.append(Problem(
                    source, f"'{name}' = {value:g} must be in [{lo:g}, {hi:g}] ({why})",
                    rows.get(name), "value"))
    if problems:
        return problems
    shares = [values.get(f"share_{s}") for s in ("mild", "severe", "critical")]
    if all(s is not None for s in shares):
        total = sum(shares)  # type: ignore[arg-type]
        if abs(total - 1) > 1e-6:
            problems.append(Problem(source, "share_mild + share_severe + share_critical must "
                                    f"sum to 1, not {total:.4f}", rows.get("share_mild"),
                                    "value"))
            return problems
    needed = ("share_mild", "share_severe", "share_critical", "beds_per_patient")
    if all(n in values for n in needed):
        from pairaid.needs import census_mix

        critical = census_mix(values)["critical"]
        if values["beds_per_patient"] < critical - 1e-12:
            problems.append(Problem(
                source, f"'beds_per_patient' = {values['beds_per_patient']:g} must be >= the "
                f"share of critical patients in care ({critical:.4f}, from share_critical and "
                "the lengths of stay): ICU patients occupy beds", rows.get("beds_per_patient"),
                "value"))
    return problems


def parameter_values(table: pd.DataFrame, *, source: str = "parameters.csv",
                     required: tuple[str, ...] = NEEDS_PARAMETERS + CAPACITY_PARAMETERS,
                     lines: bool = True) -> dict[str, float]:
    """Turn a ``parameters`` table into ``{name: value}`` and check it.

    Parameters
    ----------
    table : pandas.DataFrame
        ``parameters`` table: ``name``, ``value`` (in ``unit``), ``unit``, ``source`` and
        optionally ``low``, ``high`` (plausible range, same unit).
    source : str
        Name of the file, for messages.
    required : tuple of str
        Names that must be present.
    lines : bool
        Name line numbers in messages (false when the table is not a file).

    Returns
    -------
    dict of str to float

    Raises
    ------
    pairaid.errors.InputError
        If a required parameter is missing, a name is not a known parameter
        (``data/norms/parameter_limits.csv``), a value breaks :func:`check_values`, or a
        plausible range does not contain its value or leaves the valid range.
    """
    values = {str(n): float(v) for n, v in zip(table["name"], table["value"], strict=True)}
    rows = {str(n): i + 2 for i, n in enumerate(table["name"])} if lines else {}
    problems = [Problem(source, f"required parameter '{name}' is missing", None, "name")
                for name in required if name not in values]
    known = _limits()
    problems += [Problem(source, f"unknown parameter '{name}' (a misspelt name would be "
                         "ignored); known: " + ", ".join(sorted(known)), rows.get(name), "name")
                 for name in values if name not in known]
    problems += check_values(values, source=source, rows=rows)
    if not problems and {"low", "high"} <= set(table.columns):
        problems += _range_problems(table, source=source, rows=rows)
    if problems:
        raise InputError(problems)
    return values


def _limits() -> dict[str, tuple[float, float, str]]:
    table = parameter_limits()
    return {str(n): (float(lo), float(hi), str(why)) for n, lo, hi, why in
            zip(table["name"], table["min"], table["max"], table["why"], strict=True)}


def _range_problems(table: pd.DataFrame, *, source: str,
                    rows: dict[str, int]) -> list[Problem]:
    limits = _limits()
    problems = []
    for name, value, low, high in zip(table["name"].astype(str),
                                      table["value"].astype(float),
                                      table["low"].astype(float), table["high"].astype(float),
                                      strict=True):
        if np.isnan(low) or np.isnan(high):
            continue  # no range (a half range is ignored: the sensitivity run skips it)
        if not low <= value <= high:
            problems.append(Problem(source, f"'{name}': value {value:g} is not within its "
                                    f"range low {low:g} … high {high:g}", rows.get(name),
                                    "low"))
        elif name in limits and not (
                limits[name][0] <= low and high <= limits[name][1]):
            problems.append(Problem(source, f"'{name}': range {low:g} … {high:g} leaves the "
                                    f"valid range [{limits[name][0]:g}, {limits[name][1]:g}]",
                                    rows.get(name), "low"))
    return problems


def parameter_ranges(table: pd.DataFrame) -> pd.DataFrame:
    """Parameters that have a plausible range, for the sensitivity run.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``value``, ``low``, ``high``, ``unit``, ``source``; one row per parameter
        whose ``low`` and ``high`` are given.
    """
    cols = ["name", "value", "low", "high", "unit", "source"]
    if not {"low", "high"} <= set(table.columns):
        return pd.DataFrame(columns=cols)
    sel = table[table["low"].notna() & table["high"].notna()]
    return sel[cols].reset_index(drop=True)


def with_overrides(values: dict[str, float], overrides: dict[str, float]) -> dict[str, float]:
    """Replace some parameter values (from ``--param`` or a TOML ``[parameters]`` table).

    Raises
    ------
    pairaid.errors.ConfigError
        If a name is not a known parameter, or the result fails :func:`check_values`.
    """
    unknown = sorted(set(overrides) - set(values))
    if unknown:
        raise ConfigError(f"setting 'parameters' (--param): unknown parameter(s) {unknown}; "
                          "known: " + ", ".join(sorted(values)))
    merged = {**values, **{k: float(v) for k, v in overrides.items()}}
    problems = check_values(merged, source="setting 'parameters' (--param)")
    if problems:
        raise ConfigError("; ".join(p.message for p in problems))
    return merged
