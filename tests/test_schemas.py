"""Input validation: each kind of broken input gives one clear message (file, line, column)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairaid.datasets import load_dataset
from pairaid.errors import InputError


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _message(folder: Path) -> str:
    with pytest.raises(InputError) as info:
        load_dataset(folder)
    return str(info.value)


def test_valid_tiny_data_set_loads_typed(tiny: Path) -> None:
    ds = load_dataset(tiny)
    assert len(ds.regions) == 5
    assert str(ds.cases["confirmed_cum"].dtype) == "Int64"
    assert ds.cases["date"].dt.year.eq(2020).all()


def test_missing_column_is_named(tiny: Path) -> None:
    _edit(tiny / "cases.csv", "confirmed_cum,", "confirmed,")
    msg = _message(tiny)
    assert "cases.csv" in msg and "missing required column 'confirmed_cum'" in msg


def test_bad_date_names_line_and_column(tiny: Path) -> None:
    _edit(tiny / "cases.csv", "2020-01-27,420900", "2020-13-27,420900")
    msg = _message(tiny)
    assert "cases.csv, line 4, column 'date'" in msg
    assert "'2020-13-27' is not an ISO date YYYY-MM-DD" in msg


def test_negative_count_is_refused(tiny: Path) -> None:
    _edit(tiny / "capacities.csv", "420900,nurses,500", "420900,nurses,-500")
    msg = _message(tiny)
    assert "capacities.csv, line 8, column 'quantity'" in msg and "must be ≥ 0" in msg


def test_text_in_count_column_is_refused(tiny: Path) -> None:
    _edit(tiny / "cases.csv", "2020-01-25,420900,100", "2020-01-25,420900,many")
    msg = _message(tiny)
    assert "cases.csv, line 2, column 'confirmed_cum'" in msg
    assert "'many' is not a whole number" in msg


def test_unknown_region_code_is_refused(tiny: Path) -> None:
    _edit(tiny / "pairings.csv", "CN-AA,421100", "CN-ZZ,421100")
    msg = _message(tiny)
    assert "pairings.csv, line 2, column 'donor_code'" in msg
    assert "unknown region code 'CN-ZZ'" in msg


def test_duplicated_key_is_refused(tiny: Path) -> None:
    with (tiny / "capacities.csv").open("a", encoding="utf-8") as f:
        f.write("420900,beds,900,2019,false,test\n")
    msg = _message(tiny)
    assert "duplicated key (region_code, resource) = (420900, beds)" in msg
    assert "capacities.csv, line 12" in msg and "capacities.csv, line 6" in msg


def test_non_utf8_file_is_refused(tiny: Path) -> None:
    data = (tiny / "regions.csv").read_text(encoding="utf-8").encode("gb18030")
    (tiny / "regions.csv").write_bytes(data)
    msg = _message(tiny)
    assert "regions.csv" in msg and "not valid UTF-8" in msg and "line 2" in msg


def test_every_problem_is_reported_at_once(tiny: Path) -> None:
    _edit(tiny / "cases.csv", "2020-01-27,420900", "2020-13-27,420900")
    _edit(tiny / "capacities.csv", "420900,nurses,500", "420900,nurses,-500")
    with pytest.raises(InputError) as info:
        load_dataset(tiny)
    files = {Path(p.source).name for p in info.value.problems}
    assert files == {"cases.csv", "capacities.csv"}


def test_missing_required_table(tiny: Path) -> None:
    (tiny / "capacities.csv").unlink()
    assert "required table 'capacities' is missing" in _message(tiny)


def test_empty_cell_means_unknown_not_zero(tiny: Path) -> None:
    _edit(tiny / "cases.csv", "2020-01-25,420900,100,2,0", "2020-01-25,420900,100,2,")
    ds = load_dataset(tiny)
    row = ds.cases[(ds.cases["region_code"] == "420900")].iloc[0]
    assert row["recovered_cum"] is not None and str(row["recovered_cum"]) == "<NA>"


def test_ragged_rows_are_refused_not_shifted(tiny: Path) -> None:
    _edit(tiny / "cases.csv", "2020-01-26,420900,112,2,0,", "2020-01-26,420900,112,2,0,,extra,x")
    _edit(tiny / "cases.csv", "2020-01-27,420900,125,2,0,", "2020-01-27,420900,125")
    msg = _message(tiny)
    assert "cases.csv, line 3: row has 8 fields but the header has 6" in msg
    assert "cases.csv, line 4: row has 3 fields but the header has 6" in msg


def test_header_only_required_table(tiny: Path) -> None:
    path = tiny / "cases.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert "cases.csv: no data rows below the header" in _message(tiny)


def test_bom_crlf_and_extra_columns_are_accepted(tiny: Path) -> None:
    path = tiny / "regions.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",remark"] + [ln + ",ok" for ln in lines[1:]]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    ds = load_dataset(tiny)
    assert list(ds.regions["region_code"])[:2] == ["CN-AA", "CN-BB"]
    assert "remark" in ds.regions.columns
