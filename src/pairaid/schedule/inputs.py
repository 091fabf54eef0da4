"""Dispatch inputs as data: team types and travel modes (read, checked, turned into days).

The defaults ship in ``pairaid/data/dispatch/`` (``team_types.csv``, ``travel_modes.csv``,
sources in ``SOURCES.md`` beside them); a user may give their own files with the same
columns (:data:`pairaid.schemas.TEAM_TYPES`, :data:`pairaid.schemas.TRAVEL_MODES`).
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path

import pandas as pd

from pairaid.errors import ConfigError, InputError, Problem
from pairaid.io import read_table
from pairaid.schemas import TEAM_TYPES, TRAVEL_MODES

CADRES = ("doctors", "nurses")
"""Staff columns of a team type that meet a need (the pairing's staff resources)."""


def default_dispatch_file(name: str) -> Path:
    """Path of a shipped dispatch file (``team_types.csv``, ``travel_modes.csv``, ...)."""
    return Path(str(resources.files("pairaid") / "data" / "dispatch" / name))


def read_team_types(path: Path | str | None = None) -> pd.DataFrame:
    """Read and check a team-type table.

    Parameters
    ----------
    path : path-like, optional
        A CSV file with the columns of :data:`pairaid.schemas.TEAM_TYPES`; default the
        shipped ``team_types.csv`` (2020 shapes, sources in its ``SOURCES.md``).

    Returns
    -------
    pandas.DataFrame
        ``team_type``, ``doctors``, ``nurses``, ``other_staff`` [persons], ``icu`` (bool),
        ``min_tour_days``, ``tour_days``, ``quarantine_days`` [days], ``description``,
        ``source``; plain ``int`` columns, in file order.

    Raises
    ------
    pairaid.errors.InputError
        Naming file, line, column and value: a cell of the wrong type or out of range, a
        duplicated team type, a team without doctors or nurses, ``min_tour_days`` above
        ``tour_days``, or no rows at all.
    """
    path = Path(path) if path is not None else default_dispatch_file("team_types.csv")
    table = read_table(path, TEAM_TYPES)
    problems = []
    if table.empty:
        problems.append(Problem(str(path), "no team types (header only)"))
    for i, row in enumerate(table.to_dict("records"), start=2):
        if int(row["doctors"]) + int(row["nurses"]) == 0:
            problems.append(Problem(str(path), f"team type '{row['team_type']}' has neither "
                                    "doctors nor nurses (0 and 0)", i, "nurses"))
        if int(row["min_tour_days"]) > int(row["tour_days"]):
            problems.append(Problem(str(path), f"min_tour_days {row['min_tour_days']} is "
                                    f"more than tour_days {row['tour_days']}", i,
                                    "min_tour_days"))
    if problems:
        raise InputError(problems)
    out = table.copy()
    for col in ("doctors", "nurses", "other_staff", "min_tour_days", "tour_days",
                "quarantine_days"):
        out[col] = out[col].astype(int)
    out["icu"] = out["icu"].astype(bool)
    out["team_type"] = out["team_type"].astype(str)
    return out.reset_index(drop=True)


def read_travel_modes(path: Path | str | None = None) -> pd.DataFrame:
    """Read and check a travel-mode table.

    Parameters
    ----------
    path : path-like, optional
        A CSV file with the columns of :data:`pairaid.schemas.TRAVEL_MODES`; default the
        shipped ``travel_modes.csv`` (rail, road, air; sources in its ``SOURCES.md``).

    Returns
    -------
    pandas.DataFrame
        ``mode``, ``speed_kmh`` [km/h], ``detour_factor`` [-], ``fixed_hours`` [h],
        ``hours_per_day`` [h/day], ``min_km``, ``max_km`` [km; NaN = no limit], ``source``,
        ``note``; plain ``float`` columns, in file order (earlier rows win ties).

    Raises
    ------
    pairaid.errors.InputError
        Naming file, line, column and value: a cell of the wrong type or out of range, a
        duplicated mode, ``min_km`` above ``max_km``, or no rows at all.
    """
    path = Path(path) if path is not None else default_dispatch_file("travel_modes.csv")
    table = read_table(path, TRAVEL_MODES)
    problems = []
    if table.empty:
        problems.append(Problem(str(path), "no travel modes (header only)"))
    out = table.copy()
    for col in ("min_km", "max_km"):
        if col not in out:
            out[col] = float("nan")
    for col in ("speed_kmh", "detour_factor", "fixed_hours", "hours_per_day", "min_km",
                "max_km"):
        out[col] = out[col].astype("float64")
    for i, row in enumerate(out.to_dict("records"), start=2):
        if row["min_km"] > row["max_km"]:  # NaN compares false: no limit
            problems.append(Problem(str(path), f"min_km {row['min_km']:g} is more than "
                                    f"max_km {row['max_km']:g}", i, "min_km"))
    if problems:
        raise InputError(problems)
    out["mode"] = out["mode"].astype(str)
    return out.reset_index(drop=True)


def mode_days(distance_km: float, mode: pd.Series) -> int | None:
    """Whole days one journey of ``distance_km`` takes by ``mode`` (None if not usable).

    ``days = max(1, ceil((fixed_hours + distance_km * detour_factor / speed_kmh)
    / hours_per_day))``: a team that leaves on day d arrives, and starts work, on day
    d + days.
    """
    lo, hi = mode["min_km"], mode["max_km"]
    if (not math.isnan(lo) and distance_km < lo) or (not math.isnan(hi) and distance_km > hi):
        return None
    hours = mode["fixed_hours"] + distance_km * mode["detour_factor"] / mode["speed_kmh"]
    return max(1, math.ceil(hours / mode["hours_per_day"] - 1e-9))


def travel_table(distances: pd.DataFrame, modes: pd.DataFrame, *,
                 mode: str = "fastest") -> pd.DataFrame:
    """Travel mode and days of every pair.

    Parameters
    ----------
    distances : pandas.DataFrame
        ``donor_code``, ``recipient_code``, ``distance_km`` [km].
    modes : pandas.DataFrame
        As :func:`read_travel_modes` returns.
    mode : str
        ``"fastest"`` (fewest days among the modes usable at the distance; ties go to
        the mode listed first) or the name of one mode.

    Returns
    -------
    pandas.DataFrame
        ``donor_code``, ``recipient_code``, ``distance_km`` [km], ``travel_mode``,
        ``travel_days`` [days].

    Raises
    ------
    pairaid.errors.ConfigError
        If ``mode`` is neither ``"fastest"`` nor a mode of the table, or no mode is
        usable for some pair (naming the pair and its distance).
    """
    names = list(modes["mode"])
    if mode != "fastest" and mode not in names:
        raise ConfigError(f"travel mode '{mode}': not 'fastest' nor a mode of the travel "
                          f"table ({', '.join(names)})")
    rows = []
    for d, r, km in zip(distances["donor_code"], distances["recipient_code"],
                        distances["distance_km"].astype(float), strict=True):
        best: tuple[int, str] | None = None
        for _, m in modes.iterrows():
            if mode != "fastest" and m["mode"] != mode:
                continue
            days = mode_days(km, m)
            if days is not None and (best is None or days < best[0]):
                best = (days, str(m["mode"]))
        if best is None:
            raise ConfigError(f"no travel mode ({mode}) covers pair {d}→{r} at {km:,.0f} km; "
                              "widen min_km/max_km in the travel-mode file")
        rows.append((d, r, km, best[1], best[0]))
    return pd.DataFrame(rows, columns=["donor_code", "recipient_code", "distance_km",
                                       "travel_mode", "travel_days"])
