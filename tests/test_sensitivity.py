"""One-at-a-time sensitivity: rows, directions that must hold, and the run files."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from pairaid.config import make_config
from pairaid.datasets import load_builtin
from pairaid.parameters import parameter_ranges
from pairaid.pipeline import plan
from pairaid.sensitivity import SENSITIVITY_COLUMNS, sensitivity


@pytest.fixture(scope="module")
def swings() -> pd.DataFrame:
    ds = load_builtin("hubei-2020")
    config = make_config({"horizon_days": 14})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = plan(ds, config)
    return sensitivity(run)


def test_one_low_and_one_high_row_per_ranged_parameter(swings: pd.DataFrame) -> None:
    ranged = parameter_ranges(load_builtin("hubei-2020").parameters)
    assert list(swings.columns) == list(SENSITIVITY_COLUMNS)
    assert swings.iloc[0]["end"] == "base" and swings.iloc[0]["gap_change_share"] == 0
    rows = swings.iloc[1:]
    assert sorted(zip(rows["parameter"], rows["end"], strict=True)) == sorted(
        (n, e) for n in ranged["name"] for e in ("low", "high"))
    for name, low, high in zip(ranged["name"], ranged["low"], ranged["high"], strict=True):
        got = rows.set_index(["parameter", "end"])["value"]
        assert got[(name, "low")] == low and got[(name, "high")] == high
    # sorted by the largest swing of either end, largest first
    swing = rows.groupby("parameter", sort=False)["gap_change_share"].apply(
        lambda s: s.abs().max())
    assert swing.is_monotonic_decreasing


def _gap(swings: pd.DataFrame, name: str, end: str) -> float:
    sel = swings[(swings["parameter"] == name) & (swings["end"] == end)]
    return float(sel["gap_staff_days"].iloc[0])


def test_directions_that_must_hold(swings: pd.DataFrame) -> None:
    base = float(swings.iloc[0]["gap_staff_days"])
    # more local staff for COVID-19, longer shifts, more shifts a week: never a larger gap
    for name in ("covid_share_staff", "shift_hours", "icu_shift_hours", "shifts_per_week"):
        assert _gap(swings, name, "high") <= base <= _gap(swings, name, "low") + 1e-9, name
    # more staff absent: never a smaller gap
    assert _gap(swings, "staff_absence_share", "low") <= base \
        <= _gap(swings, "staff_absence_share", "high")
    # beds, ventilators and the donors' deployable share do not change the staff gap
    for name in ("covid_share_beds", "share_ventilated_of_critical", "deployable_share"):
        assert _gap(swings, name, "low") == pytest.approx(base)
        assert _gap(swings, name, "high") == pytest.approx(base)
    # a larger deployable share never leaves more shortfall
    sel = swings.set_index(["parameter", "end"])["shortfall_staff_days"]
    assert sel[("deployable_share", "high")] <= sel[("deployable_share", "low")]


def test_plan_writes_and_reports_the_sensitivity_and_the_check(tmp_path, capsys) -> None:
    from pairaid.cli import main

    out = tmp_path / "run"
    assert main(["plan", "--horizon", "7", "--sensitivity", "--report", "--out",
                 str(out)]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "Sensitivity: one parameter at a time" in printed
    assert "Check against history (pairaid check-needs)" in printed
    table = pd.read_csv(out / "sensitivity.csv")
    assert table.iloc[0]["end"] == "base" and len(table) > 10
    check = pd.read_csv(out / "needs_check.csv", dtype={"recipient_code": str})
    assert len(check) == 16
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="tornado"' in page and 'id="needs-check"' in page
    assert "Check against the staff sent in 2020" in page
