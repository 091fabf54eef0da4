"""The ``pairaid evaluate`` command: files written, nothing of a run folder overwritten."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pairaid.cli import main

SMALL = """recipients = ["420900", "421100", "420700"]
donors = ["CN-JS", "CN-AH", "CN-HA", "CN-JX"]
official_round = "none"
horizon_days = 14
"""


def test_evaluate_writes_the_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "small.toml"
    config.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "ev"
    code = main(["evaluate", "--config", str(config), "--scenarios", "2", "--chunk-size", "1",
                 "--workers", "1", "--no-random", "--two-stage", "3", "--evpi", "1",
                 "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0, text
    table = pd.read_csv(out / "evaluation.csv", dtype={"scenario": str})
    assert list(table.columns[:2]) == ["plan", "scenario"]
    assert set(table["scenario"]) == {"0", "1", "realised"}
    summary = pd.read_csv(out / "evaluation_summary.csv")
    assert summary["plan"].tolist()[:2] == ["pairaid", "pairaid-2stage"]
    assert (out / "evaluation_pairwise.csv").is_file() and (out / "evaluation.json").is_file()
    assert "Unmet staff-days over 2 scenarios" in text
    assert "…" not in text  # no plan name or figure folded into an ellipsis (80-column pipe)
    row = next(line for line in text.splitlines() if "pairaid-2stage" in line)
    assert f"{summary.set_index('plan').loc['pairaid-2stage', 'shortfall_mean']:,.0f}" in row
    assert "two-stage plan on 3 planning scenarios" in text
    values = pd.read_csv(out / "evaluation_vss.csv").set_index("measure")
    mean = table[table["scenario"] != "realised"].groupby("plan")["shortfall_staff_days"].mean()
    assert values.loc["VSS", "value"] == pytest.approx(mean["pairaid"] - mean["pairaid-2stage"])
    assert values.loc["EVPI", "value"] >= -1e-6  # perfect information never hurts
    assert "VSS:" in text and "EVPI:" in text
    # a second time into the same folder needs --force
    again = main(["evaluate", "--config", str(config), "--scenarios", "2", "--out", str(out)])
    assert again == 2
    assert "already holds" in capsys.readouterr().err


def test_run_folder_keeps_its_files_and_refuses_a_second_evaluation(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.toml").write_text(SMALL, encoding="utf-8")
    (run / "evaluation.csv").write_text("plan,scenario\n", encoding="utf-8")
    code = main(["evaluate", "--run", str(run), "--scenarios", "2"])
    assert code == 2
    assert "already holds an evaluation" in capsys.readouterr().err
    assert (run / "evaluation.csv").read_text(encoding="utf-8") == "plan,scenario\n"


def test_run_folder_without_config_is_named(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--run", str(tmp_path), "--scenarios", "2"]) == 2
    assert "no config.toml" in capsys.readouterr().err


def test_cvar_needs_two_stage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--cvar-alpha", "0.9", "--scenarios", "2"]) == 2
    assert "--two-stage" in capsys.readouterr().err


def test_plan_with_scenarios_writes_the_two_stage_record(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    config = tmp_path / "small.toml"
    config.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "run"
    code = main(["plan", "--config", str(config), "--scenarios", "3",
                 "--forbid", "CN-JS:420900", "--out", str(out)])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "two-stage MIP" in text
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["two_stage"]["planning_scenarios"] == 3
    pairs = pd.read_csv(out / "pairs.csv", dtype=str)
    assert not ((pairs["donor_code"] == "CN-JS") & (pairs["recipient_code"] == "420900")).any()


def test_plan_cvar_needs_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--cvar-alpha", "0.9", "--no-official"]) == 2
    assert "--scenarios" in capsys.readouterr().err
