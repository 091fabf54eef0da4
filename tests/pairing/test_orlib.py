"""OR-Library GAP and assignment instances reach their known optima."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from pairaid.errors import ConfigError, InputError
from pairaid.pairing.commands import solve_orlib
from pairaid.pairing.formulations.gap import check_assignment, solve_gap
from pairaid.pairing.orlib import AssignmentInstance, default_sense, read_orlib

DATA = Path(__file__).parent / "data"
OPTIMA = pd.read_csv(DATA / "optima.csv")


def optimum(name: str, sense: str) -> int:
    row = OPTIMA[(OPTIMA["instance"] == name) & (OPTIMA["sense"] == sense)]
    assert len(row) == 1
    return int(row["value"].iloc[0])


def test_gap_file_parses_into_named_instances():
    insts = read_orlib(DATA / "gap1.txt")
    assert [i.name for i in insts] == [f"gap1-{k}" for k in range(1, 6)]
    assert all(i.cost.shape == (5, 15) and i.capacity.shape == (5,) for i in insts)
    chu = read_orlib(DATA / "gapa.txt")
    assert [i.name for i in chu] == ["a05100", "a05200", "a10100", "a10200", "a20100",
                                     "a20200"]


def test_assignment_file_detected_by_format():
    (inst,) = read_orlib(DATA / "assign100.txt")
    assert isinstance(inst, AssignmentInstance) and inst.cost.shape == (100, 100)


def test_default_sense_rule():
    assert default_sense("x/gap1.txt") == "max"
    assert default_sense("gap12.txt") == "max"
    assert default_sense("gapa.txt") == "min"
    assert default_sense("gapd_n100.txt") == "min"
    assert default_sense("assign100.txt") == "min"
    # gapinfo's names of the gap1-12 instances (max) against the Chu-Beasley / Yagiura
    # names of types A-E (min): c + agents + jobs with a dash and number, or 5 digits
    assert default_sense("data/c515-1.txt") == default_sense("C1060-5") == "max"
    assert default_sense("c05100") == default_sense("c10200.txt") == "min"
    assert default_sense("e20200") == default_sense("d05100") == "min"


@pytest.mark.parametrize("sense", ["max", "min"])
def test_gap1_reaches_known_optima_both_senses(sense):
    for inst in read_orlib(DATA / "gap1.txt"):
        res = solve_gap(inst, sense=sense, time_limit=600, method="highs")
        assert res.status.value == "optimal"
        assert res.objective == optimum(inst.name, sense)
        assert check_assignment(inst, res.agent) == res.objective


def test_gapa_small_instances_reach_optima_with_the_portfolio():
    for inst in read_orlib(DATA / "gapa.txt")[:3]:
        res = solve_gap(inst, sense="min", time_limit=600)
        assert res.objective == optimum(inst.name, "min")
        assert res.bound == pytest.approx(res.objective)


def test_cpsat_second_solver_agrees_on_gap1():
    inst = read_orlib(DATA / "gap1.txt")[0]
    res = solve_gap(inst, sense="max", time_limit=600, method="cpsat")
    assert res.objective == optimum("gap1-1", "max")


def test_lns_keeps_assignments_feasible_and_never_worse():
    from pairaid.pairing.search.gap_lns import improve_gap

    inst = read_orlib(DATA / "gapa.txt")[0]
    # a feasible start that does not depend on the machine's speed: the most expensive
    # assignment (the max-sense optimum)
    start = solve_gap(inst, sense="max", time_limit=600, method="highs")
    assert start.status.value == "optimal"
    better = improve_gap(inst, start.agent, sense="min", time_limit=1.0)
    assert check_assignment(inst, better) <= start.objective


def test_neighbourhood_search_reaches_a_known_optimum_from_a_poor_start():
    """gap1-1 (5 agents x 15 jobs): start from the optimum of the opposite sense (the most
    expensive assignment, feasible); the search must reach the published min optimum 261
    (fontanf data set, shared/benchmarks/orlib/optima.csv) and never break a capacity."""
    from pairaid.pairing.search.gap_lns import improve_gap

    inst = read_orlib(DATA / "gap1.txt")[0]
    worst = solve_gap(inst, sense="max", time_limit=600, method="highs")
    assert worst.objective == optimum("gap1-1", "max")
    start_cost = check_assignment(inst, worst.agent)
    assert start_cost > optimum("gap1-1", "min")
    # the search stops as soon as a neighbourhood that frees every job proves the optimum,
    # so a long budget costs nothing on a fast machine and a slow one still gets there
    better = improve_gap(inst, worst.agent, sense="min", time_limit=300.0)
    assert check_assignment(inst, better) == optimum("gap1-1", "min")


def test_cli_prints_five_fields_in_file_order():
    result = CliRunner().invoke(solve_orlib, [str(DATA / "gap1.txt"), "--time-limit", "600"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 5
    for k, line in enumerate(lines, start=1):
        name, obj, bound, status, seconds = line.split()
        assert name == f"gap1-{k}"
        assert int(obj) == optimum(name, "max") == int(bound)
        assert status == "optimal" and float(seconds) >= 0


def test_cli_sense_option_and_assignment_file():
    out = CliRunner().invoke(solve_orlib, [str(DATA / "gap1.txt"), "--sense", "min"])
    first = out.output.splitlines()[0].split()
    assert int(first[1]) == optimum("gap1-1", "min")
    out = CliRunner().invoke(solve_orlib, [str(DATA / "assign100.txt")])
    assert out.exit_code == 0
    name, obj, bound, status, _ = out.output.split()
    assert (name, int(obj), int(bound), status) == ("assign100", 305, 305, "optimal")


def test_cli_bad_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "gapx.txt"
    bad.write_text("1\n2 3\n1 2 x\n")
    out = CliRunner().invoke(solve_orlib, [str(bad)])
    assert out.exit_code != 0
    assert "not an integer: 'x'" in out.output
    short = tmp_path / "gapy.txt"
    short.write_text("1\n2 3\n1 2 3\n")
    with pytest.raises(InputError, match="needs 14 numbers"):
        read_orlib(short)


def test_bad_sense_is_a_config_error():
    inst = read_orlib(DATA / "gap1.txt")[0]
    with pytest.raises(ConfigError, match="sense"):
        solve_gap(inst, sense="up")


def _run(args: list[str], capsys) -> tuple[int, str]:
    """Exit status and stderr of ``pairaid solve-orlib ARGS`` through the real entry point."""
    from pairaid.cli import main

    status = main(["solve-orlib", *args])
    return status, capsys.readouterr().err


@pytest.mark.parametrize("value", ["nan", "inf", "NaN", "-inf", "0"])
def test_time_limit_must_be_finite_and_positive(value, capsys):
    status, err = _run([str(DATA / "gap1.txt"), "--time-limit", value], capsys)
    assert status == 2
    assert "--time-limit" in err and "Traceback" not in err


def test_mip_rel_gap_nan_is_refused(capsys):
    status, err = _run([str(DATA / "gap1.txt"), "--mip-rel-gap", "nan"], capsys)
    assert status == 2
    assert "--mip-rel-gap" in err and "got nan" in err


@pytest.mark.parametrize("count", ["0", "-1"])
def test_gap_instance_count_must_be_positive(tmp_path, count, capsys):
    bad = tmp_path / "gapx.txt"
    bad.write_text(f"{count}\n")
    with pytest.raises(InputError, match=f"declares {count} instances.*positive integer"):
        read_orlib(bad)
    # also with trailing numbers and under a name that does not announce the kind
    other = tmp_path / "data.txt"
    other.write_text(f"{count}\n2 3\n1 2 3 4 5 6 1 2 3 4 5 6 9 9\n")
    status, err = _run([str(other)], capsys)
    assert status == 2
    assert str(other) in err and f"declares {count} instances" in err


def test_gap_dimensions_must_be_at_least_one(tmp_path):
    bad = tmp_path / "gapx.txt"
    bad.write_text("1\n0 0\n")
    with pytest.raises(InputError, match=r"instance 1: .*at least 1, got m=0, n=0") as err:
        read_orlib(bad)
    assert "needs" not in str(err.value)
    bad.write_text("2\n1 1\n5 1 1\n2 -3\n")
    with pytest.raises(InputError, match=r"instance 2: .*at least 1, got m=2, n=-3"):
        read_orlib(bad)


def test_truncated_assignment_file_is_reported_as_one(tmp_path, capsys):
    text = (DATA / "assign100.txt").read_text()
    cut = text[:15000]
    found = len(cut.split()) - 1
    assert 0 < found < 10000
    named = tmp_path / "assign100.txt"
    named.write_text(cut)
    with pytest.raises(InputError, match=f"assignment file: n=100 needs 10000 costs, "
                                         f"found {found}") as err:
        read_orlib(named)
    assert "instance 1" not in str(err.value)
    status, out = _run([str(named)], capsys)
    assert status == 2 and str(named) in out and "n=100 needs 10000 costs" in out
    # too many costs is an error too, not a GAP reading
    named.write_text(text + " 7\n")
    with pytest.raises(InputError, match="n=100 needs 10000 costs, found 10001"):
        read_orlib(named)
    # under a name that does not say the kind, both readings are given
    anon = tmp_path / "problem.txt"
    anon.write_text(cut)
    with pytest.raises(InputError, match=r"neither a GAP file \(instance 1: .*\) nor a "
                                         r"complete assignment file \(n=100 needs 10000 "
                                         f"costs, found {found}\\)"):
        read_orlib(anon)


def test_truncated_gap_file_is_still_reported_as_gap(tmp_path):
    cut = (DATA / "gapa.txt").read_text().split()[:3000]
    named = tmp_path / "gapa.txt"
    named.write_text(" ".join(cut))
    with pytest.raises(InputError, match=r"instance 2: m=5, n=200 needs") as err:
        read_orlib(named)
    assert "assignment" not in str(err.value)


def test_kind_from_name_and_content_agree_on_the_test_files(tmp_path):
    for src in ("gap1.txt", "gapa.txt", "assign100.txt"):
        anon = tmp_path / f"copy_of_{src}"
        anon.write_text((DATA / src).read_text())
        named, plain = read_orlib(DATA / src), read_orlib(anon)
        assert type(named[0]) is type(plain[0]) and len(named) == len(plain)
        assert all(np.array_equal(a.cost, b.cost) for a, b in zip(named, plain, strict=True))


CASES = Path(__file__).parents[1] / "data" / "cases"


@pytest.mark.parametrize("name", ["gap1-0", "c515-1.txt", "gap1-0-with-count.txt"])
def test_c0011_single_instance_gap_files_are_read(name):
    # c0011: 157 numbers = 2 + 2*5*15 + 5 is instance c515-1 (gap1 no. 1) without the
    # leading count; its known maximum is 336 (OR-Library gapinfo; scipy.milp agrees)
    (inst,) = read_orlib(CASES / "c0011" / name)
    assert inst.cost.shape == (5, 15) and inst.capacity.shape == (5,)
    (reference,) = read_orlib(DATA / "gap1.txt")[:1]
    assert (inst.cost == reference.cost).all() and (inst.weight == reference.weight).all()
    assert (inst.capacity == reference.capacity).all()
    res = solve_gap(inst, sense="max", time_limit=600, method="highs")
    assert res.status.value == "optimal" and res.objective == 336


def test_c0011_solve_orlib_on_the_file_without_count():
    out = CliRunner().invoke(solve_orlib, [str(CASES / "c0011" / "gap1-0")])
    assert out.exit_code == 0, out.output
    name, value, bound, status, _ = out.output.split()
    assert (name, value, bound, status) == ("gap1-0", "336", "336", "optimal")
    out = CliRunner().invoke(solve_orlib, [str(CASES / "c0011" / "c515-1.txt"),
                                           "--sense", "max"])
    assert out.exit_code == 0 and out.output.split()[1] == "336"
    # gapinfo's own name of the instance says max, as gapinfo lists its optimum (336)
    out = CliRunner().invoke(solve_orlib, [str(CASES / "c0011" / "c515-1.txt")])
    assert out.exit_code == 0 and out.output.split()[1:3] == ["336", "336"]


def test_kind_every_gap1_instance_reads_the_same_without_its_count(tmp_path):
    """Kind of c0011: each instance of a multi-instance file, written alone without the
    count line (as GAP repositories split them), reads back identical."""
    for k, inst in enumerate(read_orlib(DATA / "gapa.txt") + read_orlib(DATA / "gap1.txt")):
        m, n = inst.cost.shape
        numbers = [m, n, *inst.cost.ravel(), *inst.weight.ravel(), *inst.capacity]
        path = tmp_path / f"inst{k}"
        path.write_text(" ".join(map(str, numbers)) + "\n", encoding="ascii")
        (back,) = read_orlib(path)
        assert back.name == f"inst{k}"
        assert (back.cost == inst.cost).all() and (back.weight == inst.weight).all()
        assert (back.capacity == inst.capacity).all()
        # one number short: refused, naming the file
        path.write_text(" ".join(map(str, numbers[:-1])), encoding="ascii")
        with pytest.raises(InputError, match=f"inst{k}.*without the count line"):
            read_orlib(path)


# Kind: a malformed OR-Library file is refused in one line naming the file and the line of
# the number at fault. The files are a valid 2 x 4 GAP instance (21 numbers on 7 lines)
# broken in one place each; the expected lines are counted by hand.
GOOD = "1\n2 4\n12 5 9 3\n4 12 8 6\n3 4 5 6\n6 5 4 3\n10 10\n"


@pytest.mark.parametrize(("name", "text", "line", "says"), [
    ("gapt.txt", GOOD[:GOOD.index("3 4 5 6")] + "3\n", 5,
     "m=2, n=4 needs 18 numbers, 9 left; .*the file ends after number 12"),
    ("gapx.txt", GOOD + "17\n", 8, "1 number left after the 1 instance announced "
                                   r"\(number 22 of the file, '17'\)"),
    ("gapw.txt", GOOD.replace("4 12 8", "4 twelve 8"), 4,
     r"not an integer: 'twelve' \(number 9 of the file\)"),
    ("gapd.txt", GOOD.replace("6 5 4 3", "6 5 4 3 2.5"), 6, "not an integer: '2.5'"),
    ("gapu.txt", GOOD.replace("10 10", "10 1_0"), 7, "not an integer: '1_0'"),
    ("gapn.txt", GOOD.replace("2 4\n", "-2 4\n"), 2,
     r"at least 1, got m=-2, n=4 \(number 2 of the file, '-2'\)"),
    ("gapc.txt", "2" + GOOD[1:], 7, "instance 2: no 'm n' .*ends after number 21"),
    ("gapc.txt", "3\n" + GOOD[2:] + GOOD[2:], 13, "instance 3: no 'm n'"),
    ("gapz.txt", "0" + GOOD[1:], 1, "declares 0 instances"),
    ("gap4.txt", "\r\n".join(GOOD.split("\n")[:6]), 6, "needs 18 numbers, 16 left"),
    ("assign3.txt", "3\n1 2 3\n4 5 6\n7 8 9\n10\n", 5,
     r"n=3 needs 9 costs, found 10 \(number 11 of the file, '10'\)"),
    ("assign3.txt", "3\n1 2 3\n4 5 6\n", 3, "n=3 needs 9 costs, found 6; the file ends"),
    ("assign3.txt", "-3\n1 2 3\n", 1, "n must be a positive integer, got -3"),
    ("gapq.txt", GOOD.replace("5 9", "5 9\u00b7"), 3, r"\(0xc2\) is not ASCII"),
])
def test_bad_file_names_file_and_line(tmp_path, capsys, name, text, line, says):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(InputError, match=f"{path.name}, line {line}: .*{says}"):
        read_orlib(path)
    status, err = _run([str(path)], capsys)
    assert status == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"{path}, line {line}: " in err


def test_windows_files_read_like_unix_ones(tmp_path):
    """A byte order mark, CRLF line ends, tabs, trailing blanks and no final newline change
    nothing (gapinfo: line breaks carry no meaning)."""
    plain = tmp_path / "gap5.txt"
    plain.write_text(GOOD)
    win = tmp_path / "gap6.txt"
    win.write_bytes(b"\xef\xbb\xbf" + GOOD.replace(" ", "\t ").replace("\n", " \r\n")
                    .rstrip().encode("ascii"))
    (a,), (b,) = read_orlib(plain), read_orlib(win)
    assert (a.cost == b.cost).all() and (a.weight == b.weight).all()
    assert a.capacity.tolist() == b.capacity.tolist() == [10, 10]


def test_single_instance_file_whose_costs_read_as_more_instances(tmp_path):
    """Kind of the generated Chu-Beasley a40400 (40 agents, no count line): read with its
    first number as a count, its costs make up 32 "instances" before the reading fails, and
    the file was refused. 3 agents x 1 job, costs 1, 5, 7, weights 1, capacities 4: read
    with a count of 3 it is two instances and then ends; as one instance its optimum is 1
    (min) or 7 (max), by hand."""
    path = tmp_path / "c03001"
    path.write_text("3 1\n1\n5\n7\n1\n1\n1\n4 4 4\n")
    (inst,) = read_orlib(path)
    assert inst.cost.tolist() == [[1], [5], [7]] and inst.capacity.tolist() == [4, 4, 4]
    assert solve_gap(inst, sense="min", method="highs").objective == 1
    assert solve_gap(inst, sense="max", method="highs").objective == 7
    # 40 agents x 5 jobs with costs in [10, 50], as the generated file
    rng = np.random.default_rng(1)
    cost, weight = rng.integers(10, 51, (40, 5)), rng.integers(5, 26, (40, 5))
    big = tmp_path / "a40005"
    big.write_text(" ".join(map(str, [40, 5, *cost.ravel(), *weight.ravel(), *[30] * 40])))
    (back,) = read_orlib(big)
    assert (back.cost == cost).all() and (back.weight == weight).all()
    # one number short: both readings are named, the count reading as such
    big.write_text(" ".join(map(str, [40, 5, *cost.ravel(), *weight.ravel(), *[30] * 39])))
    with pytest.raises(InputError, match=r"a40005, line 1: with 40 as the instance count, "
                                         r"instance \d+: .*; nor one GAP instance without "
                                         r"the count line \(m=40, n=5 needs 442 numbers, "
                                         r"the file has 441\)"):
        read_orlib(big)


@pytest.mark.parametrize("method", ["highs", "cpsat", "auto"])
@pytest.mark.parametrize("sense", ["min", "max"])
def test_infeasible_instances_say_so_with_an_infinite_bound(tmp_path, capsys, method, sense):
    """Kind: capacities too small. By hand: (1) two agents of capacity 4, jobs of weight 5:
    no job fits anywhere; (2) bin packing: total capacity 12 + 11 + 1 = 24 equals the total
    weight 4 x 6, yet 12 holds two jobs, 11 one and 1 none. Every method says infeasible,
    with no objective and the bound of an empty problem (+inf min, -inf max; CP-SAT said 0
    and HiGHS -inf for min), and the command adds a note on standard error."""
    path = tmp_path / "gap90.txt"
    path.write_text("2\n2 3\n1 2 3\n4 5 6\n5 5 5\n5 5 5\n4 4\n"
                    "3 4\n1 1 1 1\n1 1 1 1\n1 1 1 1\n6 6 6 6\n6 6 6 6\n6 6 6 6\n12 11 1\n")
    for inst in read_orlib(path):
        res = solve_gap(inst, sense=sense, method=method, time_limit=60)
        assert res.status.value == "infeasible" and np.isnan(res.objective)
        assert res.bound == (np.inf if sense == "min" else -np.inf)
        assert (res.agent == -1).all()
    status, err = _run([str(path), "--sense", sense, "--method", method], capsys)
    assert status == 0
    assert err.count("(proven infeasible)") == 2 and "gap90-2: no assignment" in err
