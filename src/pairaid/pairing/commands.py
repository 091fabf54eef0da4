"""Click commands of the pairing engine (registered in the main ``pairaid`` CLI)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import click

from pairaid.errors import PairaidError
from pairaid.pairing.formulations.assignment import solve_assignment
from pairaid.pairing.formulations.gap import solve_gap
from pairaid.pairing.orlib import AssignmentInstance, default_sense, read_orlib


def _num(value: float) -> str:
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return str(int(round(value))) if abs(value - round(value)) < 1e-6 else f"{value:.6f}"


def _finite(expected: str) -> Callable[[click.Context, click.Parameter, float], float]:
    """Option callback refusing nan and inf, which pass click's FloatRange (every comparison
    with nan is false); ``expected`` describes the allowed values in the message."""

    def check(ctx: click.Context, param: click.Parameter, value: float) -> float:
        if not math.isfinite(value):
            raise click.BadParameter(f"must be {expected}, got {value}", ctx=ctx, param=param)
        return value

    return check


_NO_ASSIGNMENT = {
    "infeasible": "no assignment gives every job an agent within the agents' capacities "
                  "(proven infeasible)",
    "time_limit_no_solution": "no assignment found within the time limit (neither found "
                              "nor proven infeasible)",
}
"""The note on standard error for an instance solved without an assignment."""


@click.command("solve-orlib")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sense", type=click.Choice(["min", "max"]), default=None,
              help="Objective sense. Default: the OR-Library convention of the file: max "
                   "for gap1-gap12 (file named 'gap' + number, or an instance named as in "
                   "gapinfo: c515-1 ... c1060-5), min for gapa-gapd, "
                   "assignment files and any other name.")
@click.option("--time-limit", type=click.FloatRange(min=0.0, min_open=True), default=60.0,
              show_default=True, callback=_finite("a finite number of seconds > 0"),
              help="Time limit per instance [s]: a finite number > 0.")
@click.option("--mip-rel-gap", type=click.FloatRange(min=0.0, max=1.0), default=0.0,
              show_default=True, callback=_finite("a number from 0 to 1"),
              help="Relative gap at which to stop (0 = prove optimum).")
@click.option("--method", type=click.Choice(["auto", "highs", "cpsat", "portfolio"]),
              default="auto", show_default=True,
              help="GAP solver: HiGHS, CP-SAT, or the portfolio (HiGHS + neighbourhood "
                   "search); auto = portfolio.")
def solve_orlib(file: Path, sense: str | None, time_limit: float, mip_rel_gap: float,
                method: str) -> None:
    """Solve an OR-Library generalized assignment or linear assignment FILE.

    Prints one line per instance, in file order, with five whitespace-separated fields:
    name, objective value, bound, status, seconds. Assignment files (a single n, then
    n x n costs) are recognised by their name (assign*) or, under other names, by their
    format, and solved exactly as linear assignment. An instance without an assignment
    prints objective ``nan`` and status ``infeasible`` (bound ``inf`` for min, ``-inf`` for
    max) or ``time_limit_no_solution``, with a note on standard error. A malformed file,
    or a time limit that is not a finite number > 0, is refused with a message naming the
    file (and line) or option (exit status 2, no traceback).
    """
    try:
        instances = read_orlib(file)
        chosen = sense or default_sense(file)
        for inst in instances:
            if isinstance(inst, AssignmentInstance):
                res = solve_assignment(inst.cost, maximize=(chosen == "max"))
                click.echo(f"{inst.name} {_num(res.objective)} {_num(res.objective)} "
                           f"optimal {res.seconds:.3f}")
                continue
            out = solve_gap(inst, sense=chosen, time_limit=time_limit,
                            mip_rel_gap=mip_rel_gap, method=method)
            click.echo(f"{out.name} {_num(out.objective)} {_num(out.bound)} "
                       f"{out.status.value} {out.seconds:.3f}")
            if out.status.value in _NO_ASSIGNMENT:
                click.echo(f"{out.name}: {_NO_ASSIGNMENT[out.status.value]}", err=True)
    except PairaidError as exc:
        raise click.ClickException(str(exc)) from exc
