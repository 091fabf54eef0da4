"""Reading a pairing problem's tables (pairaid.pairing.instance): dates without guessing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pairaid.errors import InputError
from pairaid.pairing import PairingOptions, PairingProblem, solve
from pairaid.pairing.instance import strict_dates


def _problem(dates: list[object]) -> PairingProblem:
    """Donor A (10 nurses), recipient R short of 5 nurses a day on each of ``dates``."""
    n = len(dates)
    return PairingProblem(
        supply=pd.DataFrame({"donor_code": ["A"], "resource": ["nurses"], "capacity": [10]}),
        demand=pd.DataFrame({"recipient_code": ["R"] * n, "resource": ["nurses"] * n,
                             "date": dates, "gap": [5.0] * n}),
        distances=pd.DataFrame({"donor_code": ["A"], "recipient_code": ["R"],
                                "distance_km": [100.0]}),
        weights={"nurses": 1.0})


DAYS = [dt.date(2020, 2, d) for d in (1, 2, 3)]


@pytest.mark.parametrize("given", [
    pd.to_datetime(["2020-02-01", "2020-02-02", "2020-02-03"]),
    DAYS,
    [pd.Timestamp(d) + pd.Timedelta(hours=13) for d in DAYS],  # a time of day: that day
    ["2020-02-01", " 2020-02-02", "2020-02-03 "],
], ids=["datetime64", "date", "timestamp-with-time", "iso-text"])
def test_every_unambiguous_form_gives_the_same_days(given):
    res = solve(_problem(list(given)), PairingOptions())
    days = sorted(set(pd.to_datetime(res.shortfall["date"]).dt.date))
    assert days == DAYS
    assert res.flows["quantity"].sum() == pytest.approx(5)


@pytest.mark.parametrize("given", [
    ["01/02/2020", "02/02/2020", "03/02/2020"],  # day-first (c0004): read as Jan 2, Feb 2...
    ["2/1/2020", "2/2/2020", "2/3/2020"],        # month-first
    ["2020.02.01", "2020.02.02", "2020.02.03"],
    ["20200201", "20200202", "20200203"],
    [43862, 43863, 43864],                        # Excel serials: were 1970-01-01 + ns
], ids=["day-first", "month-first", "dotted", "compact", "excel-serial"])
def test_c0004_kind_other_date_forms_are_refused_by_line(given):
    # c0004 was the CSV loader; the library's own tables went through pandas' inference,
    # which read '01/02/2020'..'03/02/2020' as 2 January, 2 February, 2 March, and put the
    # three Excel serials on one day (two of the three gaps were lost)
    with pytest.raises(InputError) as err:
        solve(_problem(given), PairingOptions())
    text = str(err.value)
    for line, value in enumerate(given, start=2):
        assert f"demand, line {line}, column 'date': not a date: '{value}'" in text


def test_strict_dates_reads_no_number_and_no_impossible_day():
    out = strict_dates(pd.Series(["2020-02-30", 20200201, None, "2020-02-29"]))
    assert out.isna().tolist() == [True, True, True, False]
    assert out.iloc[3] == pd.Timestamp("2020-02-29")
