"""Every refusal names the cause in the user's terms and the flag or file to change
(kind 8 of issue 10; case c0011 is in tests/pairing/test_orlib.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pairaid.cli import main

DATA = Path(__file__).parent / "data"
RAW = ("^(", "\\d", "[A-Z]", "Traceback", "to none", "KeyError", "ValueError")


def _run(capsys, *args: str) -> str:
    code = main(list(args))
    captured = capsys.readouterr()
    assert code == 2, captured.out + captured.err
    text = " ".join((captured.out + captured.err).split())
    for raw in RAW:
        assert raw not in text, (raw, text)
    return text


@pytest.mark.parametrize("args, says", [
    (["--param", "covid_share_staff=abc"], ["--param", "the value 'abc' of covid_share_staff "
                                            "is not a number"]),
    (["--param", "covid_share_staff"], ["--param", "NAME=VALUE"]),
    (["--m-donor", "CN-SX=x"], ["--m-donor", "'x' of CN-SX is not a whole number"]),
    (["--date", "10/02/2020"], ["--date", "'10/02/2020' is not an ISO date YYYY-MM-DD"]),
    (["--date", "2020-02-30"], ["--date", "not an ISO date"]),
    (["--recipients", "CN-HB", "--donors", "CN-HB"], ["--donors", "--recipients"]),
    (["--recipients", "CN-HB"], ["no case rows for any recipient (CN-HB)", "--recipients"]),
    (["--recipients", "4209"], ["recipients", "unknown region code", "regions.csv"]),
    (["--fix", "CN-SX"], ["--fix", "DONOR:RECIPIENT"]),
    (["--k", "0"], ["--k"]),
    (["--quantile", "0.33"], ["--quantile", "0.5"]),
])
def test_kind_flag_refusals_name_the_flag_and_the_cause(tmp_path, capsys, args, says):
    text = _run(capsys, "plan", *args, "--out", str(tmp_path / "run"))
    for part in says:
        assert part in text, (part, text)
    assert not (tmp_path / "run").exists()


def test_kind_default_donors_leave_out_the_chosen_recipients(tmp_path, capsys):
    # a province chosen as recipient is not also a default donor (it was refused as "both
    # donors and recipients" although the user never named it a donor)
    data = tmp_path / "data"
    shutil.copytree(DATA / "tiny", data)
    code = main(["plan", "--data", str(data), "--recipients", "420900", "--donors",
                 "CN-AA", "--no-official", "--date", "2020-02-10", "--out",
                 str(tmp_path / "ok")])
    assert code == 0, capsys.readouterr().err
    from pairaid.config import make_config
    from pairaid.datasets import load_dataset
    from pairaid.selection import select_regions

    dataset = load_dataset(data)
    recipients, donors = select_regions(dataset, make_config({"recipients": ["CN-AA"]}))
    assert recipients == ["CN-AA"] and "CN-AA" not in donors and donors


def test_kind_no_prefecture_rows_says_what_the_default_picks(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(DATA / "tiny", data)
    regions = data / "regions.csv"
    regions.write_text(regions.read_text(encoding="utf-8").replace(",prefecture,",
                                                                   ",province,"),
                       encoding="utf-8")
    text = _run(capsys, "plan", "--data", str(data), "--no-official", "--out",
                str(tmp_path / "run"))
    assert "level 'prefecture' in regions.csv" in text and "--recipients" in text


def test_kind_unknown_official_round_points_to_no_official(tmp_path, capsys):
    config = tmp_path / "plan.toml"
    config.write_text('official_round = "2020-02-11"\n', encoding="utf-8")
    text = _run(capsys, "plan", "--config", str(config), "--out", str(tmp_path / "run"))
    assert "--no-official" in text and "2020-02-10" in text


@pytest.mark.parametrize("column, bad, says", [
    ("region_code", "4209", "must be a region code: six digits (GB/T 2260, e.g. 420900)"),
    ("gb2260_code", "42-09", "must be a six-digit GB/T 2260 code"),
    ("iso3166_2", "hubei", "must be an ISO 3166-2 code (e.g. CN-HB)"),
])
def test_kind_code_patterns_are_said_in_words(tmp_path, capsys, column, bad, says):
    data = tmp_path / "data"
    shutil.copytree(DATA / "tiny", data)
    regions = data / "regions.csv"
    lines = regions.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index(column)] = bad
    lines[1] = ",".join(cells)
    regions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = _run(capsys, "plan", "--data", str(data), "--no-official", "--out",
                str(tmp_path / "run"))
    assert f"line 2, column '{column}'" in text and says in text and bad in text
