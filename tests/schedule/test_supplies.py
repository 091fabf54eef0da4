"""Supplies that follow the teams, worked out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pairaid.errors import ConfigError, InputError
from pairaid.schedule.supplies import read_supply_norms, supply_plan

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
