"""The Italian run end to end (issue 16): staff plan, ICU transfers, comparison, map."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pairaid.cli import cli


@pytest.fixture(scope="module")
def italy_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("italy") / "run"
    result = CliRunner().invoke(cli, ["plan", "--dataset", "italy-2020", "--date",
                                      "2020-03-15", "--horizon", "7", "--out", str(out),
                                      "--report", "--explain", "--xlsx"])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_italy_plan_runs_staff_and_transfers(italy_run: tuple[Path, str]) -> None:
    out, text = italy_run
    config = (out / "config.toml").read_text(encoding="utf-8")
    assert "italy-2020" in config and 'transfer = "icu"' in config
    assert "Recorded transfers" in text and "five-cluster rule" in text
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["dataset"] == "italy-2020"
    t = metrics["transfers"]
    # a plan never leaves more patient-days without a bed than moving nobody, and the
    # cluster rule (a restriction of the same model) is never better than pairaid's plan
    assert t["pairaid"]["unserved_patient_days"] <= t["no_transfer_unserved_patient_days"]
    assert t["pairaid"]["unserved_patient_days"] <= t["cluster_rule"][
        "unserved_patient_days"] + 1e-6
    pairs = pd.read_csv(out / "pairs.csv")
    assert set(pairs["recipient_code"]) <= {"IT-25", "IT-57", "IT-TN", "IT-21"}
    assert not set(pairs["donor_code"]) & {"IT-25", "IT-57", "IT-TN", "IT-21"}


def test_italy_transfers_stay_within_spare_beds_and_the_daily_limit(
        italy_run: tuple[Path, str]) -> None:
    out, _ = italy_run
    moves = pd.read_csv(out / "transfers.csv")
    assert (moves.groupby("date")["patients"].sum() <= 10).all()  # defaults.toml limit
    comparison = pd.read_csv(out / "transfer_comparison.csv")
    # CROSS: 40 moved by 2020-03-15, 116 in all (SOURCES.md T4, T10)
    final = comparison[comparison["as_of_date"] == "2020-05-09"].iloc[0]
    assert final["recorded_cumulative"] == 116 and final["recorded_since_decision"] == 76


def test_report_of_an_italian_run_contains_no_chinese_boundary(
        italy_run: tuple[Path, str]) -> None:
    out, _ = italy_run
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "gb2260_code" not in page  # the key of every shipped China boundary feature
    assert "cnmaps" not in page  # nor the China boundaries' source and licence
    # Italy's own regions are drawn: one shape per region of the run (the 4 recipients and
    # 17 donors), from the shipped CC BY 4.0 boundaries, whose source the page names
    assert "Regions drawn as points" not in page
    for code in ("IT-25", "IT-57", "IT-TN", "IT-21", "IT-BZ", "IT-82"):
        assert f'"region_code":"{code}"' in page
    assert "openpolis/geojson-italy" in page and "Attribution 4.0 International" in page
    shapes = json.loads((out / "boundaries.geojson").read_text(encoding="utf-8"))
    assert len(shapes["features"]) == 21
    # the ICU census that drives the transfers has its own fan chart, beside the reported
    # values (cases.csv: Lombardy 767 in ICU on 2020-03-15)
    assert 'id="fan-icu_census"' in page
    observed = pd.read_csv(out / "observed.csv").set_index(["region_code", "date"])
    assert observed.loc[("IT-25", "2020-03-15"), "icu_census"] == 767
    assert "Lombardy" in page


def test_italian_observed_census_is_the_hospital_census(italy_run: tuple[Path, str]) -> None:
    out, _ = italy_run
    observed = pd.read_csv(out / "observed.csv", dtype={"region_code": str})
    day = observed[(observed["region_code"] == "IT-25") & (observed["date"] == "2020-03-15")]
    # the forecast's census is patients in hospital, so the observed one shown beside it is
    # too: 6,267 in Lombardy on 2020-03-15 (not 10,043 currently positive)
    assert float(day["census"].iloc[0]) == 6267


def test_explain_and_workbook_of_the_transfers(italy_run: tuple[Path, str]) -> None:
    import openpyxl

    out, text = italy_run
    assert "ICU transfers: what each chosen pair moved" in text
    assert "Why the other pairs move nobody" in text
    why = pd.read_csv(out / "explain_transfers.csv")
    moves = pd.read_csv(out / "transfers.csv")
    chosen = why[why["status"] == "chosen"]
    # the explanation's chosen pairs are the plan's pairs, with the same patients
    assert set(zip(chosen["donor_code"], chosen["recipient_code"], strict=True)) == set(
        zip(moves["donor_code"], moves["recipient_code"], strict=True))
    assert chosen["patients"].sum() == moves["patients"].sum()
    assert why.loc[why["status"] != "chosen", "reason"].notna().all()
    assert not set(why["donor_code"]) & {"IT-25", "IT-57", "IT-TN", "IT-21"}
    limits = json.loads((out / "explain_transfers.json").read_text(encoding="utf-8"))
    assert limits["max_per_day"] == 10 and limits["days"] == 7
    wb = openpyxl.load_workbook(out / "plan.xlsx", read_only=True)
    assert {"transfers", "transfer_unserved", "transfer_comparison", "cluster_transfers",
            "explain_transfers", "transfer_summary"} <= set(wb.sheetnames)
    rows = {r[0]: r[1:] for r in wb["transfer_summary"].iter_rows(values_only=True)}
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))["transfers"]
    assert rows["unserved_patient_days [patient-days]"] == (
        metrics["pairaid"]["unserved_patient_days"],
        metrics["cluster_rule"]["unserved_patient_days"],
        metrics["no_transfer_unserved_patient_days"])
