"""Input validation: each kind of broken input gives one clear message (file, line, column)."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pairaid.datasets import load_dataset
from pairaid.errors import InputError
from pairaid.schemas import INPUT_TABLES


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


LOCALE_HINT = ("write numbers with '.' as the decimal point and no thousands separator "
               "(a spreadsheet saves '1.234,5' or '1,234' in some locales)")


@pytest.mark.parametrize(("cell", "kind"), [
    ('"1,000"', "a whole number"),      # thousands comma, as Excel writes 1000 in en-US
    ('"1.234,5"', "a number"),          # decimal comma with grouping dot (de-DE)
    ('"0,5"', "a number"),              # decimal comma alone
    ("1 000", "a whole number"),        # space-grouped (fr-FR)
    ("1'000", "a whole number"),        # apostrophe-grouped (de-CH)
    ("1.000.000", "a whole number"),    # dot-grouped, two groups
])
def test_number_in_a_locale_form_says_how_to_write_it(tiny: Path, cell: str,
                                                        kind: str) -> None:
    # an Excel CSV in another locale: the message says why the cell is not a number
    if kind == "a whole number":
        _edit(tiny / "cases.csv", "2020-01-25,420900,100", f"2020-01-25,420900,{cell}")
        where = "cases.csv, line 2, column 'confirmed_cum'"
    else:
        _edit(tiny / "regions.csv", ",CN-HB,30.92,", f",CN-HB,{cell},")
        where = "regions.csv, line 5, column 'latitude'"
    msg = _message(tiny)
    value = cell.strip('"')
    assert f"{where}: '{value}' is not {kind}; {LOCALE_HINT}" in msg


@pytest.mark.parametrize("cell", ["many", "1.5", "1,2,3", "12,34,567"])
def test_other_bad_numbers_get_no_locale_hint(tiny: Path, cell: str) -> None:
    # text, a decimal in a count, and commas in no locale's grouping: no advice about locales
    _edit(tiny / "cases.csv", "2020-01-25,420900,100", f'2020-01-25,420900,"{cell}"')
    msg = _message(tiny)
    assert f"'{cell}' is not a whole number" in msg
    assert "thousands separator" not in msg


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


# --- optional columns and tables (case c0005 and its kind) ---------------------------

_DATA = Path(__file__).parent / "data"


def _plan(folder, **settings):
    from pairaid.config import make_config
    from pairaid.datasets import load_dataset
    from pairaid.pipeline import plan

    base = {"decision_date": "2020-02-10", "horizon_days": 7}
    return plan(load_dataset(folder), make_config({**base, **settings}))


def _outcome(run) -> tuple:
    pairs = sorted(zip(run.plan.pairs["donor_code"], run.plan.pairs["recipient_code"],
                       strict=True))
    sent = round(float(run.plan.flows["quantity"].sum()), 6)
    return run.plan.status.value, pairs, sent, round(float(run.gaps["gap"].sum()), 6)


def _rewrite(path, keep) -> None:
    """Rewrite a CSV file with only the columns ``keep(name)`` accepts."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    cols = [i for i, name in enumerate(rows[0]) if keep(name)]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([[r[i] for i in cols] for r in rows])


def test_c0005_capacities_without_the_estimated_column_plan_like_an_empty_one(tmp_path):
    # c0005: capacities.csv with only region_code, resource, quantity crashed in the gap
    # stage (KeyError 'capacity_estimated'); the same data with an empty 'estimated'
    # column gives status optimal, no staff gap and no pairs
    data = _DATA / "cases" / "c0005" / "data"
    settings = {"recipients": ["420700"], "donors": ["CN-JX"], "official_round": None}
    run = _plan(data, **settings)
    empty = tmp_path / "empty"
    shutil.copytree(data, empty)
    cap = empty / "capacities.csv"
    lines = cap.read_text(encoding="utf-8").splitlines()
    cap.write_text("\n".join([lines[0] + ",estimated"] + [ln + "," for ln in lines[1:]])
                   + "\n", encoding="utf-8")
    assert _outcome(run) == _outcome(_plan(empty, **settings))
    status, pairs, sent, _ = _outcome(run)
    assert (status, pairs, sent) == ("optimal", [], 0.0)
    staff = run.gaps[run.gaps["resource"].isin(["doctors", "nurses"])]
    assert (staff["gap"] == 0).all()
    assert not run.gaps["estimated"].any()


def test_c0005_cli_runs_to_the_end(tmp_path, capsys):
    from pairaid.cli import main

    code = main(["plan", "--data", str(_DATA / "cases" / "c0005" / "data"), "--date",
                 "2020-02-10", "--horizon", "7", "--recipients", "420700", "--donors",
                 "CN-JX", "--no-official", "--out", str(tmp_path / "run")])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "run" / "gaps.csv").is_file()


def _documented_optional() -> set[tuple[str, str]]:
    """(table, column) pairs that docs/data-format.md marks optional ('no' or 'optional')."""
    doc = (Path(__file__).parents[1] / "docs" / "data-format.md").read_text(encoding="utf-8")
    found: set[tuple[str, str]] = set()
    table = ""
    for line in doc.splitlines():
        head = re.match(r"## `(\w+)\.csv`", line)
        if head:
            table = head.group(1)
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 3 and (
                "optional" in cells[1] or (len(cells) >= 5 and cells[3] == "no")):
            for name in cells[0].split(","):
                found.add((table, name.strip()))
    return found


def test_kind_docs_and_schemas_agree_on_optional_columns():
    schema_optional = {(name, col.name) for name, schema in INPUT_TABLES.items()
                       for col in schema.columns if not col.required
                       if name in ("regions", "cases", "capacities")}
    assert _documented_optional() == schema_optional


def test_kind_every_optional_column_and_table_may_be_absent(tmp_path):
    """Kind of c0005: dropping any documented-optional column gives the same plan as
    leaving it in with every cell empty; so does dropping an optional table."""
    full = tmp_path / "full"
    shutil.copytree(_DATA / "tiny", full)
    # give the tiny set every optional column, each cell empty, plus the optional tables
    for name, schema in INPUT_TABLES.items():
        path = full / f"{name}.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        add = [c.name for c in schema.columns if c.name not in rows[0]]
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows([rows[0] + add] + [r + [""] * len(add)
                                                        for r in rows[1:]])
    shutil.copy(Path(__file__).parents[1] / "src" / "pairaid" / "data" / "hubei-2020"
                 / "parameters.csv", full / "parameters.csv")
    base = _outcome(_plan(full))
    assert base[1], "the tiny set should give pairs, or the comparison proves little"
    checked = 0
    for name, schema in INPUT_TABLES.items():
        for col in schema.columns:
            if col.required or not (full / f"{name}.csv").exists():
                continue
            case = tmp_path / f"{name}-{col.name}"
            shutil.copytree(full, case)
            _rewrite(case / f"{name}.csv", lambda c, drop=col.name: c != drop)
            assert _outcome(_plan(case)) == base, (name, col.name)
            checked += 1
    assert checked >= len(_documented_optional())
    for table in ("parameters", "distances"):
        case = tmp_path / f"no-{table}"
        shutil.copytree(full, case)
        (case / f"{table}.csv").unlink(missing_ok=True)
        assert _outcome(_plan(case)) == base, table
    case = tmp_path / "no-pairings"
    shutil.copytree(full, case)
    (case / "pairings.csv").unlink()
    assert _outcome(_plan(case, official_round=None))[1] == base[1]


def test_infinite_number_is_refused_not_taken_as_unlimited(tiny: Path) -> None:
    # 'inf' parses as a float and passes 'must be ≥ 0'; found trying `plan --data` with
    # beds = inf, which planned as if the city had unlimited beds
    _edit(tiny / "capacities.csv", "420900,nurses,500", "420900,nurses,inf")
    msg = _message(tiny)
    assert "capacities.csv, line 8, column 'quantity'" in msg
    assert "is not a finite number" in msg


@pytest.mark.parametrize("text", ["NaN", "nan"])
def test_nan_count_is_refused_as_not_a_number(tiny: Path, text: str) -> None:
    # 'nan' parses as a float NaN, which failed the bound as "nan must be ≥ 0"
    _edit(tiny / "capacities.csv", "420900,nurses,500", f"420900,nurses,{text}")
    msg = _message(tiny)
    assert (f"capacities.csv, line 8, column 'quantity': '{text}' is not a number (NaN); "
            "a number is required") in msg
    assert "must be ≥ 0" not in msg


def test_nan_in_an_optional_number_says_an_empty_cell_is_allowed() -> None:
    from pairaid.schemas import PARAMETERS, validate

    raw = pd.DataFrame({"name": ["share_mild", "share_severe"], "value": ["0.8", "0.15"],
                        "unit": ["1", "1"], "low": ["0.7", "NaN"], "high": [None, "0.2"],
                        "source": ["S1", "S1"]})
    with pytest.raises(InputError) as info:
        validate(raw, PARAMETERS, "parameters.csv")
    assert [str(p) for p in info.value.problems] == [
        "parameters.csv, line 3, column 'low': 'NaN' is not a number (NaN); write a number, "
        "or leave the cell empty if unknown"]
    # the empty cell is unknown, not an error
    assert validate(raw.assign(low=["0.7", None]), PARAMETERS, "p")["high"].isna().tolist() \
        == [True, False]


def test_a_capitalised_level_names_the_allowed_form(tiny: Path) -> None:
    # 'Prefecture' said only "is not in the expected form"
    _edit(tiny / "regions.csv", "Province A,province,", "Province A,Province,")
    msg = _message(tiny)
    assert ("regions.csv, line 2, column 'level': 'Province' must be a level in lower case, "
            "letters and '_' only (case-sensitive), such as province, prefecture") in msg


def test_kind_every_pattern_of_every_schema_is_said_in_words() -> None:
    import pairaid.schemas as schemas

    tables = [t for t in vars(schemas).values() if isinstance(t, schemas.TableSchema)]
    patterns = {c.pattern for t in tables for c in t.columns if c.pattern is not None}
    assert len(tables) >= len(INPUT_TABLES) and patterns
    assert patterns <= set(schemas.PATTERN_WORDS), patterns - set(schemas.PATTERN_WORDS)


def test_misspelt_parameter_name_is_refused_with_its_line() -> None:
    # a misspelt name used to be ignored silently (the built-in value applied instead)
    from pairaid.datasets import load_builtin
    from pairaid.parameters import parameter_values

    table = load_builtin("hubei-2020").parameters
    assert parameter_values(table)  # the shipped names are all known
    extra = table.iloc[[0]].assign(name="share_mlid")
    typo = pd.concat([table, extra], ignore_index=True)
    with pytest.raises(InputError) as info:
        parameter_values(typo, source="parameters.csv")
    msg = str(info.value)
    assert f"parameters.csv, line {len(table) + 2}, column 'name'" in msg
    assert "unknown parameter 'share_mlid'" in msg


def test_a_file_given_as_the_data_folder_is_named_as_a_file(tiny: Path) -> None:
    # `--data DIR/cases.csv` used to say "data folder not found" of a file that exists
    msg = _message(tiny / "cases.csv")
    assert "cases.csv: is a file, not a data folder" in msg


def _every_schema() -> list:
    import pairaid.schemas as schemas

    return [v for v in vars(schemas).values() if isinstance(v, schemas.TableSchema)]


@pytest.mark.parametrize("schema", _every_schema(), ids=lambda s: s.name)
def test_an_empty_cell_in_a_required_text_column_is_refused(schema) -> None:  # noqa: ANN001
    """An empty donor_code or recipient_code in a --previous pairs.csv passed validation and
    surfaced as "setting 'previous_pairs.1.1' (--previous) = nan" (no file, no line); an
    empty region_code in capacities.csv as "unknown region code 'nan'". pandas reads an
    empty text cell as NaN, and the not-nullable failure was dropped with the NaN failures
    of number columns. Every required text column of every table must say so, with line and
    column."""
    from pairaid.schemas import validate

    text_cols = [c.name for c in schema.columns if c.dtype == "str" and not c.nullable
                 and c.required]
    import io

    header = [c.name for c in schema.columns if c.required]
    # one data row, every cell empty, read as pairaid reads a CSV file (io.read_table)
    raw = pd.read_csv(io.StringIO(",".join(header) + "\n" + "," * (len(header) - 1) + "\n"),
                      dtype=str, keep_default_na=False, na_values=[""])
    with pytest.raises(InputError) as err:
        validate(raw, schema, f"{schema.name}.csv")
    said = {(p.row, p.column) for p in err.value.problems
            if p.message == "empty cell, but a value is required"}
    assert {(2, c) for c in text_cols} <= said
