"""Supplies that follow the teams, worked out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pairaid.errors import ConfigError, InputError
from pairaid.schedule.supplies import SUPPLY_COLUMNS, read_supply_norms, supply_plan

DAYS = pd.date_range("2020-02-11", periods=8, freq="D")
NORMS = pd.DataFrame([{"item": "coverall", "per_staff_day": 1.0, "unit": "pieces",
                       "carried_days": 2.0}])


def _team(arrive: date, end: date, staff: int = 10) -> pd.DataFrame:
    return pd.DataFrame([{"donor_code": "CN-CQ", "recipient_code": "420900", "doctors": 0,
                          "nurses": staff, "other_staff": 0, "arrive": arrive,
                          "tour_end": end}])


def test_carried_then_shipped_then_short_by_hand() -> None:
    # 10 staff on site on days 1..5 (02-12 .. 02-16): 10 coveralls a day. The team brings
    # 2 days (20): days 1-2 from what it carried; the donor can ship 20: days 3-4; day 5
    # is short by 10.
    out = supply_plan(_team(date(2020, 2, 12), date(2020, 2, 17)), NORMS, DAYS,
                      stock={"coverall": 20})
    assert out["need"].tolist() == [10] * 5
    assert out["carried"].tolist() == [10, 10, 0, 0, 0]
    assert out["shipped"].tolist() == [0, 0, 10, 10, 0]
    assert out["shortfall"].tolist() == [0, 0, 0, 0, 10]
    free = supply_plan(_team(date(2020, 2, 12), date(2020, 2, 17)), NORMS, DAYS)
    assert free["shortfall"].sum() == 0 and free["shipped"].sum() == 30


def test_unknown_stock_item_refused() -> None:
    with pytest.raises(ConfigError, match="unknown item"):
        supply_plan(_team(date(2020, 2, 12), date(2020, 2, 17)), NORMS, DAYS,
                    stock={"masks": 5})


def test_shipped_norms_have_sources_and_bad_file_is_named(tmp_path) -> None:  # noqa: ANN001
    norms = read_supply_norms()
    assert {"protective_coverall", "n95_respirator"} <= set(norms["item"])
    assert norms["source"].str.len().gt(0).all()
    bad = tmp_path / "norms.csv"
    bad.write_text("item,per_staff_day,unit,carried_days,source\ncoverall,-1,pieces,7,x\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"line 2, column 'per_staff_day'"):
        read_supply_norms(bad)


def _teams(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["donor_code", "recipient_code", "doctors", "nurses",
                                       "other_staff", "arrive", "tour_end"])


def test_two_donors_two_items_and_teams_at_the_edges_by_hand() -> None:
    """Days 02-11 (day 0) .. 02-18. Masks: 2 a staff-day, each team brings 1 day's worth;
    soap: 0.05 bottles a staff-day, none brought; each donor may ship 10 masks.

    CN-ZJ (listed first): to 421100 a team of 1 + 2 + 1 other staff on site since 02-10
    until 02-13 (on days 0-1, brings its rest on day 0) and one whose tour ended on day 0
    (gone: brings nothing); to 420900 teams of 3 and 2 arriving on day 0 (until 02-13 and
    02-12) and one arriving on 02-19, after the horizon. CN-AH: 1 doctor at 420900 from
    02-17 to 02-19.
    Masks, CN-ZJ: 420900 needs 2 × 5 = 10 on day 0 (covered by the 10 brought) and 6 on
    day 1; 421100 needs 8, 8 (8 brought). The 10 shipped go first to 420900 (code order):
    6, then 4 of 421100's 8: 4 short. CN-AH: 2, 2; 2 brought, 2 shipped (its own 10)."""
    sched = _teams([
        ("CN-ZJ", "421100", 1, 2, 1, date(2020, 2, 10), date(2020, 2, 13)),
        ("CN-ZJ", "421100", 0, 5, 0, date(2020, 2, 9), date(2020, 2, 11)),
        ("CN-ZJ", "420900", 0, 3, 0, date(2020, 2, 11), date(2020, 2, 13)),
        ("CN-ZJ", "420900", 0, 2, 0, date(2020, 2, 11), date(2020, 2, 12)),
        ("CN-ZJ", "420900", 0, 5, 0, date(2020, 2, 19), date(2020, 2, 25)),
        ("CN-AH", "420900", 1, 0, 0, date(2020, 2, 17), date(2020, 2, 19))])
    norms = pd.DataFrame([{"item": "mask", "per_staff_day": 2.0, "unit": "pieces",
                           "carried_days": 1.0},
                          {"item": "soap", "per_staff_day": 0.05, "unit": "bottles",
                           "carried_days": 0.0}])
    out = supply_plan(sched, norms, DAYS, stock={"mask": 10})
    keys = [(d, r, i, u, t.strftime("%m-%d")) for d, r, i, u, t in zip(
        out["donor_code"], out["recipient_code"], out["item"], out["unit"], out["date"],
        strict=True)]
    assert keys == [
        ("CN-AH", "420900", "mask", "pieces", "02-17"),
        ("CN-AH", "420900", "mask", "pieces", "02-18"),
        ("CN-AH", "420900", "soap", "bottles", "02-17"),
        ("CN-AH", "420900", "soap", "bottles", "02-18"),
        ("CN-ZJ", "420900", "mask", "pieces", "02-11"),
        ("CN-ZJ", "420900", "mask", "pieces", "02-12"),
        ("CN-ZJ", "421100", "mask", "pieces", "02-11"),
        ("CN-ZJ", "421100", "mask", "pieces", "02-12"),
        ("CN-ZJ", "420900", "soap", "bottles", "02-11"),
        ("CN-ZJ", "420900", "soap", "bottles", "02-12"),
        ("CN-ZJ", "421100", "soap", "bottles", "02-11"),
        ("CN-ZJ", "421100", "soap", "bottles", "02-12")]
    figures = out[["need", "carried", "shipped", "shortfall"]].to_numpy().tolist()
    assert figures == [pytest.approx(row) for row in [
        [2, 2, 0, 0], [2, 0, 2, 0], [0.05, 0, 0.05, 0], [0.05, 0, 0.05, 0],
        [10, 10, 0, 0], [6, 0, 6, 0], [8, 8, 0, 0], [8, 0, 4, 4],
        [0.25, 0, 0.25, 0], [0.15, 0, 0.15, 0], [0.2, 0, 0.2, 0], [0.2, 0, 0.2, 0]]]
    assert list(out.columns) == SUPPLY_COLUMNS


def test_stock_edges_and_teams_without_other_staff() -> None:
    """A stock of 0 ships nothing and one of half a mask ships half; a schedule without
    ``other_staff`` counts doctors and nurses only; a negative stock or an unknown item is
    refused with the rule or the known items."""
    team = _team(date(2020, 2, 12), date(2020, 2, 14), staff=3).drop(columns="other_staff")
    out = supply_plan(team, NORMS.assign(carried_days=0.0), DAYS, stock={"coverall": 0})
    assert (out["need"].tolist(), out["shipped"].tolist()) == ([3, 3], [0, 0])
    out = supply_plan(team, NORMS.assign(carried_days=0.0), DAYS, stock={"coverall": 0.5})
    assert out["shipped"].tolist() == [0.5, 0] and out["shortfall"].tolist() == [2.5, 3]
    for bad in (-1.0, float("nan"), float("inf")):
        # NaN passed the "< 0" check and was shipped as if unlimited (c0006 kind)
        with pytest.raises(ConfigError) as err:
            supply_plan(team, NORMS, DAYS, stock={"coverall": bad})
        assert str(err.value) == ("supply stock must be a finite number ≥ 0 (leave an item "
                                  f"out for no limit), got coverall={bad:g}")
    with pytest.raises(ConfigError) as err:
        supply_plan(team, pd.concat([NORMS, NORMS.assign(item="mask")]), DAYS,
                    stock={"masks": 5, "gloves": 1})
    assert str(err.value) == ("supply stock for unknown item(s) ['gloves', 'masks']; "
                              "items: coverall, mask")


def test_norms_read_as_floats_with_their_columns(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "norms.csv"
    path.write_text("item,per_staff_day,unit,carried_days,source\n"
                    "coverall,1,pieces,7,x\nmask,3,pieces,2,y\n", encoding="utf-8")
    norms = read_supply_norms(path)
    assert list(norms.columns) == ["item", "per_staff_day", "unit", "carried_days", "source",
                                   "note"]  # note: optional, added empty
    assert norms["per_staff_day"].tolist() == [1.0, 3.0]
    assert norms["carried_days"].tolist() == [7.0, 2.0]
    assert norms["per_staff_day"].dtype == float and norms["carried_days"].dtype == float
    assert norms.index.tolist() == [0, 1]


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_cli_supply_stock_not_finite_or_negative_is_refused_before_any_work(value) -> None:
    from pairaid.dispatch_console import dispatch_args

    with pytest.raises(ConfigError) as err:
        dispatch_args(True, None, None, None, None, None, None, False,
                      [f"n95_respirator={value}"])
    assert str(err.value).startswith("--supply-stock: supply stock must be a finite number")
    assert f"n95_respirator={float(value):g}" in str(err.value)
