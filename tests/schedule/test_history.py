"""The 2020 batch record and the comparison of a schedule with it."""

from __future__ import annotations

from datetime import date

import pandas as pd

from pairaid.schedule.history import batch_summary, compare_batches, read_batch_history


def _schedule() -> pd.DataFrame:
    rows = [("a", "CN-HI", "421000", 5, 15, 0, date(2020, 2, 11), False),
            ("b", "CN-HI", "421000", 5, 15, 0, date(2020, 2, 11), False),
            ("c", "CN-HI", "421000", 38, 112, 0, date(2020, 2, 20), False),
            ("d", "CN-HI", "421000", 38, 112, 0, date(2020, 2, 1), True)]
    return pd.DataFrame(rows, columns=["team_id", "donor_code", "recipient_code", "doctors",
                                       "nurses", "other_staff", "depart", "previous"])


def test_record_holds_the_sourced_2020_batches() -> None:
    h = read_batch_history().set_index("donor_code")
    assert (h.at["CN-HI", "staff"], h.at["CN-HI", "batches"]) == (865, 7)
    assert h.at["CN-HI", "first_departure"] == pd.Timestamp("2020-01-27")
    assert (h.at["CN-SH", "staff"], h.at["CN-SH", "batches"]) == (1636, 9)


def test_comparison_counts_batches_of_new_teams_by_hand() -> None:
    out = compare_batches(_schedule(), read_batch_history()).set_index("donor_code")
    # Hainan: teams a and b leave together (one batch), c on 02-20 (a second); team d
    # was already deployed (previous) and is not counted
    assert out.at["CN-HI", "batches"] == 2 and out.at["CN-HI", "teams"] == 3
    assert out.at["CN-HI", "staff"] == 20 + 20 + 150
    assert out.at["CN-HI", "span_days"] == 9
    assert out.at["CN-HI", "span_2020"] == 25  # 2020-01-27 .. 2020-02-21
    assert out.at["CN-SH", "batches"] == 0  # sends nobody in this schedule
    assert batch_summary(_schedule().iloc[:0]).empty
