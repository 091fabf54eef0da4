"""Regenerate the example output in README.md from the code as it is now.

One command, from the repository root::

    .venv/bin/python scripts/readme_example.py           # rewrite README.md in place
    .venv/bin/python scripts/readme_example.py --check   # exit 1 if README.md is stale

Run it after any change that alters what ``pairaid plan`` prints on the built-in data (new
parameters, norms, forecast or pairing model). It runs ``pairaid plan`` on the built-in
data set exactly as the README's set-up command does (in a temporary working folder, so
the run folder is ``pairaid-out/hubei-2020-2020-02-10/`` as a user sees it), and rewrites
the parts of README.md between these marker pairs:

* ``<!-- BEGIN generated: plan -->`` / ``<!-- END generated: plan -->``: the terminal
  output (terminal width 110, as when printing to a pipe);
* ``<!-- BEGIN generated: scenarios -->`` / ``<!-- END generated: scenarios -->``: the
  table of the runs in :data:`SCENARIOS` (defaults, a bad-case quantile, a low local
  staff share, the pre-2020 norms).

``tests/test_readme.py`` checks that the plan block equals what the code prints now (solve
times aside) and that the table's first row is that same run, so the README cannot drift
without the tests failing. (The prose that reads the result is written by hand: check its
figures against the plan block after regenerating.)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
WIDTH = 110
"""Terminal width of the example [characters] (the CLI's width when printing to a pipe)."""
SCENARIOS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("defaults", ()),
    ("`--quantile 0.9`", ("--quantile", "0.9")),
    ("`--param covid_share_staff=0.05`", ("--param", "covid_share_staff=0.05")),
    ("`--norms ordinary` (pre-2020 norms)", ("--norms", "ordinary")),
)
"""(label, extra ``pairaid plan`` flags) of the rows of the scenarios table."""


@contextlib.contextmanager
def _in_folder(folder: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def run_plan(args: Sequence[str] = ()) -> tuple[str, Path]:
    """Run ``pairaid plan ARGS`` in a fresh temporary folder; return (printed text, run folder).

    The folder is left for the caller to read (it lives in the system's temp directory).
    """
    from pairaid import cli

    work = Path(tempfile.mkdtemp(prefix="pairaid-readme-"))
    out = io.StringIO()
    cli.console.width = WIDTH
    with _in_folder(work), contextlib.redirect_stdout(out):
        code = cli.main(["plan", *args])
    if code != 0:
        raise SystemExit(f"pairaid plan {' '.join(args)} failed with exit status {code}")
    text = "\n".join(line.rstrip() for line in out.getvalue().splitlines())
    return text, work / "pairaid-out" / "hubei-2020-2020-02-10"


def default_staff_share() -> float:
    """``covid_share_staff`` of the built-in data set."""
    from pairaid.datasets import load_builtin

    table = load_builtin("hubei-2020").parameters
    return float(table.loc[table["name"] == "covid_share_staff", "value"].iloc[0])


def _metrics(folder: Path) -> dict:
    return json.loads((folder / "metrics.json").read_text(encoding="utf-8"))


def _official_key(metrics: dict) -> str:
    return next(k for k in metrics if k.startswith("official_"))


def _cities_with_gap(folder: Path) -> list[str]:
    gaps = pd.read_csv(folder / "gaps.csv", dtype={"region_code": str})
    staff = gaps[gaps["resource"].isin(["doctors", "nurses"])]
    return sorted({str(c) for c in staff.loc[staff["gap"] > 0, "region_code"]})


def _share(value: float) -> str:
    return "100 %" if round(value, 3) >= 1 else f"{100 * value:.1f} %"


def scenario_row(label: str, folder: Path) -> str:
    """One row of the scenarios table from a run folder."""
    metrics = _metrics(folder)
    ours, official = metrics["pairaid"], metrics[_official_key(metrics)]
    return (f"| {label} | {len(_cities_with_gap(folder))} | {ours['gap_staff_days']:,.0f} | "
            f"{ours['pairs']}, {_share(ours['gap_covered_share'])} | "
            f"{_share(official['gap_covered_share'])} |")


SCENARIO_HEAD = ("| run | cities with a gap | gap [staff-days] | pairaid: pairs, gap covered "
                 "| official pairs: gap covered |\n|---|---|---|---|---|")


def generate() -> dict[str, str]:
    """Every generated block, by marker name."""
    printed, folder = run_plan()
    rows = [scenario_row(label, folder if not args else run_plan(args)[1])
            for label, args in SCENARIOS]
    return {"plan": f"```text\n{printed}\n```",
            "scenarios": SCENARIO_HEAD + "\n" + "\n".join(rows)}


def block(text: str, name: str) -> str:
    """The text between the markers ``name`` in ``text`` (raises if they are missing)."""
    match = re.search(f"<!-- BEGIN generated: {name} -->\n(.*?)\n<!-- END generated: {name} -->",
                      text, flags=re.S)
    if match is None:
        raise SystemExit(f"README.md has no '<!-- BEGIN generated: {name} -->' block")
    return match.group(1)


def replace(text: str, blocks: dict[str, str]) -> str:
    """``text`` with each marker block replaced by its new content."""
    for name, content in blocks.items():
        old = block(text, name)
        text = text.replace(f"<!-- BEGIN generated: {name} -->\n{old}\n",
                            f"<!-- BEGIN generated: {name} -->\n{content}\n", 1)
    return text


def normalise(text: str) -> str:
    """``text`` with the solve times masked (they differ from run to run)."""
    return re.sub(r"(│ solve_seconds +│)([^\n]*)", lambda m: m.group(1) + re.sub(
        r"[0-9.]+", "t", m.group(2)), text)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if README.md differs from the code")
    args = parser.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = replace(text, generate())
    if args.check:
        if normalise(new) != normalise(text):
            print("README.md is stale: run scripts/readme_example.py", file=sys.stderr)
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    print(f"README.md {'updated' if new != text else 'already up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
