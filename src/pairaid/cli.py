"""The ``pairaid`` command line: parse, call the library, print or write.

Every error that pairaid raises on purpose is printed as one clear message on stderr with
exit status 2; no traceback.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pairaid.errors import PairaidError
from pairaid.norms import NORMS_HELP

console = Console(highlight=False)
if not console.is_terminal:
    console.width = max(console.width, 110)  # pipes and files: no wrapping of region names


def two_stage_options(needs: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The ``--cvar-alpha`` and ``--reduce-to`` options of the two-stage plan, which a
    command takes only with its flag ``needs`` (``--scenarios`` of plan, ``--two-stage`` of
    evaluate; see :func:`refuse_without_two_stage`)."""

    def add(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option(
            "--reduce-to", type=click.IntRange(min=1),
            help=f"With {needs}: solve on this many representative scenarios (scenario "
            "reduction) [default: all].")(command)
        return click.option(
            "--cvar-alpha", type=click.FloatRange(0.0, 1.0, min_open=True, max_open=True),
            help=f"With {needs}: add the CVaR at this level (e.g. 0.9) to the "
            "objective.")(command)

    return add


def refuse_without_two_stage(needs: str, given: bool, used: dict[str, bool]) -> None:
    """Refuse the two-stage flags ``used`` (flag -> given) without the flag ``needs``.

    Raises
    ------
    pairaid.errors.ConfigError
        Naming every two-stage flag, when one of them is given and ``needs`` is not.
    """
    from pairaid.errors import ConfigError

    if any(used.values()) and not given:
        *first, last = used
        listed = f"{', '.join(first)} and {last}" if first else last
        raise ConfigError(f"{listed} apply to the two-stage plan: give {needs} N")


def _pair(text: str, option: str) -> tuple[str, str]:
    parts = text.replace("->", ":").split(":")
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise click.BadParameter(f"'{text}' is not DONOR:RECIPIENT (e.g. CN-SX:429004)",
                                 param_hint=option)
    return parts[0].strip(), parts[1].strip()


def _key_value(text: str, cast: Callable[[str], Any], option: str, example: str
               ) -> tuple[str, Any]:
    """Parse ``KEY=VALUE`` of a repeatable option, naming the option and what is wrong."""
    key, eq, value = text.partition("=")
    if not eq or not key.strip():
        raise click.BadParameter(f"'{text}' is not of the form {example}", param_hint=option)
    try:
        return key.strip(), cast(value)
    except ValueError:
        what = "a whole number" if cast is int else "a number"
        raise click.BadParameter(f"'{text}': the value '{value}' of {key.strip()} is not "
                                 f"{what}; expected {example}", param_hint=option) from None


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """``--date`` as a date, strictly ``YYYY-MM-DD`` (never guessed day- or month-first)."""
    import re
    from datetime import datetime

    if value is None:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError
        return datetime.strptime(value.strip(), "%Y-%m-%d")
    except ValueError:
        raise click.BadParameter(f"'{value}' is not an ISO date YYYY-MM-DD (e.g. 2020-02-10)",
                                 ctx=ctx, param=param) from None


def _previous_pairs(path: Path) -> list[tuple[str, str]]:
    from pairaid.io import read_table
    from pairaid.schemas import PAIRS

    table = read_table(path, PAIRS)  # refuses a missing file with its name
    if table.empty:
        from pairaid.errors import InputError, Problem

        raise InputError([Problem(str(path), "the previous plan has no pairs (header only); "
                                  "leave out --previous to plan from scratch")])
    return list(zip(table["donor_code"], table["recipient_code"], strict=True))


def _codes(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [c.strip() for c in text.split(",") if c.strip()]


def _as_tuples(value: Any) -> Any:
    """A list of pairs with each pair a tuple (TOML gives lists where flags give tuples)."""
    if isinstance(value, list | tuple):
        return [tuple(p) if isinstance(p, list | tuple) else p for p in value]
    return value


def _settings(config_file: Path | None, flags: dict[str, Any]) -> dict[str, Any]:
    from pairaid.config import read_config_file

    values: dict[str, Any] = read_config_file(config_file) if config_file else {}
    given = {k: v for k, v in flags.items() if v is not None}
    for key in sorted(given.keys() & values.keys()):
        if isinstance(values[key], list | dict) and values[key] \
                and _as_tuples(given[key]) != _as_tuples(values[key]):
            console.print(escape(f"note: {FLAG_OF.get(key, key)} replaces setting '{key}' of "
                                 f"{config_file} ({len(values[key])} entries there); repeat "
                                 "them on the command line to keep them"))
    values.update(given)
    return values


FLAG_OF = {
    "data_dir": "--data", "dataset": "--dataset", "decision_date": "--date",
    "horizon_days": "--horizon", "k": "--k", "m": "--m", "recipients": "--recipients",
    "donors": "--donors", "mode": "--mode", "max_distance_km": "--max-km",
    "burden_max_weight": "--fairness", "previous_pairs": "--previous",
    "change_cost": "--change-cost", "m_per_donor": "--m-donor", "fixed_pairs": "--fix",
    "forbidden_pairs": "--forbid", "planning_quantile": "--quantile", "model": "--model",
    "demand_file": "--demand", "time_limit": "--time-limit", "parameters": "--param",
    "norms": "--norms", "mip_rel_gap": "--mip-rel-gap",
    "team_doctors_per_nurse": "--team-doctors-per-nurse",
    "recipients_level": "--recipients-level", "donors_level": "--donors-level",
    "recipients_parent": "--recipients-parent", "donors_parent": "--donors-parent",
}
"""The ``pairaid plan`` flag of each setting, named in error messages."""


def _refuse_flags_that_mode_overrides(mode: str | None, k: int | None, m: int | None,
                                      m_donor: Sequence[str]) -> None:
    """``--mode`` fixes k and/or m; a flag asking for another value contradicts it."""
    clash = []
    if mode in ("1:1", "1:k") and k is not None and k != 1:
        clash.append(f"--k {k}")
    if mode in ("1:1", "k:1") and m is not None and m != 1:
        clash.append(f"--m {m}")
    if mode in ("1:1", "k:1") and m_donor:
        clash.append("--m-donor")
    if clash and mode is not None:
        from pairaid.errors import ConfigError

        fixed = {"1:1": "k = 1 and m = 1", "1:k": "k = 1", "k:1": "m = 1"}[mode]
        raise ConfigError(f"--mode {mode} sets {fixed}, which {' and '.join(clash)} "
                          "contradicts; drop it or use --mode m:n")


LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "audit": ("pairaid.service.commands", "audit_group", "Check the audit log."),
    "backtest": ("pairaid.forecast.commands", "backtest",
                 "Rolling-origin backtest of the forecast models on any data set."),
    "check-needs": ("pairaid.needs_commands", "check_needs_command",
                    "Compare the model's staff gap at the peak of the observed census with "
                    "the staff donors actually deployed (needs_check.csv)."),
    "db": ("pairaid.service.commands", "db_group", "Manage the service's database."),
    "evaluate": ("pairaid.evaluation.commands", "evaluate",
                 "Replay pairaid's plan, the official pairing and baseline rules on fresh "
                 "scenarios and on what happened, each with the same total staff and its "
                 "flows re-optimised."),
    "export": ("pairaid.service.commands", "export",
               "Write the live state to DIR: board.csv, capacities.csv, pledges.csv and "
               "pairs.csv (the accepted pairs, for `pairaid plan --previous DIR/pairs.csv`)."),
    "report": ("pairaid.report.commands", "report",
               "Write RUN_DIR/report.html (offline, maps and charts) and "
               "RUN_DIR/pairs.geojson."),
    "serve": ("pairaid.service.commands", "serve",
              "Run the coordination service (OpenAPI at /docs)."),
    "solve-orlib": ("pairaid.pairing.commands", "solve_orlib",
                    "Solve an OR-Library generalized assignment or linear assignment FILE."),
    "users": ("pairaid.service.commands", "users_group", "Manage the service's users."),
}


class LazyGroup(click.Group):
    """A click group whose commands in :data:`LAZY_COMMANDS` are imported when they run,
    so ``pairaid --help`` and ``pairaid plan`` do not load the forecast backtest, the
    evaluation (Dask), the report (plotly) or the service (FastAPI, SQLAlchemy)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            import importlib

            module, attr, _ = LAZY_COMMANDS[cmd_name]
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As :meth:`click.Group.format_commands`, with the one-line help of a command not
        yet imported taken from :data:`LAZY_COMMANDS`."""
        names = [n for n in self.list_commands(ctx)
                 if n not in self.commands or not self.commands[n].hidden]
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = [(n, self.commands[n].get_short_help_str(limit) if n in self.commands
                 else click.Command(n, help=LAZY_COMMANDS[n][2]).get_short_help_str(limit))
                for n in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pairaid")
def cli() -> None:
    """pairaid: pairing assistance (对口支援) planning."""


@cli.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path),
              help="Folder of CSV tables (docs/data-format.md) instead of a built-in set.")
@click.option("--dataset", help="Built-in data set [default: hubei-2020].")
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="TOML file of settings (flags override it).")
@click.option("--date", "decision_date", callback=_iso_date,
              help="Decision date (forecast origin), ISO [default: 2020-02-10].")
@click.option("--horizon", "horizon_days", type=int, help="Horizon [days, default 28].")
@click.option("--recipients", help="Comma-separated recipient codes [default: every "
              "prefecture-level division except Wuhan].")
@click.option("--donors", help="Comma-separated donor codes [default: every province "
              "except the recipients' own].")
@click.option("--recipients-level", help="Default recipients: every region of this level "
              "of regions.csv (e.g. region), without --recipients.")
@click.option("--donors-level", help="Default donors: every region of this level [default "
              "province], except the recipients.")
@click.option("--recipients-parent", help="Default recipients: every region whose "
              "parent_code is this (e.g. CN-HB), without --recipients; with "
              "--recipients-level, both must hold.")
@click.option("--donors-parent", help="Default donors: every region whose parent_code is "
              "this, except the recipients.")
@click.option("--transfer", type=click.Choice(["icu", "none"]),
              help="Also plan ICU patient transfers from recipients over their ICU beds to "
              "donors with spare beds [default: the data set's default, else none].")
@click.option("--transfer-per-day", "transfer_max_per_day", type=int,
              help="With --transfer: most patients moved per day [patients/day].")
@click.option("--transfer-max-km", "transfer_max_km", type=float,
              help="With --transfer: longest transfer [km].")
@click.option("--k", type=int, help="Max donors per recipient [default 2].")
@click.option("--m", type=int, help="Max recipients per donor [default 1].")
@click.option("--m-donor", multiple=True, metavar="DONOR=M",
              help="Per-donor limit, e.g. CN-SX=3 (repeatable).")
@click.option("--mode", type=click.Choice(["1:1", "k:1", "1:k", "m:n"]),
              help="Pairing mode: 1:1 sets k=m=1, k:1 sets m=1, 1:k sets k=1 (combine "
              "with --m); a --k/--m/--m-donor that contradicts the mode is refused.")
@click.option("--max-km", "max_distance_km", type=float,
              help="Pairs farther apart are not candidates [km].")
@click.option("--fairness", "burden_max_weight", type=float,
              help="Weight of the largest donor burden (min-max fairness) [default 0].")
@click.option("--previous", "previous_file", type=click.Path(path_type=Path),
              help="pairs.csv of the plan in force: its pairs stay (re-planning).")
@click.option("--change-cost", type=float,
              help="With --previous: let pairs change; each pair dropped or added costs "
              "this much in the objective.")
@click.option("--explain", is_flag=True,
              help="Explain the plan: cost of forbidding each pair, value of one more "
              "team, stable matching and stability of the official pairing.")
@click.option("--fix", multiple=True, metavar="DONOR:RECIPIENT", help="Fixed pair.")
@click.option("--forbid", multiple=True, metavar="DONOR:RECIPIENT", help="Forbidden pair.")
@click.option("--param", "param", multiple=True, metavar="NAME=VALUE",
              help="Override a parameter of parameters.csv, e.g. covid_share_staff=0.05.")
@click.option("--norms", help=NORMS_HELP)
@click.option("--sensitivity", is_flag=True,
              help="Also run every parameter with a plausible range at its low and high "
              "value (one at a time) and show which move the gap and the pairing most.")
@click.option("--quantile", "planning_quantile", type=float,
              help="Forecast quantile to plan for [default 0.5].")
@click.option("--scenarios", type=click.IntRange(min=1),
              help="Choose the pairs by the two-stage model on N planning scenarios "
              "(expected unmet staff-days; flows per scenario as recourse) instead of the "
              "forecast quantile alone.")
@two_stage_options("--scenarios")
@click.option("--model", help="Forecast model (see `pairaid backtest`).")
@click.option("--demand", "demand_file", type=click.Path(path_type=Path),
              help="Forecast Hub quantile file to use instead of pairaid's forecast.")
@click.option("--no-staff-cap", is_flag=True,
              help="Let pairaid send more staff in total than the official pairing.")
@click.option("--no-official", is_flag=True,
              help="Skip the comparison with history (and so its staff cap).")
@click.option("--time-limit", type=float, help="Solver time limit [s].")
@click.option("--mip-rel-gap", "mip_rel_gap", type=float,
              help="Stop once the plan is proven within this relative gap of the best "
              "possible, e.g. 0.01 [fraction; default 0 = prove optimality].")
@click.option("--team-doctors-per-nurse", "team_doctors_per_nurse", type=float,
              help="Doctors each pair sends per nurse, as teams bring their own "
              "[doctors/nurse; default 0.6, the 2020 contingents; 0 = nurses alone].")
@click.option("--out", type=click.Path(path_type=Path),
              help="Run folder [default: pairaid-out/<data set>-<date>/].")
@click.option("--force", is_flag=True, help="Replace an existing run folder.")
@click.option("--report", is_flag=True, help="Also write report.html.")
@click.option("--xlsx", is_flag=True, help="Also write plan.xlsx.")
@click.option("--dispatch", "dispatch_", is_flag=True,
              help="Also schedule the teams: batches, travel, tours, quarantine "
              "(schedule.csv, on_site.csv, calendars/).")
@click.option("--team-types", type=click.Path(path_type=Path),
              help="With --dispatch: team-type CSV [default: the 2020 shapes shipped].")
@click.option("--travel-modes", type=click.Path(path_type=Path),
              help="With --dispatch: travel-mode CSV [default: rail, road, air shipped].")
@click.option("--travel-mode", help="With --dispatch: 'fastest' or one mode of the "
              "travel-mode file [default: fastest].")
@click.option("--max-teams-away", type=click.IntRange(min=0),
              help="With --dispatch: most teams a donor has away at once.")
@click.option("--max-departures", type=click.IntRange(min=0),
              help="With --dispatch: most teams a donor sends off per day.")
@click.option("--previous-schedule", type=click.Path(path_type=Path),
              help="With --dispatch: schedule.csv in force; its teams already gone stay.")
@click.option("--release-previous", is_flag=True,
              help="With --previous-schedule: teams on site may go home early.")
@click.option("--supply-stock", multiple=True, metavar="ITEM=UNITS",
              help="With --dispatch: what each donor can ship of an item, e.g. "
              "n95_respirator=5000 (repeatable) [default: unlimited].")
def plan(data_dir: Path | None, dataset: str | None, config_file: Path | None,
         decision_date: Any, horizon_days: int | None, recipients: str | None,
         donors: str | None, recipients_level: str | None, donors_level: str | None,
         recipients_parent: str | None, donors_parent: str | None, transfer: str | None,
         transfer_max_per_day: int | None, transfer_max_km: float | None,
         k: int | None, m: int | None, mode: str | None,
         max_distance_km: float | None, burden_max_weight: float | None,
         previous_file: Path | None, change_cost: float | None, explain: bool,
         m_donor: Sequence[str], fix: Sequence[str], forbid: Sequence[str],
         param: Sequence[str], norms: str | None, sensitivity: bool,
         planning_quantile: float | None, scenarios: int | None,
         cvar_alpha: float | None, reduce_to: int | None, model: str | None,
         demand_file: Path | None,
         no_staff_cap: bool, no_official: bool, time_limit: float | None,
         mip_rel_gap: float | None, team_doctors_per_nurse: float | None, out: Path | None,
         force: bool, report: bool, xlsx: bool, dispatch_: bool,
         team_types: Path | None, travel_modes: Path | None, travel_mode: str | None,
         max_teams_away: int | None, max_departures: int | None,
         previous_schedule: Path | None, release_previous: bool,
         supply_stock: Sequence[str]) -> None:
    """Forecast, compute gaps and pair donors with recipients; compare with history."""
    from pairaid.config import make_config, with_dataset_defaults
    from pairaid.datasets import load_builtin, load_dataset
    from pairaid.errors import ConfigError
    from pairaid.explanation import explain as explain_plan
    from pairaid.pipeline import plan as run_plan
    from pairaid.runs import check_out, default_out, save_run

    flags: dict[str, Any] = {
        "data_dir": data_dir, "dataset": dataset,
        "decision_date": decision_date.date() if decision_date else None,
        "horizon_days": horizon_days, "k": k, "m": m,
        "recipients": _codes(recipients), "donors": _codes(donors), "mode": mode,
        "recipients_level": recipients_level, "donors_level": donors_level,
        "recipients_parent": recipients_parent, "donors_parent": donors_parent,
        "transfer_max_per_day": transfer_max_per_day, "transfer_max_km": transfer_max_km,
        "max_distance_km": max_distance_km, "burden_max_weight": burden_max_weight,
        "previous_pairs": _previous_pairs(previous_file) if previous_file else None,
        "change_cost": change_cost,
        "keep_previous": False if change_cost is not None else None,
        "m_per_donor": dict(_key_value(t, int, "--m-donor", "DONOR=M (e.g. CN-SX=3)")
                            for t in m_donor) or None,
        "fixed_pairs": [_pair(t, "--fix") for t in fix] or None,
        "forbidden_pairs": [_pair(t, "--forbid") for t in forbid] or None,
        "planning_quantile": planning_quantile, "model": model, "demand_file": demand_file,
        "time_limit": time_limit, "mip_rel_gap": mip_rel_gap,
        "team_doctors_per_nurse": team_doctors_per_nurse,
        "parameters": dict(_key_value(t, float, "--param",
                                          "NAME=VALUE (e.g. covid_share_staff=0.05)")
                                for t in param) or None,
        "staff_cap_to_official": False if no_staff_cap else None,
        "norms": norms,
    }
    values = _settings(config_file, flags)
    if data_dir is not None and dataset is not None:
        raise ConfigError("give either --data DIR or --dataset NAME, not both")
    data = (load_dataset(values["data_dir"]) if values.get("data_dir")
            else load_builtin(values.get("dataset", "hubei-2020")))
    values = with_dataset_defaults(data.defaults, values)
    if transfer is not None:
        values["transfer"] = None if transfer == "none" else transfer
    if no_official:
        values["official_round"] = None
    config = make_config(values, origin=str(config_file) if config_file else "flags",
                         flags=FLAG_OF)
    _refuse_flags_that_mode_overrides(config.mode, k, m, m_donor)
    refuse_without_two_stage("--scenarios", scenarios is not None,
                             {"--cvar-alpha": cvar_alpha is not None,
                              "--reduce-to": reduce_to is not None})
    if scenarios is not None and config.demand_file is not None:
        raise ConfigError("--scenarios draws scenarios from pairaid's own forecast models; "
                          "it cannot be used with --demand")
    if config.demand_file is not None and model is not None:
        raise ConfigError("--model has no effect with --demand (the given forecast is used)")
    if config.change_cost and not config.previous_pairs:
        raise ConfigError("--change-cost needs --previous (the plan whose pairs may change)")
    from pairaid.dispatch_console import dispatch_args as read_dispatch_args

    dispatch_args = read_dispatch_args(dispatch_, team_types, travel_modes, travel_mode,
                                       max_teams_away, max_departures, previous_schedule,
                                       release_previous, supply_stock)
    target = check_out(out or default_out(data.name, config.decision_date), force=force)
    forecast = None
    if config.demand_file is not None:
        from pairaid.forecast.external import read_forecast_hub

        forecast = read_forecast_hub(config.demand_file, regions=data.regions)
    from pairaid.forecast.workers import spare_workers

    # the regions' forecasts on two cores when a second one is idle (the same forecast)
    run = run_plan(data, config, forecast=forecast, workers=spare_workers())
    from pairaid.pipeline import kept_fallbacks

    # the stages after the plan may take fallbacks too (scenario draws): kept with the run's
    with kept_fallbacks(run.metrics["flags"]) as later:
        if scenarios is not None:
            from pairaid.evaluation.api import plan_with_scenarios

            console.print(f"two-stage pairing on {scenarios} planning scenarios ...")
            run = plan_with_scenarios(run, scenarios, cvar_alpha=cvar_alpha, reduce_to=reduce_to)
            ts = run.metrics["two_stage"]
            console.print(f"two-stage MIP: {ts['rows']:,} rows x {ts['columns']:,} columns, "
                          f"{ts['scenarios_in_mip']} scenarios, {ts['status']}, "
                          f"{ts['seconds']:.1f} s", markup=False)
        why = explain_plan(run) if explain else None
        dispatches = None
        if dispatch_args is not None:
            from dataclasses import replace

            from pairaid.dispatch_console import replanned_note, run_dispatch

            dispatches = run_dispatch(run, dispatch_args)
            replanned = replanned_note(run, dispatch_args)
            run = replace(run, notes=(*run.notes, replanned)) if replanned else run
        swings = None
        if sensitivity:
            from pairaid.sensitivity import sensitivity as run_sensitivity

            swings = run_sensitivity(run)
    run.metrics["flags"] = [*run.metrics["flags"], *later]
    folder = save_run(run, target, force=force, explanation=why, dispatches=dispatches,
                      sensitivity=swings)
    from pairaid.plan_console import (
        _print_comparison,
        _print_explanation,
        _print_plan,
        _print_sensitivity,
    )

    _print_plan(run)
    _print_comparison(run)
    if run.needs_check is not None:
        s = run.needs_check.summary()
        console.print(
            f"Check against history (pairaid check-needs): on the observed census the model "
            f"needs {s['model_gap_total']:,.0f} external staff at the peak; "
            f"{s['deployed_total']:,.0f} were deployed to {s['cities_with_deployments']} "
            f"cities by {s['end']} (ratio {s['ratio_model_to_deployed']}, rank correlation "
            f"{s['spearman']}); norms {run.metrics.get('norms')}.", markup=False)
    if run.transfers is not None:
        from pairaid.transfers_console import print_transfers

        print_transfers(console, run)
    if swings is not None:
        _print_sensitivity(swings)
    for note in run.notes:
        console.print(f"note: {note}", style="yellow", markup=False)
    if why is not None:
        _print_explanation(run, why)
        if why.transfers is not None:
            from pairaid.transfers_console import print_transfer_explanation

            print_transfer_explanation(console, run, why.transfers)
    if dispatches:
        from pairaid.dispatch_console import print_dispatch

        print_dispatch(console, run, dispatches)
    if report or xlsx:
        from pairaid.report import report_geojson, report_html, report_xlsx

        try:
            if report:
                console.print(f"report: {report_html(folder)}")
                report_geojson(folder)
            if xlsx:
                console.print(f"workbook: {report_xlsx(folder)}")
        except KeyboardInterrupt:  # the run's tables are complete: say how to finish
            again = f"pairaid report {folder}" + (" --xlsx" if xlsx else "")
            click.echo(f"interrupted: the run's tables are complete in {folder}/; "
                       f"`{again}` writes the {'report' if report else 'workbook'} again",
                       err=True)
            raise
    console.print(f"Run written to {folder}/")


@cli.group()
def data() -> None:
    """Inspect data sets."""


@data.command("show")
@click.argument("name", required=False, default="hubei-2020")
@click.option("--data", "data_dir", type=click.Path(path_type=Path),
              help="A data-set folder instead of a built-in name.")
@click.option("--sources/--no-sources", default=True, help="Print the source register.")
def data_show(name: str, data_dir: Path | None, sources: bool) -> None:
    """Print a data set's tables, row counts, date range and sources."""
    from pairaid.datasets import describe, load_builtin, load_dataset

    ds = load_dataset(data_dir) if data_dir else load_builtin(name)
    table = Table(title=f"data set {ds.name}", caption=f"folder: {ds.path}")
    for col in ("table", "rows", "first date", "last date", "regions"):
        table.add_column(col)
    for row in describe(ds).itertuples():
        table.add_row(str(row.table), str(row.rows), str(row.first_date),
                      str(row.last_date), str(row.regions))
    console.print(table)
    est = ds.capacities[ds.capacities["estimated"].fillna(False).astype(bool)]
    console.print(f"capacities estimated by a documented fallback: {len(est)} of "
                  f"{len(ds.capacities)} (column 'estimated'; method in 'method')")
    _print_parameters(ds)
    for note in ds.notes:  # the plausibility checks' notes (a spike replaced, a capacity)
        console.print(f"note: {note}", style="yellow", markup=False)
    if sources and ds.sources_text:
        console.print(ds.sources_text, markup=False)


def _print_parameters(ds: Any) -> None:
    """The parameters a plan on ``ds`` uses: name, value, unit, range and source."""
    from pairaid.datasets import load_builtin
    from pairaid.pipeline import no_parameters

    params, origin = ds.parameters, f"{ds.path / 'parameters.csv'}"
    if params is None or params.empty:
        builtin = load_builtin("hubei-2020")
        params = builtin.parameters
        origin = (f"{no_parameters(ds)}: the built-in hubei-2020 set is "
                  f"used ({builtin.path / 'parameters.csv'})")
    table = Table(title="parameters (range: plausible low–high)", caption=origin,
                  show_lines=True)
    ranged = {"low", "high"} <= set(params.columns)
    table.add_column("name", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("unit", max_width=16)
    if ranged:
        table.add_column("range", no_wrap=True)
    table.add_column("source", overflow="fold")
    for row in params.to_dict("records"):
        span = []
        if ranged:
            low, high = row.get("low"), row.get("high")
            span = ["" if low is None or low != low or high is None or high != high
                    else f"{low:g}–{high:g}"]
        table.add_row(escape(str(row["name"])), f"{float(row['value']):g}",
                      escape(str(row.get("unit") or "")), *span,
                      escape(str(row.get("source") or "")))
    console.print(table)


def _show_warning(message: Warning | str, category: type[Warning], filename: str,
                  lineno: int, file: Any = None, line: str | None = None) -> None:
    """Warnings on one line, in the user's words (no file name and line of the code)."""
    click.echo(f"warning: {message}", err=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    warnings.showwarning = _show_warning
    try:
        status = cli.main(args=list(argv) if argv is not None else None,
                          prog_name="pairaid", standalone_mode=False)
    except PairaidError as err:
        click.echo(f"error: {err}", err=True)
        return 2
    except click.exceptions.Exit as ex:
        return int(ex.exit_code)
    except click.ClickException as err:
        err.show()
        return 2  # every refused input exits 2, as PairaidError does
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    return status if isinstance(status, int) else 0  # ctx.exit(n) in a command


if __name__ == "__main__":
    sys.exit(main())
