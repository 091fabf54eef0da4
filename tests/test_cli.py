"""The command line, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pairaid.cli import main


def test_plan_on_builtin_data_writes_the_contract(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["plan", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "official pairs 2020-02-10, modelled flows" in printed and "pairaid" in printed
    pairs = pd.read_csv(out / "pairs.csv")
    flows = pd.read_csv(out / "flows.csv")
    assert {"donor_code", "recipient_code"} <= set(pairs.columns)
    assert {"donor_code", "recipient_code", "resource", "quantity"} <= set(flows.columns)
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    for key in ("pairaid", "official_2020_02_10"):
        assert {"shortfall_staff_days", "gap_covered_share", "max_donor_burden",
                "total_distance_km"} <= set(metrics[key])
    for name in ("forecast.csv", "needs.csv", "gaps.csv", "config.toml"):
        assert (out / name).is_file()


def test_existing_run_is_replaced_only_with_force(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["plan", "--out", str(out), "--no-official"]) == 0
    assert main(["plan", "--out", str(out), "--no-official"]) == 2
    assert "already holds a run" in capsys.readouterr().err
    assert main(["plan", "--out", str(out), "--force"]) == 0
    assert (out / "official_pairs.csv").is_file()


def test_user_files_are_never_touched_even_with_force(tmp_path: Path, capsys) -> None:
    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "thesis.docx").write_text("keep me", encoding="utf-8")
    (out / "pairs.csv").write_text("donor_code,recipient_code\n", encoding="utf-8")
    assert main(["plan", "--out", str(out), "--force"]) == 2
    assert "not a pairaid run" in capsys.readouterr().err
    assert (out / "thesis.docx").read_text(encoding="utf-8") == "keep me"
    assert (out / "sub").is_dir()
    assert (out / "pairs.csv").read_text(encoding="utf-8") == "donor_code,recipient_code\n"


def test_out_that_is_a_file_is_refused(tmp_path: Path, capsys) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    for target in (afile, afile / "sub"):
        assert main(["plan", "--out", str(target), "--force"]) == 2
        assert "is a file, not a folder" in capsys.readouterr().err
    assert afile.read_text(encoding="utf-8") == "x"


def test_data_folder_of_a_user(tiny: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "tiny-run"
    code = main(["plan", "--data", str(tiny), "--out", str(out), "--horizon", "14"])
    assert code == 0, capsys.readouterr().err
    pairs = pd.read_csv(out / "pairs.csv", dtype=str)
    assert set(pairs["recipient_code"]) <= {"420900", "421100"}
    assert set(pairs["donor_code"]) <= {"CN-AA", "CN-BB"}
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["official_2020_02_10"]["pairs"] == 2


def test_bad_data_folder_gives_message_not_traceback(tiny: Path, capsys) -> None:
    path = tiny / "cases.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2020-01-26,420900",
                                                             "2020-01-26,999999", 1),
                    encoding="utf-8")
    assert main(["plan", "--data", str(tiny), "--out", str(tiny / "out")]) == 2
    err = capsys.readouterr().err
    assert "cases.csv, line 3, column 'region_code'" in err and "Traceback" not in err


@pytest.mark.parametrize(("args", "expected"), [
    (["--k", "0"], "setting 'k' (--k) = 0"),
    (["--m", "0"], "setting 'm' (--m) = 0"),
    (["--quantile", "0.33"], "setting 'planning_quantile' (--quantile) = 0.33"),
    (["--dataset", "atlantis"], "unknown data set 'atlantis'"),
])
def test_bad_settings_name_the_setting(args: list[str], expected: str, tmp_path: Path,
                                       capsys) -> None:
    assert main(["plan", "--out", str(tmp_path / "x"), *args]) == 2
    assert expected in capsys.readouterr().err


def test_config_file_is_read_and_unknown_keys_refused(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "plan.toml"
    cfg.write_text('horizon_days = 14\nkk = 3\n', encoding="utf-8")
    assert main(["plan", "--config", str(cfg), "--out", str(tmp_path / "x")]) == 2
    assert "setting 'kk'" in capsys.readouterr().err


def test_data_show_prints_tables_and_sources(capsys) -> None:
    assert main(["data", "show", "hubei-2020"]) == 0
    out = capsys.readouterr().out
    assert "cases" in out and "2020-01-20" in out and "2020-04-30" in out
    assert "Source register" in out or "S1" in out


def test_parameter_override_changes_the_gap(tmp_path: Path, capsys) -> None:
    base, low = tmp_path / "base", tmp_path / "low"
    assert main(["plan", "--out", str(base), "--no-official"]) == 0
    assert main(["plan", "--out", str(low), "--no-official",
                 "--param", "covid_share_staff=0.05"]) == 0
    g0 = pd.read_csv(base / "gaps.csv")
    g1 = pd.read_csv(low / "gaps.csv")
    staff = ["doctors", "nurses"]
    # half the local staff for COVID care: every staff gap grows or stays
    assert g1[g1.resource.isin(staff)]["gap"].sum() > g0[g0.resource.isin(staff)]["gap"].sum()
    assert main(["plan", "--out", str(tmp_path / "bad"), "--param", "nosuch=1"]) == 2
    assert "unknown parameter(s) ['nosuch']" in capsys.readouterr().err


def test_infeasible_limits_are_explained(tiny: Path, tmp_path: Path, capsys) -> None:
    # both tiny recipients have a staff gap, but the only donor may take one recipient
    code = main(["plan", "--data", str(tiny), "--out", str(tmp_path / "x"), "--donors",
                 "CN-AA", "--m", "1", "--no-official", "--horizon", "14"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "error:" in err and "Traceback" not in err
    assert "2 recipients" in err and "1 donor" in err


def test_unknown_donor_code_is_named(tmp_path: Path, capsys) -> None:
    assert main(["plan", "--out", str(tmp_path / "x"), "--donors", "CN-GD,CN-XX"]) == 2
    assert "unknown region code(s) ['CN-XX']" in capsys.readouterr().err


def test_missing_capacity_row_is_an_error_not_a_silent_drop(tiny: Path, tmp_path: Path,
                                                            capsys) -> None:
    path = tiny / "capacities.csv"
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines()
             if not ln.startswith("420900,nurses")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["plan", "--data", str(tiny), "--out", str(tmp_path / "x")]) == 2
    assert "capacities.csv, column 'resource': no 'nurses' row for region 420900" in \
        capsys.readouterr().err


@pytest.mark.parametrize(("args", "expected"), [
    (["--donors", "CN-HB,CN-SD", "--no-official"], "cannot be paired with its own divisions"),
    (["--recipients", "420900,420900", "--no-official"], "listed more than once"),
    (["--date", "2019-01-01"], "outside the recipients' case data (2020-01-20 … 2020-04-30)"),
    (["--recipients", "420100"], "add --no-official"),
    (["--data", "tests/data/tiny", "--dataset", "hubei-2020"], "not both"),
])
def test_run_settings_that_cannot_work(args: list[str], expected: str, tmp_path: Path,
                                       capsys) -> None:
    assert main(["plan", "--out", str(tmp_path / "x"), *args]) == 2
    assert expected in capsys.readouterr().err


def test_external_forecast_must_cover_the_horizon(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert main(["plan", "--out", str(out), "--no-official"]) == 0
    fc = pd.read_csv(out / "forecast.csv", dtype={"region_code": str})
    hub = fc[fc["target"] == "census"].rename(columns={"region_code": "location",
                                                       "date": "target_end_date"})
    good = tmp_path / "good.csv"
    hub.to_csv(good, index=False)
    assert main(["plan", "--out", str(tmp_path / "g"), "--demand", str(good)]) == 0, \
        capsys.readouterr().err
    shifted = hub.assign(target_end_date=pd.to_datetime(hub["target_end_date"])
                         + pd.Timedelta(days=200))
    bad = tmp_path / "late.csv"
    shifted.to_csv(bad, index=False)
    assert main(["plan", "--out", str(tmp_path / "b"), "--demand", str(bad)]) == 2
    assert "does not cover every day 2020-02-11 … 2020-03-09" in capsys.readouterr().err


def test_modes_and_pair_rules_from_flags(tmp_path: Path) -> None:
    out = tmp_path / "m"
    assert main(["plan", "--out", str(out), "--mode", "1:1", "--max-km", "800",
                 "--param", "covid_share_staff=0.05", "--no-staff-cap"]) == 0
    pairs = pd.read_csv(out / "pairs.csv", dtype=str)
    assert pairs.groupby("recipient_code").size().max() == 1
    assert pairs.groupby("donor_code").size().max() == 1
    assert pd.to_numeric(pairs["distance_km"]).max() <= 800


def test_previous_plan_is_kept_when_replanning(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["plan", "--out", str(first), "--date", "2020-02-07"]) == 0
    assert main(["plan", "--out", str(second), "--previous", str(first / "pairs.csv")]) == 0
    before = pd.read_csv(first / "pairs.csv", dtype=str)
    after = pd.read_csv(second / "pairs.csv", dtype=str)
    kept = set(zip(before["donor_code"], before["recipient_code"], strict=True))
    assert kept <= set(zip(after["donor_code"], after["recipient_code"], strict=True))


def test_explain_writes_its_tables(tmp_path: Path, capsys) -> None:
    out = tmp_path / "e"
    assert main(["plan", "--out", str(out), "--explain"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "Cost of forbidding each chosen pair" in printed
    # the printed value of one more team says whether it lowers the shortfall or only
    # shortens travel, as the table it comes from does
    marginal = pd.read_csv(out / "explain_marginal_values.csv", dtype={"recipient_code": str})
    top = marginal[marginal["value"] > 1e-9]
    assert not top.empty  # the default plan has a team that helps
    said = ("shortfall −" if top["shortfall_change"].iloc[0] < -0.5
            else "shorter travel only")
    assert said in printed.split("helps most:")[1].split(")")[0]
    forbid = pd.read_csv(out / "explain_forbid_costs.csv", dtype={"recipient_code": str})
    pairs = pd.read_csv(out / "pairs.csv", dtype={"recipient_code": str})
    assert len(forbid) == len(pairs)
    # forbidding a pair of an optimal plan can never lower the optimum
    assert (forbid["cost"] >= -1e-6).all()


def test_previous_pairs_that_cannot_be_kept_are_refused(tmp_path: Path, capsys) -> None:
    prev = tmp_path / "pairs.csv"
    prev.write_text("donor_code,recipient_code\nCN-SX,420100\n", encoding="utf-8")
    assert main(["plan", "--out", str(tmp_path / "x"), "--previous", str(prev)]) == 2
    # Wuhan is a region of the data set but not a default recipient: the message says which
    assert ("pair CN-SX→420100: 420100 is not one of this run's recipients (--recipients)"
            in capsys.readouterr().err)
    prev.write_text("donor_code,recipient_code\nCN-ZZ,420200\n", encoding="utf-8")
    assert main(["plan", "--out", str(tmp_path / "z"), "--previous", str(prev)]) == 2
    assert "CN-ZZ is not a region of regions.csv" in capsys.readouterr().err
    prev.write_text("donor_code,recipient_code\nCN-SX,420200\n", encoding="utf-8")
    assert main(["plan", "--out", str(tmp_path / "y"), "--previous", str(prev),
                 "--forbid", "CN-SX:420200"]) == 2
    assert "both a previous pair" in capsys.readouterr().err


def test_saved_config_reproduces_the_run(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["plan", "--out", str(first), "--no-official", "--k", "1"]) == 0
    assert 'official_round = "none"' in (first / "config.toml").read_text(encoding="utf-8")
    assert main(["plan", "--out", str(second), "--config", str(first / "config.toml")]) == 0
    for name in ("pairs.csv", "flows.csv", "metrics.json"):
        if name == "metrics.json":
            a = json.loads((first / name).read_text(encoding="utf-8"))["pairaid"]
            b = json.loads((second / name).read_text(encoding="utf-8"))["pairaid"]
            assert a["shortfall_staff_days"] == b["shortfall_staff_days"]
            assert "official_2020_02_10" not in json.loads(
                (second / name).read_text(encoding="utf-8"))
        else:
            assert (first / name).read_text() == (second / name).read_text()


def test_options_without_effect_are_refused(tmp_path: Path, capsys) -> None:
    assert main(["plan", "--out", str(tmp_path / "x"), "--change-cost", "1"]) == 2
    assert "--change-cost needs --previous" in capsys.readouterr().err


def test_backtest_refuses_an_origin_outside_the_data(tmp_path: Path, capsys) -> None:
    assert main(["backtest", "--out", str(tmp_path / "bt"), "--model", "persistence",
                 "--origin", "2019-01-01"]) == 2
    assert "--origin 2019-01-01: an origin must lie in" in capsys.readouterr().err


def test_a_plan_stopped_by_the_time_limit_says_so(capsys) -> None:
    from types import SimpleNamespace

    from pairaid.pairing.highs import SolveStatus
    from pairaid.plan_console import _print_solver_note

    config = SimpleNamespace(time_limit=60.0, burden_max_weight=2.0,
                             burden_deviation_weight=0.0)
    stopped = SimpleNamespace(status=SolveStatus.TIME_LIMIT_FEASIBLE, mip_gap=0.034,
                              bound=12.5, formulation="compact")
    _print_solver_note(SimpleNamespace(plan=stopped, config=config))
    printed = " ".join(capsys.readouterr().out.split())
    assert "not proven optimal" in printed and "within 3.40% of the bound 12.500" in printed
    assert "--fairness" in printed
    proven = SimpleNamespace(status=SolveStatus.OPTIMAL, mip_gap=0.0, bound=12.5)
    _print_solver_note(SimpleNamespace(plan=proven, config=config))
    assert capsys.readouterr().out == ""


def test_limits_of_any_size_and_modes_that_contradict_flags(tiny: Path, tmp_path: Path,
                                                           capsys) -> None:
    base = ["plan", "--data", str(tiny), "--horizon", "14"]
    # a limit larger than any int64 cannot bind; it is not a crash
    assert main([*base, "--out", str(tmp_path / "a"), "--k", str(10**21),
                 "--m-donor", f"CN-AA={10**20}"]) == 0
    capsys.readouterr()
    assert main([*base, "--out", str(tmp_path / "b"), "--mode", "1:1", "--k", "3"]) == 2
    assert "--mode 1:1 sets k = 1 and m = 1, which --k 3 contradicts" in \
        capsys.readouterr().err
    assert main([*base, "--out", str(tmp_path / "c"), "--fairness", "-1"]) == 2
    err = capsys.readouterr().err
    assert "(--fairness) = -1.0" in err and len(err.strip().splitlines()) == 1
    assert main([*base, "--out", str(tmp_path / "d"), "--time-limit", "nan"]) == 2
    assert "(--time-limit)" in capsys.readouterr().err


def test_previous_pairs_are_named_as_such(tiny: Path, tmp_path: Path, capsys) -> None:
    base = ["plan", "--data", str(tiny), "--horizon", "14"]
    prev = tmp_path / "prev.csv"
    prev.write_text("donor_code,recipient_code\nCN-AA,420900\nCN-AA,421100\n",
                    encoding="utf-8")
    assert main([*base, "--out", str(tmp_path / "a"), "--previous", str(prev)]) == 2
    assert "donor CN-AA has 2 fixed or kept previous pairs but m (--m / --m-donor) allows 1" \
        in " ".join(capsys.readouterr().err.split())
    prev.write_text("donor_code,recipient_code\nCN-AA,420900\n", encoding="utf-8")
    out = tmp_path / "b"
    assert main([*base, "--out", str(out), "--previous", str(prev)]) == 0
    pairs = pd.read_csv(out / "pairs.csv", dtype={"recipient_code": str})
    kept = pairs[(pairs["donor_code"] == "CN-AA") & (pairs["recipient_code"] == "420900")]
    assert kept["previous"].tolist() == [True] and kept["fixed"].tolist() == [True]
    assert not pairs.loc[pairs.index.difference(kept.index), "previous"].any()
    # with a change cost, a forbidden previous pair is dropped (at that cost), not refused
    out = tmp_path / "c"
    assert main([*base, "--out", str(out), "--previous", str(prev), "--change-cost", "5",
                 "--forbid", "CN-AA:420900"]) == 0
    pairs = pd.read_csv(out / "pairs.csv", dtype={"recipient_code": str})
    assert not ((pairs["donor_code"] == "CN-AA") & (pairs["recipient_code"] == "420900")).any()
    capsys.readouterr()
    prev.write_text("donor_code,recipient_code\n", encoding="utf-8")
    assert main([*base, "--out", str(tmp_path / "d"), "--previous", str(prev)]) == 2
    assert "no pairs" in capsys.readouterr().err
    assert main([*base, "--out", str(tmp_path / "e"), "--previous", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_flags_that_replace_config_lists_are_noted_only_when_they_differ(tmp_path: Path,
                                                                          capsys) -> None:
    from pairaid.cli import _settings

    toml = tmp_path / "plan.toml"
    toml.write_text('fixed_pairs = [["CN-SD", "421100"]]\n', encoding="utf-8")
    same = _settings(toml, {"fixed_pairs": [("CN-SD", "421100")]})
    assert same["fixed_pairs"] == [("CN-SD", "421100")]
    assert "replaces" not in capsys.readouterr().out
    other = _settings(toml, {"fixed_pairs": [("CN-JS", "420700")]})
    assert other["fixed_pairs"] == [("CN-JS", "420700")]
    assert "--fix replaces setting 'fixed_pairs'" in " ".join(capsys.readouterr().out.split())


def test_data_show_prints_every_parameter_with_value_unit_and_source(capsys) -> None:
    from pairaid.datasets import load_builtin

    assert main(["data", "show", "--no-sources"]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    params = load_builtin("hubei-2020").parameters
    for row in params.to_dict("records"):
        assert f"{row['name']} │ {float(row['value']):g} │" in printed, row["name"]
        assert str(row["source"]).split()[0] in printed, row["name"]


def test_data_show_says_which_parameters_a_folder_without_them_uses(capsys) -> None:
    tiny = Path(__file__).parent / "data" / "tiny"
    assert main(["data", "show", "--no-sources", "--data", str(tiny)]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert "data set tiny has no parameters.csv: the built-in hubei-2020 set is used" in printed
    assert "covid_share_staff" in printed


def test_data_show_says_a_header_only_parameters_file_has_no_rows(tiny: Path,
                                                                   capsys) -> None:
    (tiny / "parameters.csv").write_text("name,value,unit,source\n", encoding="utf-8")
    assert main(["data", "show", "--no-sources", "--data", str(tiny)]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert ("data set tiny's parameters.csv has a header and no rows: the built-in "
            "hubei-2020 set is used") in printed


# -- lazy command loading: `pairaid --help` and `pairaid plan` import only what they use --

HEAVY = ("dask", "distributed", "fastapi", "sqlalchemy", "alembic", "plotly", "openpyxl",
         "uvicorn", "jinja2")


def _modules_loaded_by(code: str, tmp_path: Path) -> set[str]:
    """Top-level packages in sys.modules after running ``code`` in a fresh interpreter."""
    import subprocess
    import sys

    script = (f"import sys\n{code}\n"
              "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=tmp_path, check=True)
    return set(proc.stdout.split())


@pytest.mark.parametrize("argv", [["--help"], ["plan", "--help"], ["data", "--help"]])
def test_help_imports_no_heavy_package(argv: list[str], tmp_path: Path) -> None:
    loaded = _modules_loaded_by(
        f"from pairaid.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n"
        "    pass", tmp_path)
    assert "click" in loaded  # the probe sees imports at all
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert not loaded & {"pandas", "scipy", "pandera"}, "help text needs no data stack"


PLAN_UNUSED = ("ortools",)
"""Packages the default plan does not use, besides :data:`HEAVY`: OR-Tools' min-cost flow
(the transportation method is not the one chosen for the default instance)."""


def test_plan_imports_no_service_report_or_evaluation_stack(tmp_path: Path) -> None:
    out = tmp_path / "run"
    loaded = _modules_loaded_by(
        f"from pairaid.cli import main\nassert main(['plan', '--out', {str(out)!r}]) == 0",
        tmp_path)
    assert (out / "pairs.csv").is_file() and "pandas" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert not loaded & set(PLAN_UNUSED), sorted(loaded & set(PLAN_UNUSED))


def test_lazy_command_help_lines_match_the_commands(capsys) -> None:
    import importlib

    import click

    from pairaid.cli import LAZY_COMMANDS, cli

    for name, (module, attr, line) in LAZY_COMMANDS.items():
        command = getattr(importlib.import_module(module), attr)
        assert command.name == name
        for limit in (30, 45, 80, 400):
            shown = click.Command(name, help=line).get_short_help_str(limit)
            assert shown == command.get_short_help_str(limit)
        with click.Context(cli) as ctx:
            assert cli.get_command(ctx, name) is command
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    for name in [*LAZY_COMMANDS, "plan", "data"]:
        assert f"\n  {name} " in listed


def test_recipients_and_donors_by_parent_on_the_command_line(tmp_path: Path, capsys) -> None:
    # every Italian region has parent_code IT: choosing the recipients by that parent
    # replaces the data set's default list (defaults.toml), leaves no donor, and says so
    assert main(["plan", "--dataset", "italy-2020", "--recipients-parent", "IT",
                 "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "no donors: by default the donors are every row of level 'region'" in err
    assert main(["plan", "--dataset", "italy-2020", "--donors-parent", "CN-HB",
                 "--out", str(tmp_path / "y")]) == 2
    assert "--donors-parent) = 'CN-HB': no region of regions.csv has parent_code" in \
        capsys.readouterr().err


@pytest.mark.parametrize(("plan_status", "resolves", "noted"), [
    ("optimal", ["optimal", "optimal"], False),
    ("optimal", ["optimal", "time_limit_feasible"], True),
    ("time_limit_feasible", ["optimal", "optimal"], True),
])
def test_c0019_kind_team_values_from_unproven_solves_say_so(
        plan_status: str, resolves: list[str], noted: bool,
        capsys: pytest.CaptureFixture[str]) -> None:
    """--explain printed "Where one more team helps most: Xiantao (objective −0.25 ...)"
    from re-solves stopped at the time limit (hubei-2020, --k 3 --time-limit 0.01), with
    nothing saying the values are estimates; the forbid-cost table has its status column,
    the team values had none."""
    from types import SimpleNamespace

    import pandas as pd

    from pairaid import plan_console

    run = SimpleNamespace(plan=SimpleNamespace(status=SimpleNamespace(value=plan_status)),
                          dataset=SimpleNamespace(region_names=lambda lang: {"R1": "One",
                                                                             "R2": "Two"}))
    why = SimpleNamespace(
        forbid_costs=pd.DataFrame(columns=["donor_code", "recipient_code", "objective",
                                           "cost", "shortfall_change", "status", "reason"]),
        marginal_values=pd.DataFrame({"recipient_code": ["R1", "R2"], "value": [0.5, 0.25],
                                      "shortfall_change": [-3.0, 0.0],
                                      "status": resolves}),
        team={"doctors": 30}, stable_pairs=[], official_blocking_pairs=None)
    plan_console._print_explanation(run, why)
    out = capsys.readouterr().out
    assert "Where one more team" in out
    assert ("not proven optimal" in out) == noted


def test_ctrl_c_while_writing_the_report_says_the_tables_are_complete(
        tiny: Path, tmp_path: Path, capsys, monkeypatch) -> None:
    import pairaid.report as report

    def interrupted(folder: Path) -> Path:
        raise KeyboardInterrupt

    monkeypatch.setattr(report, "report_xlsx", interrupted)
    out = tmp_path / "run"
    code = main(["plan", "--data", str(tiny), "--out", str(out), "--horizon", "7", "--xlsx"])
    err = capsys.readouterr().err
    assert code == 1 and "aborted" in err
    said = (f"interrupted: the run's tables are complete in {out}/; `pairaid report {out} "
            "--xlsx` writes the workbook again")
    assert said in err
    assert (out / "pairs.csv").is_file() and (out / "metrics.json").is_file()
    monkeypatch.undo()
    assert main(["report", str(out), "--xlsx"]) == 0  # as the message says
    assert (out / "plan.xlsx").is_file()
