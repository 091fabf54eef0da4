"""Compare a schedule's batches with the batches donor provinces sent in 2020.

The record (``pairaid/data/dispatch/batches_2020.csv``, sources in ``SOURCES.md`` beside
it) holds what could be sourced: Hainan sent 865 staff in 7 batches from 2020-01-27 (D1),
Shanghai 1,636 in 9 batches (D2).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pairaid.io import read_table
from pairaid.schedule.inputs import default_dispatch_file
from pairaid.schemas import BATCH_HISTORY


def read_batch_history(path: Path | str | None = None) -> pd.DataFrame:
    """Read the 2020 batch record (default: the shipped ``batches_2020.csv``).

    Raises
    ------
    pairaid.errors.InputError
        Naming file, line and column of a bad cell.
    """
    path = Path(path) if path is not None else default_dispatch_file("batches_2020.csv")
    return read_table(path, BATCH_HISTORY)


def batch_summary(schedule: pd.DataFrame) -> pd.DataFrame:
    """Per donor: teams, batches, staff and departure window of a schedule's new teams.

    Returns
    -------
    pandas.DataFrame
        ``donor_code``, ``teams``, ``batches`` (departures to one recipient on one day),
        ``staff`` [persons, all cadres], ``first_departure``, ``last_departure`` (dates),
        ``span_days`` [days from the first to the last departure].
    """
    new = schedule[~schedule["previous"].astype(bool)] if "previous" in schedule else schedule
    if new.empty:
        return pd.DataFrame(columns=["donor_code", "teams", "batches", "staff",
                                     "first_departure", "last_departure", "span_days"])
    other = new["other_staff"] if "other_staff" in new else 0
    new = new.assign(staff=new["doctors"] + new["nurses"] + other,
                     depart=pd.to_datetime(new["depart"]))
    rows = []
    for donor, g in new.groupby("donor_code"):
        first, last = g["depart"].min(), g["depart"].max()
        rows.append((donor, len(g), len(g[["recipient_code", "depart"]].drop_duplicates()),
                     int(g["staff"].sum()), first.date(), last.date(), (last - first).days))
    return pd.DataFrame(rows, columns=["donor_code", "teams", "batches", "staff",
                                       "first_departure", "last_departure", "span_days"])


def compare_batches(schedule: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """The schedule's batches per donor beside the 2020 record, for donors in the record.

    Returns
    -------
    pandas.DataFrame
        ``donor_code``; the schedule's ``teams``, ``batches``, ``staff``,
        ``first_departure``, ``last_departure``, ``span_days`` (0 and empty dates for a
        donor that sends nobody); and the record's ``staff_2020``, ``batches_2020``,
        ``first_2020``, ``last_2020``, ``span_2020`` [days].
    """
    ours = batch_summary(schedule)
    h = history.rename(columns={"staff": "staff_2020", "batches": "batches_2020",
                                "first_departure": "first_2020",
                                "last_departure": "last_2020"})
    h = h.assign(span_2020=(pd.to_datetime(h["last_2020"]) - pd.to_datetime(h["first_2020"]))
                 .dt.days)
    out = h[["donor_code", "staff_2020", "batches_2020", "first_2020", "last_2020",
             "span_2020"]].merge(ours, how="left", on="donor_code")
    out[["teams", "batches", "staff"]] = out[["teams", "batches", "staff"]].fillna(0) \
        .astype(int)
    return out[["donor_code", "teams", "batches", "staff", "first_departure",
                "last_departure", "span_days", "staff_2020", "batches_2020", "first_2020",
                "last_2020", "span_2020"]]
