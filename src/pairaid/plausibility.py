"""Plausibility checks of a data set: values each valid on its own that cannot all be true.

The schema (:mod:`pairaid.schemas`) checks each cell; these checks compare cells with each
other and with the region's population, and catch the data-entry errors a new user makes
(docs/data-format.md, "Plausibility checks"):

* **errors** (:func:`count_problems`, :func:`date_problems`): a count above the region's
  population; deaths or discharges above the confirmed cases of the same row (patients in
  care would be negative); severe + critical patients in care above the patients in care
  (only where a severity cell is given: an empty cell is unknown, never 0); a row dated far
  (more than :data:`DATE_GAP_DAYS`) from the rest of its region's series (cases,
  deployments, pairings, transfers).
* **notes** (:func:`spike_notes`, :func:`jump_notes`, :func:`capacity_notes`,
  :func:`coordinate_notes`): a one-day spike in a cumulative count (the value is then taken
  as unknown, see :func:`spike_notes`); a last day whose increment is far above the days
  before; a staff or bed density far above any country's; a region whose latitude and
  longitude look swapped.

Line numbers are those of the file (the header is line 1), taken from the row order in which
the table was read.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pairaid.errors import Problem
from pairaid.geo import great_circle_km

CUMULATIVE = ("confirmed_cum", "deaths_cum", "recovered_cum")
"""Cumulative counts of ``cases.csv`` [persons]."""

STOCKS = ("hospitalised", "icu", "severe_in_care", "critical_in_care")
"""Counts of patients on a day in ``cases.csv`` [persons]."""

DATE_GAP_DAYS = 366
"""A region's rows separated from the rest of its series by more than this many days, on
the side with fewer rows, are named as a likely date typo (a year typed wrong: 1900, 2002)."""

SPIKE_SHARE = 0.5
"""A cumulative count is a one-day spike when both the known day before and the known day
after are below this share of it (a tenfold typo leaves ~0.1)."""

SPIKE_FLOOR = 100
"""... and it exceeds the larger neighbour by at least this many persons (small early
counts stay noisy without being typos)."""

JUMP_FACTOR = 10.0
"""The last day's increment is named when it is above this many times the largest daily
increment of the :data:`JUMP_WINDOW_DAYS` days before ..."""

JUMP_WINDOW_DAYS = 14
"""... (the last 14 days, as an incubation period is counted) ..."""

JUMP_FLOOR = 1000
"""... and above this many persons (Hubei's change of case definition on 2020-02-12 added
+13,436 in Wuhan in one day, about 7 times its largest increment before: a real jump stays
a note, never an error)."""

DENSITY_LIMITS: dict[str, float] = {"doctors": 20.0, "nurses": 40.0, "beds": 30.0,
                                    "icu_beds": 2.0}
"""Highest plausible resource per 1,000 population, about twice the highest national
figure: WHO Global Health Observatory, density of medical doctors (Cuba 8.4 per 1,000, 2018)
and of nursing and midwifery personnel (Monaco ~20, Norway 18 per 1,000, 2018-2020); World
Bank WDI SH.MED.BEDS.ZS, hospital beds (Japan 13.0, Korea 12.4 per 1,000, 2017-2019);
Rhodes et al. (2012) Intensive Care Med 38:1647, critical care beds (Germany 0.29 per 1,000,
the highest in Europe; the ICU limit of 2.0 is about 7 times that, looser than the
others). Above them a capacity is a likely typo (an extra zero); a small
special region (a capital's hospital district) may still be real, so it is a note."""


def _amount(value: float) -> str:
    """A count with thousands separators; an absurdly large one in 3 significant digits."""
    return f"{value:,.0f}" if abs(value) < 1e12 else f"{value:.3g}"


DATED: dict[str, tuple[str, str]] = {"deployments": ("recipient_code", "date"),
                                     "pairings": ("recipient_code", "round"),
                                     "transfers": ("from_region_code", "as_of_date")}
"""The other dated tables, each checked like ``cases.csv`` for a stray date (region column,
date column)."""


def _line(index: object) -> int:
    return int(str(index)) + 2


def _populations(regions: pd.DataFrame) -> pd.Series:
    pop = regions.set_index(regions["region_code"].astype(str))["population"]
    return pop.astype("Float64").astype(float)


def count_problems(cases: pd.DataFrame, regions: pd.DataFrame, source: str
                   ) -> list[Problem]:
    """Counts of ``cases.csv`` that contradict the population or each other.

    Parameters
    ----------
    cases : pandas.DataFrame
        The typed cases table, index in file order (line = index + 2).
    regions : pandas.DataFrame
        The typed regions table (``population`` [persons], empty = unknown).
    source : str
        The cases file, for messages.

    Returns
    -------
    list of Problem
        One per cell: a cumulative count or stock above the region's population (the value
        and the population named); ``deaths_cum`` or ``recovered_cum`` above
        ``confirmed_cum``, or their sum above it (named on ``recovered_cum``); severe +
        critical in care above the patients in care, only where a severity cell is given
        and the patients in care are not negative already.
    """
    problems: list[Problem] = []
    pop = cases["region_code"].astype(str).map(_populations(regions)).astype(float)
    for column in (*CUMULATIVE, *STOCKS):
        if column not in cases:
            continue
        values = cases[column].astype("Float64").astype(float)
        for idx in cases.index[(values > pop).to_numpy()]:
            problems.append(Problem(
                source, f"{_amount(values[idx])} is more than the population of region "
                f"{cases.at[idx, 'region_code']!s} ({int(pop[idx]):,}, regions.csv)",
                _line(idx), column))
    conf, dead, rec = (cases[c].astype("Float64").astype(float) for c in CUMULATIVE)
    for column, part in (("deaths_cum", dead), ("recovered_cum", rec)):
        for idx in cases.index[(part > conf).to_numpy()]:
            problems.append(Problem(source, f"{column} = {int(part[idx]):,} is more than "
                                    f"confirmed_cum = {int(conf[idx]):,}", _line(idx), column))
    both = (dead + rec > conf) & (dead <= conf) & (rec <= conf)
    for idx in cases.index[both.to_numpy()]:
        problems.append(Problem(
            source, f"deaths_cum + recovered_cum = {int(dead[idx] + rec[idx]):,} is more "
            f"than confirmed_cum = {int(conf[idx]):,} (patients in care would be negative)",
            _line(idx), "recovered_cum"))
    if {"severe_in_care", "critical_in_care"} <= set(cases.columns):
        census = conf - dead - rec
        severe = cases["severe_in_care"].astype("Float64").astype(float)
        critical = cases["critical_in_care"].astype("Float64").astype(float)
        given = severe.notna() | critical.notna()
        in_care = severe.fillna(0) + critical.fillna(0)
        bad = given & (census >= 0) & (in_care > census)
        for idx in cases.index[bad.to_numpy()]:
            problems.append(Problem(
                source, f"severe_in_care + critical_in_care = {int(in_care[idx]):,} is more "
                f"than the patients in care (confirmed − deaths − recovered = "
                f"{int(census[idx]):,})", _line(idx),
                "severe_in_care" if pd.notna(severe[idx]) else "critical_in_care"))
    return problems


def date_problems(frame: pd.DataFrame, source: str, *, region: str = "region_code",
                  date: str = "date") -> list[Problem]:
    """Rows dated far from the rest of their region's series (a likely date typo).

    A region's distinct dates are split at every gap longer than :data:`DATE_GAP_DAYS`; the
    rows of every part but the largest are named, with the span of the largest.

    Returns
    -------
    list of Problem
        One per such row, on ``date``.
    """
    problems: list[Problem] = []
    rows = frame.dropna(subset=[date])
    # every region's gaps at once (all rows sorted by date, differences within each
    # region); only a region with a gap is split below, most have none
    ordered = rows.iloc[np.argsort(rows[date].to_numpy(), kind="stable")]
    gap = ordered.groupby(region, sort=False)[date].diff().dt.days > DATE_GAP_DAYS
    stray = rows[region].isin(ordered.loc[gap.to_numpy(), region].unique())
    for code, group in rows[stray.to_numpy()].groupby(region, sort=False):
        days = group[date].sort_values()
        part = (days.diff().dt.days > DATE_GAP_DAYS).cumsum()
        main = part.value_counts().idxmax()
        span = days[part == main]
        for idx in days.index[(part != main).to_numpy()]:
            problems.append(Problem(
                source, f"{days[idx]:%Y-%m-%d} is more than {DATE_GAP_DAYS} days away from "
                f"the other rows of region {code} ({span.iloc[0]:%Y-%m-%d} … "
                f"{span.iloc[-1]:%Y-%m-%d}): likely a date typo", _line(idx), date))
    return problems


def _known(cases: pd.DataFrame, column: str) -> pd.DataFrame:
    """The known values of ``column`` (float), every region's in date order, the regions in
    order of first appearance: columns ``region_code``, ``group`` (the region's rank),
    ``date``, ``value``, ``first`` and ``last`` (the region's first and last known day); the
    index is that of ``cases``, so its line numbers stay."""
    group = cases.groupby("region_code", sort=False).ngroup()
    value = cases[column].astype("Float64").astype(float)
    known = pd.DataFrame({"region_code": cases["region_code"], "group": group,
                          "date": cases["date"], "value": value})
    known = known[(value.notna() & group.notna()).to_numpy()]
    known = known.sort_values(["group", "date"], kind="stable")
    g = known["group"].to_numpy()
    first, last = np.ones(len(g), dtype=bool), np.ones(len(g), dtype=bool)
    first[1:] = last[:-1] = g[1:] != g[:-1]
    known["first"], known["last"] = first, last
    return known


def spike_notes(cases: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[str]]:
    """Find one-day spikes in cumulative counts and take them as unknown.

    A known cumulative value is a spike when the known values on both sides of it (the day
    after must exist) are below :data:`SPIKE_SHARE` of it and it exceeds the larger by at
    least :data:`SPIKE_FLOOR`: the series falls back below it by a large share, which a
    typo (24360 for 2436) does and a re-count (a fall of a few per cent) does not. The cell
    is then replaced by the straight line between its neighbours (as the rise across an
    unknown day is shared, :func:`pairaid.forecast.events.interpolate_gaps`; the cell stays
    known, so a spike on a forecast origin still gives the origin a count), so it cannot
    inflate a forecast or a census.

    Parameters
    ----------
    cases : pandas.DataFrame
        The typed cases table, index in file order.
    source : str
        The cases file, for messages.

    Returns
    -------
    cases : pandas.DataFrame
        A copy with each spike replaced.
    notes : list of str
        One per spike: file, line, column, the value and its neighbours.
    """
    out = cases.copy()
    notes: list[str] = []
    for column in CUMULATIVE:
        known = _known(cases, column)
        values, days = known["value"].to_numpy(), known["date"]
        first, last = known["first"].to_numpy(), known["last"].to_numpy()
        # each known value's neighbours in its region: 0 before the first, none after
        # the last (the last day is never a spike: jump_notes looks at it)
        higher = np.maximum(np.where(first, 0.0, np.roll(values, 1)), np.roll(values, -1))
        spikes = ~last & (higher < SPIKE_SHARE * values) & (values - higher >= SPIKE_FLOOR)
        for i in np.flatnonzero(spikes).tolist():
            idx, code = known.index[i], known["region_code"].iloc[i]
            value, after = values[i], values[i + 1]
            before = 0.0 if first[i] else values[i - 1]
            # the straight line between the neighbours, as across a gap
            span = 1 if first[i] else (days.iloc[i + 1] - days.iloc[i - 1]).days
            share = 1.0 if first[i] else (days.iloc[i] - days.iloc[i - 1]).days / span
            line = round(before + (after - before) * share)
            out.at[idx, column] = line
            notes.append(
                f"{source}, line {_line(idx)}, column '{column}': {int(value):,} "
                f"({code!s}, {days.iloc[i]:%Y-%m-%d}) lies far above the days around "
                f"it ({int(before):,} before, {int(after):,} after), likely a typo; "
                f"taken as {line:,}, the straight line between them (as across an "
                "unknown day). Correct the cell if the value is wrong.")
    return out, notes


def jump_notes(cases: pd.DataFrame, source: str) -> list[str]:
    """Name a region's last known day of ``confirmed_cum`` whose increment is far above
    the days before (a spike no later day can show yet): above :data:`JUMP_FACTOR` times the
    largest daily increment of the :data:`JUMP_WINDOW_DAYS` days before and above
    :data:`JUMP_FLOOR`. The value is kept (a change of case definition is real).

    Returns
    -------
    list of str
        One note per such day: file, line, column, the value and the increments.
    """
    notes: list[str] = []
    known = _known(cases, "confirmed_cum")
    by_region = known.groupby("group", sort=False)
    step = known["step"] = by_region["value"].diff()
    final = by_region["date"].transform("last")  # the region's last known day
    # the daily increments of the window before the last day, not the first day's (none)
    window = (~known["first"] & ~known["last"]
              & (known["date"] > final - pd.Timedelta(days=JUMP_WINDOW_DAYS)))
    largest = step[window].groupby(known["group"][window], sort=False).max()
    ends = known[known["last"] & (by_region["value"].transform("size") >= 3)]
    for last, code, region, day, value, jump in zip(
            ends.index, ends["region_code"], ends["group"], ends["date"],
            ends["value"].tolist(), ends["step"].tolist(), strict=True):
        most = max(float(largest[region]) if region in largest.index else 0.0, 1.0)
        if jump > JUMP_FACTOR * most and jump > JUMP_FLOOR:
            notes.append(
                f"{source}, line {_line(last)}, column 'confirmed_cum': {int(value):,} "
                f"({code!s}, {day:%Y-%m-%d}) rose by {int(jump):,} in a day, more than "
                f"{JUMP_FACTOR:g} times the largest daily rise of the {JUMP_WINDOW_DAYS} days "
                f"before ({int(most):,}); kept as reported. Check it is not a typo (a "
                "change of case definition can be real).")
    return notes


def capacity_notes(capacities: pd.DataFrame, regions: pd.DataFrame, source: str
                   ) -> list[str]:
    """Capacities far above any country's density per 1,000 population
    (:data:`DENSITY_LIMITS`): one note each, with file, line, column and the density."""
    notes: list[str] = []
    pop = capacities["region_code"].astype(str).map(_populations(regions)).astype(float)
    quantity = capacities["quantity"].astype("Float64").astype(float)
    limit = capacities["resource"].astype(str).map(DENSITY_LIMITS).astype(float)
    density = quantity / pop * 1000
    for idx in capacities.index[(density > limit).to_numpy()]:
        notes.append(
            f"{source}, line {_line(idx)}, column 'quantity': {_amount(quantity[idx])} "
            f"{capacities.at[idx, 'resource']!s} in region {capacities.at[idx, 'region_code']!s} "
            f"is {_amount(density[idx])} per 1,000 people (population {int(pop[idx]):,}), "
            f"far above any country's (at most ~{limit[idx] / 2:g} per 1,000); likely a "
            "typo. Check the cell.")
    return notes


SWAP_FAR_KM = 1000.0
"""A region farther than this from the middle of its siblings [km] is a candidate for
swapped coordinates (a planning assumption: well beyond the spread of a province's or a
small country's regions, below a continent's)."""
SWAP_RATIO = 5.0
"""... and is taken as swapped when (latitude, longitude) read the other way round lie at
least this many times closer to that middle (a planning assumption)."""


def coordinate_notes(regions: pd.DataFrame, source: str) -> list[str]:
    """Regions whose latitude and longitude look swapped: one note each, with file, line
    and both distances.

    Each region is compared with the median latitude and longitude of the other regions of
    its ``parent_code`` (at least two others): it is noted when it lies more than
    :data:`SWAP_FAR_KM` from that point and its coordinates read the other way round (a
    longitude within ±90° can be a latitude) lie :data:`SWAP_RATIO` times closer. Lombardy
    entered as (9.19, 45.47) lies in the Horn of Africa, 4,965 km from the middle of the
    other Italian regions, and 348 km from it read the other way round. A swap keeps both values in
    range, so the schema cannot refuse it; distances and maps would be silently wrong.
    """
    notes: list[str] = []
    lat = regions["latitude"].astype(float).to_numpy()
    lon = regions["longitude"].astype(float).to_numpy()
    parent = regions["parent_code"].astype(str).to_numpy()
    for i in range(len(regions)):
        others = (parent == parent[i]) & (np.arange(len(regions)) != i)
        if others.sum() < 2 or abs(lon[i]) > 90:
            continue
        mid = np.array([np.median(lat[others]), np.median(lon[others])])
        far = float(great_circle_km(lat[i:i + 1], lon[i:i + 1], mid[:1], mid[1:])[0])
        swapped = float(great_circle_km(lon[i:i + 1], lat[i:i + 1], mid[:1], mid[1:])[0])
        if far > SWAP_FAR_KM and swapped * SWAP_RATIO < far:
            idx = regions.index[i]
            notes.append(
                f"{source}, line {_line(idx)}, columns 'latitude' and 'longitude': region "
                f"{regions.at[idx, 'region_code']!s} at ({lat[i]:g}, {lon[i]:g}) lies "
                f"{far:,.0f} km from the other regions of {parent[i]}, but "
                f"{swapped:,.0f} km read the other way round; latitude and longitude look "
                "swapped. Check the cells.")
    return notes


def check(tables: dict[str, pd.DataFrame], folder: Path
          ) -> tuple[dict[str, pd.DataFrame], list[Problem], list[str]]:
    """Every plausibility check of a data set's tables.

    Returns
    -------
    tables : dict
        The tables, ``cases`` with spikes replaced (:func:`spike_notes`).
    problems : list of Problem
        Errors (:func:`count_problems`; :func:`date_problems` on cases and the tables of
        :data:`DATED`).
    notes : list of str
        Warnings for the run's notes.
    """
    cases, regions = tables["cases"], tables["regions"]
    source = str(folder / "cases.csv")
    problems = date_problems(cases, source)
    for name, (region, date) in DATED.items():
        if name in tables:
            problems += date_problems(tables[name], str(folder / f"{name}.csv"),
                                      region=region, date=date)
    problems += count_problems(cases, regions, source)
    if problems:
        return tables, problems, []
    fixed, notes = spike_notes(cases, source)
    notes += jump_notes(fixed, source)
    notes += coordinate_notes(regions, str(folder / "regions.csv"))
    if "capacities" in tables:
        notes += capacity_notes(tables["capacities"], regions,
                                str(folder / "capacities.csv"))
    return {**tables, "cases": fixed}, problems, notes
