"""Run folders (pairaid.runs): written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

import pairaid.runs as runs
from pairaid.config import make_config
from pairaid.datasets import load_dataset
from pairaid.pipeline import plan
from pairaid.runs import save_run


@pytest.fixture(scope="module")
def tiny_run():
    data = Path(__file__).parent / "data" / "tiny"
    return plan(load_dataset(data), make_config({"decision_date": "2020-02-10",
                                                 "horizon_days": 7}))


def _interrupt_after(monkeypatch: pytest.MonkeyPatch, calls: int) -> list[str]:
    """Make runs.write_csv write ``calls`` tables, then raise KeyboardInterrupt (Ctrl-C)
    half-way through the next one (its file exists, cut short)."""
    written: list[str] = []
    real = runs.write_csv

    def write_csv(frame, path: Path) -> None:
        if len(written) == calls:
            path.write_text(",".join(map(str, frame.columns)) + "\n", encoding="utf-8")
            raise KeyboardInterrupt
        real(frame, path)
        written.append(path.name)

    monkeypatch.setattr(runs, "write_csv", write_csv)
    return written


def test_ctrl_c_while_writing_leaves_no_run_folder(tiny_run, tmp_path, monkeypatch) -> None:
    out = tmp_path / "pairaid-out" / "run"
    written = _interrupt_after(monkeypatch, 3)
    with pytest.raises(KeyboardInterrupt):
        save_run(tiny_run, out)
    assert len(written) == 3  # three tables were complete and one cut short: all gone
    assert not out.exists()
    monkeypatch.undo()
    save_run(tiny_run, out)  # so the same command runs again without --force
    assert (out / "metrics.json").is_file()


def test_ctrl_c_while_replacing_a_run_keeps_the_folder_and_no_half_run(
        tiny_run, tmp_path, monkeypatch) -> None:
    out = tmp_path / "run"
    save_run(tiny_run, out)
    before = sorted(p.name for p in out.iterdir())
    assert {"pairs.csv", "metrics.json", "config.toml"} <= set(before)
    _interrupt_after(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt):
        save_run(tiny_run, out, force=True)
    assert out.is_dir() and list(out.iterdir()) == []  # the folder was the user's: kept


def test_every_run_file_is_named_in_the_readme_or_docs() -> None:
    # a planner handed a run folder finds every file in the documentation
    root = Path(__file__).parents[1]
    text = (root / "README.md").read_text(encoding="utf-8") + "".join(
        p.read_text(encoding="utf-8") for p in sorted((root / "docs").glob("*.md")))
    unnamed = [name for name in runs.RUN_FILES if f"`{name}" not in text
               and not (name.startswith("official_") and name.endswith(".csv")
                        and "`official_*.csv`" in text)]
    assert unnamed == []
