"""The 2020 batch record and the comparison of a schedule with it."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pairaid.errors import InputError
from pairaid.schedule.history import batch_summary, compare_batches, read_batch_history
from pairaid.schedule.inputs import default_dispatch_file


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


def test_batches_count_every_cadre_and_a_summary_without_teams_keeps_its_columns() -> None:
    """Staff are doctors + nurses + other staff (a team of 5 + 15 + 3 is 23); a schedule
    without the ``previous`` or ``other_staff`` column counts every team and no other
    staff; a donor in the record that sends nobody has 0 teams, batches and staff (whole
    numbers, as printed), and an empty schedule still gives the summary's columns."""
    columns = ["donor_code", "teams", "batches", "staff", "first_departure",
               "last_departure", "span_days"]
    sched = _schedule().assign(other_staff=[3, 0, 2, 10])
    summary = batch_summary(sched).set_index("donor_code")
    assert summary.at["CN-HI", "staff"] == 23 + 20 + 152  # team d (previous) left out
    bare = _schedule().drop(columns=["previous", "other_staff"])
    summary = batch_summary(bare)
    assert list(summary.columns) == columns
    assert summary.iloc[0][["teams", "batches", "staff", "span_days"]].tolist() == [
        4, 3, 20 + 20 + 150 + 150, 19]  # d (02-01) counted: 02-01 .. 02-20
    empty = batch_summary(_schedule().iloc[:0])
    assert list(empty.columns) == columns
    out = compare_batches(_schedule().iloc[:0], read_batch_history()).set_index("donor_code")
    assert out.loc["CN-SH", ["teams", "batches", "staff"]].tolist() == [0, 0, 0]
    assert out.loc["CN-HI", ["staff_2020", "batches_2020"]].tolist() == [865, 7]
    assert all(out[c].dtype.kind == "i" for c in ("teams", "batches", "staff"))


def test_a_named_record_file_is_read_and_its_errors_named(tmp_path) -> None:  # noqa: ANN001
    good = tmp_path / "batches.csv"
    text = default_dispatch_file("batches_2020.csv").read_text(encoding="utf-8")
    good.write_text(text.replace("865", "866"), encoding="utf-8")
    assert read_batch_history(good).set_index("donor_code").at["CN-HI", "staff"] == 866
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("865", "many"), encoding="utf-8")
    with pytest.raises(InputError, match="bad.csv"):
        read_batch_history(bad)
