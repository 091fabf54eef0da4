"""``pairaid report RUN_DIR``: writes the files, prints a clear error for a bad folder."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pairaid.report.commands import report


def test_report_command_writes_all(run_dir: Path) -> None:
    result = CliRunner().invoke(report, [str(run_dir), "--xlsx", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    for name in ("report.html", "pairs.geojson", "plan.xlsx"):
        assert (run_dir / name).stat().st_size > 0
        assert f"wrote {run_dir / name}" in result.output
    assert 'data-lang="zh"' in (run_dir / "report.html").read_text(encoding="utf-8")


def test_report_command_bad_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(report, [str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "run folder does not exist" in result.output
    assert "Traceback" not in result.output
