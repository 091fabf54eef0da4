"""Supplies that follow the teams: daily use per staff member on site, carried by the
teams at first, then shipped from the donor's stock; what is missing is the shortfall.

Norms are data (``pairaid/data/dispatch/supply_norms.csv``, sources in ``SOURCES.md``).
The accounting is plain bookkeeping, day by day: each team brings ``carried_days`` days of
its own use; what its donor's teams at a recipient use beyond what they carried is shipped
from the donor's stock while it lasts (earliest need first, recipients in code order).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid.errors import ConfigError
from pairaid.io import read_table
from pairaid.schedule.inputs import default_dispatch_file
from pairaid.schemas import SUPPLY_NORMS

SUPPLY_COLUMNS = ["donor_code", "recipient_code", "item", "unit", "date", "need", "carried",
                  "shipped", "shortfall"]
"""Columns of ``supplies.csv``."""


def read_supply_norms(path: Path | str | None = None) -> pd.DataFrame:
    """Read supply norms (default: the shipped ``supply_norms.csv``).

    Raises
    ------
    pairaid.errors.InputError
        Naming file, line, column and value of a bad cell.
    """
    path = Path(path) if path is not None else default_dispatch_file("supply_norms.csv")
    table = read_table(path, SUPPLY_NORMS)
    out = table.copy()
    out["per_staff_day"] = out["per_staff_day"].astype(float)
    out["carried_days"] = out["carried_days"].astype(float)
    out["item"] = out["item"].astype(str)
    return out.reset_index(drop=True)


def check_stock(stock: Mapping[str, float] | None, norms: pd.DataFrame) -> dict[str, float]:
    """Check what each donor can ship of each item.

    Parameters
    ----------
    stock : mapping of item to units, optional
        [units]; an item left out is unlimited.
    norms : pandas.DataFrame
        Supply norms (column ``item``).

    Returns
    -------
    dict of str to float
        ``stock`` as a dict (empty for None).

    Raises
    ------
    pairaid.errors.ConfigError
        An item not in ``norms``, or a stock that is not a finite number >= 0 (NaN passed
        the check ``< 0`` and was then shipped as if unlimited; the c0006 kind).
    """
    out = {str(k): float(v) for k, v in (stock or {}).items()}
    unknown = sorted(set(out) - set(norms["item"]))
    if unknown:
        raise ConfigError(f"supply stock for unknown item(s) {unknown}; items: "
                          f"{', '.join(norms['item'])}")
    bad = [f"{k}={v:g}" for k, v in out.items() if not (np.isfinite(v) and v >= 0)]
    if bad:
        raise ConfigError(f"supply stock must be a finite number ≥ 0 (leave an item out "
                          f"for no limit), got {', '.join(bad)}")
    return out


def supply_plan(schedule: pd.DataFrame, norms: pd.DataFrame, days: pd.DatetimeIndex, *,
                stock: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Daily supplies per donor, recipient and item over ``days``.

    Parameters
    ----------
    schedule : pandas.DataFrame
        Teams (``donor_code``, ``recipient_code``, ``doctors``, ``nurses``,
        ``other_staff``, ``arrive``, ``tour_end``); on site from ``arrive`` to the day
        before ``tour_end``.
    norms : pandas.DataFrame
        ``item``, ``per_staff_day`` [units per staff-day], ``unit``, ``carried_days``
        [days of use a team brings].
    days : pandas.DatetimeIndex
        The horizon (consecutive days).
    stock : mapping of item to units, optional
        What each donor can ship of an item over the horizon [units]; items not named are
        unlimited.

    Returns
    -------
    pandas.DataFrame
        :data:`SUPPLY_COLUMNS`: ``need`` (staff on site x norm), ``carried`` (used from
        what the teams brought), ``shipped`` (from the donor's stock), ``shortfall``
        [units per day]; rows only for pairs and days with a need.

    Raises
    ------
    pairaid.errors.ConfigError
        As :func:`check_stock`.
    """
    stock = check_stock(stock, norms)
    H = len(days)
    base = pd.Timestamp(days[0])
    rows = []
    other = schedule["other_staff"] if "other_staff" in schedule else 0
    teams = schedule.assign(staff=schedule["doctors"] + schedule["nurses"] + other)
    for donor, by_donor in teams.groupby("donor_code", sort=True):
        pairs = []
        for rec, g in by_donor.groupby("recipient_code", sort=True):
            on = np.zeros(H)
            came = np.zeros(H)  # staff-days of supply brought, on the arrival day
            for a, e, n in zip(g["arrive"], g["tour_end"], g["staff"], strict=True):
                lo = max((pd.Timestamp(a) - base).days, 0)
                hi = min((pd.Timestamp(e) - base).days, H)
                if hi > lo:
                    on[lo:hi] += n
                    came[lo] += n  # a team on site before day 0 brings its rest on day 0
            pairs.append((rec, on, came))
        for norm in norms.to_dict("records"):
            left = float(stock.get(norm["item"], np.inf))
            per = float(norm["per_staff_day"])
            rest = []
            for rec, on, came in pairs:
                need = on * per
                pool, used = 0.0, np.zeros(H)
                for t in range(H):
                    pool += came[t] * norm["carried_days"] * per
                    used[t] = min(need[t], pool)
                    pool -= used[t]
                rest.append((rec, need, used, need - used))
            shipped = {rec: np.zeros(H) for rec, *_ in rest}
            for t in range(H):  # earliest need first, recipients in code order
                for rec, _, _, missing in rest:
                    give = min(missing[t], left)
                    shipped[rec][t] = give
                    left -= give
            for rec, need, used, missing in rest:
                for day in np.flatnonzero(need > 0).tolist():
                    rows.append((donor, rec, norm["item"], norm["unit"], days[day],
                                 need[day], used[day], shipped[rec][day],
                                 missing[day] - shipped[rec][day]))
    return pd.DataFrame(rows, columns=SUPPLY_COLUMNS)
