"""Reading a run folder: good folders load, bad ones raise one InputError naming the place."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairaid.errors import InputError
from pairaid.report.run import flatten_config, read_run


def test_fixture_run_loads_typed(run_dir: Path) -> None:
    run = read_run(run_dir)
    gaps = run.tables["gaps"]
    assert str(gaps["date"].dtype).startswith("datetime64")
    assert gaps["gap"].dtype == float
    assert set(run.metrics) == {"pairaid", "official_2020_02_10"}
    assert run.sources and run.config["decision_date"] == "2020-02-10"
    assert run.has_plan("official_2020_02_10")


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="run folder does not exist"):
        read_run(tmp_path / "nowhere")


def test_every_problem_reported_once(run_dir: Path) -> None:
    (run_dir / "flows.csv").unlink()
    text = (run_dir / "gaps.csv").read_text(encoding="utf-8").splitlines()
    fields = text[3].split(",")
    fields[5] = "many"  # gap column of the third data row (line 4)
    text[3] = ",".join(fields)
    (run_dir / "gaps.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    pairs = (run_dir / "pairs.csv").read_text(encoding="utf-8")
    (run_dir / "pairs.csv").write_text(pairs.replace("distance_km", "km"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_run(run_dir)
    problems = {(Path(p.source).name, p.row, p.column) for p in info.value.problems}
    assert ("flows.csv", None, None) in problems
    assert ("gaps.csv", 4, "gap") in problems
    assert ("pairs.csv", None, "distance_km") in problems
    assert "line 4, column 'gap'" in str(info.value)


def test_unknown_region_is_named(run_dir: Path) -> None:
    flows = (run_dir / "flows.csv").read_text(encoding="utf-8")
    (run_dir / "flows.csv").write_text(flows.replace("CN-GD,420900,doctors",
                                                     "CN-XX,420900,doctors"), encoding="utf-8")
    with pytest.raises(InputError, match="'CN-XX' is not in regions.csv") as info:
        read_run(run_dir)
    assert info.value.problems[0].row == 2


def test_bad_metrics_json(run_dir: Path) -> None:
    (run_dir / "metrics.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="metrics.json: not valid JSON"):
        read_run(run_dir)


def test_optional_official_files_may_be_absent(run_dir: Path) -> None:
    for name in ("official_pairs", "official_flows", "official_shortfall"):
        (run_dir / f"{name}.csv").unlink()
    run = read_run(run_dir)
    assert not run.has_plan("official_2020_02_10")
    assert run.tables["official_flows"].empty


def test_flatten_config() -> None:
    rows = flatten_config({"k": 2, "data": {"path": "/x"}, "ids": ["a", "b"], "on": True})
    assert rows == [("k", 2), ("data.path", "/x"), ("ids", '["a", "b"]'), ("on", True)]


def test_bad_stability_file_is_named(run_dir: Path) -> None:
    (run_dir / "explain_stability.json").write_text('{"team": {}, "stable_pairs": [["CN-GD"]]}',
                                                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_run(run_dir)
    assert "explain_stability.json" in str(info.value)
    assert "stable_pairs" in str(info.value)


def test_an_edited_file_with_a_long_row_or_a_column_twice_is_named_by_line(
        run_dir: Path) -> None:
    """c0010 kind on the run folder: a trailing comma on one row of needs.csv (a
    spreadsheet edit) made pandas read 'line 420702, column value: ... 420700 False ...'
    (the region codes had become the row index); a second 'gap' column in gaps.csv was
    read as 'gap.1' without a word. Both are named by file and line."""
    needs = (run_dir / "needs.csv").read_text(encoding="utf-8").splitlines()
    needs[1] += ","
    (run_dir / "needs.csv").write_text("\n".join(needs) + "\n", encoding="utf-8")
    gaps = (run_dir / "gaps.csv").read_text(encoding="utf-8").splitlines()
    gaps = [gaps[0] + ",gap"] + [line + ",0" for line in gaps[1:]]
    (run_dir / "gaps.csv").write_text("\n".join(gaps) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_run(run_dir)
    header = len(needs[0].split(","))
    messages = [str(p) for p in info.value.problems]
    assert f"{run_dir / 'needs.csv'}, line 2: row has {header + 1} fields but the header " \
           f"has {header}" in messages
    first = gaps[0].split(",").index("gap") + 1
    assert f"{run_dir / 'gaps.csv'}, line 1, column 'gap': column 'gap' appears twice in " \
           f"the header (columns {first} and {len(gaps[0].split(','))}); keep one" in messages
