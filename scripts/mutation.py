"""Mutation testing of the modules that compute what a planner reads (issue 18).

Runs mutmut (https://mutmut.readthedocs.io, ``pip install -e ".[mutation]"``) on one module
at a time, each with its own short list of tests, so a run fits on a shared two-core machine.
Every module is mutated in its own scratch folder ``build/mutation/<name>/`` (a copy of
``src/`` and ``tests/`` plus a ``pyproject.toml`` that carries the module's mutmut settings),
so the work tree is never touched and modules never share a cache.

Usage::

    .venv/bin/python scripts/mutation.py                 # every module, one after the other
    .venv/bin/python scripts/mutation.py metrics burden  # some of them
    .venv/bin/python scripts/mutation.py --list          # the modules and their tests
    .venv/bin/python scripts/mutation.py --report        # scores of the last runs only
    .venv/bin/python scripts/mutation.py dispatch --functions on_site_table measures
                                                   # only these functions' mutants
    .venv/bin/python scripts/mutation.py needs --recheck pairaid.needs.x_cadres__mutmut_3
                                                   # some mutants again, after new tests

Prints, per module, mutants killed / total, those argued equivalent in
``scripts/mutation_equivalent.md`` (one line each: the mutant's name, then why no test can
tell it apart) and the survivors still to review; writes the same table to
``build/mutation/scores.json``. Not part of CI's time budget: a full run takes tens of minutes.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "mutation"
EQUIVALENT = ROOT / "scripts" / "mutation_equivalent.md"

# module name -> (file to mutate, tests that exercise it: fast, targeted)
MODULES: dict[str, tuple[str, list[str]]] = {
    "metrics": ("src/pairaid/metrics.py",
                ["tests/test_metrics.py::test_plan_metrics_of_a_plan_worked_by_hand",
                 "tests/test_metrics.py::test_plan_metrics_edge_cases_by_hand",
                 "tests/test_metrics.py::test_plan_metrics_small_figures_by_hand",
                 "tests/test_invariants.py::"
                 "test_covered_share_and_max_burden_hold_on_every_plan"]),
    "burden": ("src/pairaid/burden.py",
               ["tests/pairing/test_burden.py::test_dominant_burden_is_the_largest_share",
                "tests/pairing/test_burden.py::test_burden_deviation_by_hand_on_whole_numbers",
                "tests/pairing/test_burden.py::test_one_staff_capacity_counts",
                "tests/pairing/test_burden.py::test_burden_table_names_the_dominant_resource",
                "tests/pairing/test_burden.py::"
                "test_burden_table_in_flow_order_with_missing_rows_by_hand"]),
    "rounding": ("src/pairaid/rounding.py", ["tests/test_rounding.py"]),
    "gaps": ("src/pairaid/gaps.py",
             ["tests/test_needs_gaps.py",
              "tests/test_metrics.py::test_gaps_are_read_at_the_planning_quantile",
              "tests/test_gaps.py::test_gaps_by_hand_with_their_own_icu_share_order_and_flags",
              "tests/test_gaps.py::test_census_on_prefers_the_reported_hospital_stock",
              "tests/test_gaps.py::"
              "test_donor_capacities_by_hand_unknown_own_need_and_whole_staff",
              "tests/test_gaps.py::"
              "test_gap_and_donor_tables_have_their_documented_columns_and_flags",
              "tests/test_gaps.py::test_donor_capacity_without_an_estimated_mark_is_not_"
              "estimated_and_no_donor_no_rows",
              "tests/test_gaps.py::test_gap_without_an_estimated_mark_is_not_estimated",
              "tests/test_invariants.py::test_higher_quantile_never_lowers_a_need_or_a_gap",
              "tests/test_invariants.py::test_deaths_and_recoveries_lower_a_census"]),
    "needs": ("src/pairaid/needs.py",
              ["tests/test_needs.py", "tests/test_needs_gaps.py", "tests/test_needs_by_hand.py",
               "tests/test_invariants.py::test_higher_quantile_never_lowers_a_need_or_a_gap"]),
    "scoring": ("src/pairaid/forecast/scoring.py", ["tests/forecast/test_scoring.py"]),
    "pairing_evaluate": ("src/pairaid/pairing/analysis/evaluate.py",
                         ["tests/pairing/test_evaluate.py", "tests/pairing/test_terms.py"]),
    "dispatch": ("src/pairaid/schedule/dispatch.py",
                 ["tests/schedule/test_dispatch_tables.py", "tests/schedule/test_dispatch.py"]),
    "severity": ("src/pairaid/severity.py", ["tests/test_severity.py"]),
    # plan_transfers and run_transfers run the whole pipeline: measured with --functions
    # on the other five
    "transfers": ("src/pairaid/transfers.py",
                  ["tests/test_transfers.py",
                   "tests/pairing/test_transfer.py::"
                   "test_italian_transfer_problem_respects_spare_beds_every_day"]),
    # the compact pairing MIP: measured with --functions on its coefficient, segment,
    # objective-term and result-table functions, not solve_model (HiGHS orchestration)
    "pairing_model": ("src/pairaid/pairing/formulations/model.py",
                      ["tests/pairing/test_model.py", "tests/pairing/test_solve.py",
                       "tests/pairing/test_terms.py",
                       "tests/pairing/test_colgen.py::"
                       "test_set_bound_is_tighter_than_the_compact_relaxation_by_hand"]),
    "dispatch_history": ("src/pairaid/schedule/history.py", ["tests/schedule/test_history.py"]),
    "supplies": ("src/pairaid/schedule/supplies.py", ["tests/schedule/test_supplies.py"]),
    "evaluation_summary": ("src/pairaid/evaluation/summary.py",
                           ["tests/evaluation/test_summary.py"]),
    # the service's "never over-commit" rules, SQLite only (the PostgreSQL runs of the same
    # tests are left out: a lower bound), but for the pledges' re-checks after locking,
    # which only PostgreSQL can interleave
    "capacities_service": ("src/pairaid/service/capacities/service.py",
                           ["tests/service/test_workflow.py::test_whole_workflow[sqlite]",
                            "tests/service/test_workflow.py::test_conflicts_say_why[sqlite]",
                            "tests/service/test_workflow.py::"
                            "test_accepting_past_a_capacity_or_a_need_is_refused_to_the_last_one"
                            "[sqlite]"]),
    "pledges_service": ("src/pairaid/service/pledges/service.py",
                        ["tests/service/test_workflow.py::test_whole_workflow[sqlite]",
                         "tests/service/test_workflow.py::test_conflicts_say_why[sqlite]",
                         "tests/service/test_workflow.py::"
                         "test_accepting_past_a_capacity_or_a_need_is_refused_to_the_last_one"
                         "[sqlite]",
                         "tests/service/test_workflow.py::test_cancelling_at_the_edges[sqlite]",
                         "tests/service/test_workflow.py::"
                         "test_refusals_of_cancelling_and_dispatching_say_why[sqlite]",
                         # the re-checks after locking, on PostgreSQL (skip without it)
                         "tests/service/test_concurrency.py::"
                         "test_a_pledge_changed_during_its_acceptance_is_not_accepted",
                         "tests/service/test_concurrency.py::"
                         "test_a_pledge_dispatched_during_its_cancelling_is_not_cancelled"]),
    # the data set's plausibility checks (counts against population, spikes, jumps, stray
    # dates, densities)
    "plausibility": ("src/pairaid/plausibility.py", ["tests/test_plausibility.py"]),
    "forecast_baseline": ("src/pairaid/forecast/baseline.py",
                          ["tests/forecast/test_baseline.py"]),
    "forecast_quantiles": ("src/pairaid/forecast/quantiles.py",
                           ["tests/forecast/test_quantiles.py"]),
    "forecast_calibration": ("src/pairaid/forecast/calibration.py",
                             ["tests/forecast/test_calibration.py"]),
    "forecast_discharges": ("src/pairaid/forecast/discharges.py",
                            ["tests/forecast/test_discharges.py"]),
    "needs_service": ("src/pairaid/service/needs/service.py",
                      ["tests/service/test_workflow.py::test_whole_workflow[sqlite]",
                       "tests/service/test_workflow.py::"
                       "test_accepting_past_a_capacity_or_a_need_is_refused_to_the_last_one"
                       "[sqlite]"]),
}

KILLED = {"killed", "caught by type check", "segfault"}
"""Statuses that count as killed. A timeout does not: on a loaded shared machine a mutant
whose tests all pass can outrun mutmut's limit (pairing_evaluate, 2026-11-30: six mutants
'timed out' at 111 s that were two survivors and four equivalents), so a timeout is listed
with the survivors, to be killed by a test or argued equivalent like them."""


def equivalents() -> dict[str, str]:
    """Mutant name -> one-line argument, from ``scripts/mutation_equivalent.md``."""
    out: dict[str, str] = {}
    if EQUIVALENT.exists():
        for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^- `([^`]+)`:\s*(.+)$", line)
            if m:
                out[m.group(1)] = m.group(2)
    return out


def prepare(name: str, folder: str | None = None, tests: list[str] | None = None,
            timeout: tuple[float, float] = (5.0, 20.0)) -> Path:
    """The module's scratch folder, new: copies of ``src/`` and ``tests/`` and its settings
    (``timeout``: mutmut's timeout multiplier and constant [s])."""
    source, selected = MODULES[name]
    tests = tests or selected
    work = WORK / (folder or name)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    shutil.copytree(ROOT / "src", work / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copytree(ROOT / "tests", work / "tests",
                    ignore=shutil.ignore_patterns("__pycache__", ".hypothesis"))
    for extra in ("README.md", "scripts", "benchmarks", "docs"):
        p = ROOT / extra
        if p.is_dir():
            shutil.copytree(p, work / extra, ignore=shutil.ignore_patterns("__pycache__"))
        elif p.exists():
            shutil.copy2(p, work / extra)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    listed = ", ".join(json.dumps(t) for t in tests)
    text += (
        "\n[tool.mutmut]\n"
        f'source_paths = ["src"]\n'
        f"only_mutate = [{json.dumps(source)}]\n"
        f"pytest_add_cli_args_test_selection = [{listed}]\n"
        'pytest_add_cli_args = ["-p", "no:randomly", "-q", "-x", "-p", "no:cacheprovider"]\n'
        'also_copy = ["README.md", "scripts", "benchmarks", "docs"]\n'
        f"timeout_multiplier = {timeout[0]}\n"
        f"timeout_constant = {timeout[1]}\n"
    )
    (work / "pyproject.toml").write_text(text, encoding="utf-8")
    return work


def results(work: Path) -> dict[str, str]:
    mutmut = Path(sys.executable).with_name("mutmut")
    proc = subprocess.run([str(mutmut), "results", "--all", "true"], cwd=work,
                          capture_output=True, text=True, check=True)
    out: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"^\s+(\S+): (.+)$", line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def patterns(name: str, functions: list[str]) -> list[str]:
    """mutmut's name globs for some functions of a module (mutants are named
    ``<module>.x_<function>__mutmut_<n>``; a method's ``<class>.<method>`` reads
    ``xǁ<class>ǁ<method>``, matched by ``*<method>__mutmut_*``)."""
    module = MODULES[name][0].removeprefix("src/").removesuffix(".py").replace("/", ".")
    return [f"{module}.*{f}__mutmut_*" for f in functions]


def score(name: str, status: dict[str, str], equiv: dict[str, str]) -> dict[str, object]:
    counts = Counter(status.values())
    killed = sum(v for k, v in counts.items() if k in KILLED)
    equivalent = sorted(k for k, v in status.items() if v not in KILLED and k in equiv)
    survivors = sorted(k for k, v in status.items() if v not in KILLED and k not in equiv)
    total = len(status)
    return {"module": name, "total": total, "killed": killed,
            "equivalent": len(equivalent), "survived": len(survivors),
            "score": killed / total if total else None,
            "score_without_equivalent": (killed / (total - len(equivalent))
                                         if total - len(equivalent) else None),
            "statuses": dict(counts), "survivors": survivors,
            "survivor_status": {k: status[k] for k in survivors}}


def recheck(name: str, mutants: list[str], max_children: int) -> int:
    """Run only ``mutants`` of module ``name`` in a fresh folder; print their statuses."""
    work = prepare(name, f"{name}-recheck")
    mutmut = Path(sys.executable).with_name("mutmut")
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(work))
    subprocess.run([str(mutmut), "run", "--max-children", str(max_children), *mutants],
                   cwd=work, env=env, stdout=subprocess.DEVNULL, check=False)
    status = {k: v for k, v in results(work).items() if k in set(mutants)}
    counts = Counter(status.values())
    print(f"{name} re-check of {len(mutants)} mutants: {dict(counts)}")
    for k in mutants:
        print(f"    {k}: {status.get(k, 'not run')}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("modules", nargs="*", help=f"some of: {', '.join(MODULES)}")
    ap.add_argument("--list", action="store_true", help="print modules and their tests")
    ap.add_argument("--report", action="store_true", help="scores of the last runs only")
    ap.add_argument("--functions", nargs="+", metavar="FUNCTION", default=[],
                    help="mutate only these functions of the (one) module named: for a "
                         "module whose whole run is too long for a session; the score then "
                         "counts these functions' mutants only")
    ap.add_argument("--tests", nargs="+", metavar="TEST", default=[],
                    help="a narrower test selection than the module's own (its fastest "
                         "tests, when the whole selection is too slow): a mutant only the "
                         "left-out tests kill then counts as a survivor, so the score is a "
                         "lower bound")
    ap.add_argument("--recheck", nargs="+", metavar="MUTANT", default=[],
                    help="run only these mutants (full names, e.g. the survivors of the "
                         "last whole run after new tests) in a fresh folder "
                         "build/mutation/<module>-recheck/, leaving the whole run's results "
                         "in place; prints their statuses")
    ap.add_argument("--timeout", nargs=2, type=float, metavar=("MULTIPLIER", "CONSTANT"),
                    default=(5.0, 20.0),
                    help="mutmut's CPU-time limit per mutant, 2 x MULTIPLIER x (the tests' "
                         "time + CONSTANT seconds) [default 5 20]; a timeout is never "
                         "counted as a kill, so a lower limit can only lower the score (a "
                         "mutant that fails slowly counts as a timeout) and saves the "
                         "minutes each timed-out mutant costs (dispatch: 266 CPU-s each)")
    ap.add_argument("--max-children", type=int, default=1,
                    help="parallel mutants (default 1: the machine is shared)")
    args = ap.parse_args()
    if args.list:
        for name, (source, tests) in MODULES.items():
            print(f"{name:20s} {source}\n{'':20s} tests: {' '.join(tests)}")
        return 0
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        ap.error(f"unknown module(s) {unknown}; choose from {list(MODULES)}")
    names = args.modules or list(MODULES)
    if (args.functions or args.recheck) and len(names) != 1:
        ap.error("--functions and --recheck need exactly one module")
    if args.recheck:
        return recheck(names[0], args.recheck, args.max_children)
    equiv = equivalents()
    rows = []
    for name in names:
        work = WORK / name
        if not args.report:
            work = prepare(name, tests=args.tests or None, timeout=tuple(args.timeout))
            mutmut = Path(sys.executable).with_name("mutmut")
            t0 = time.perf_counter()
            # the scratch folder on the path: tests import their helpers as ``tests.x.y``
            env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(work))
            subprocess.run([str(mutmut), "run", "--max-children", str(args.max_children),
                            *patterns(name, args.functions)],
                           cwd=work, env=env, stdout=subprocess.DEVNULL, check=False)
            print(f"{name}: mutmut run took {time.perf_counter() - t0:.0f} s", flush=True)
        if not (work / "mutants").exists():
            print(f"{name}: no run found in {work}")
            continue
        status = results(work)
        if args.functions:
            globs = patterns(name, args.functions)
            status = {k: v for k, v in status.items()
                      if any(fnmatch.fnmatch(k, g) for g in globs)}
        row = score(name, status, equiv)
        if args.functions:
            row["functions"] = list(args.functions)
        rows.append(row)
        print(f"{name:20s} killed {row['killed']}/{row['total']}"
              f"  equivalent {row['equivalent']}  survived {row['survived']}"
              f"  statuses {row['statuses']}", flush=True)
        for s in row["survivors"]:
            print(f"    survivor {s} ({row['survivor_status'][s]})")
    WORK.mkdir(parents=True, exist_ok=True)
    old = {}
    scores = WORK / "scores.json"
    if scores.exists():
        old = {r["module"]: r for r in json.loads(scores.read_text())}
    old.update({r["module"]: r for r in rows})
    scores.write_text(json.dumps(list(old.values()), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
