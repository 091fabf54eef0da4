"""``pairaid evaluate``: replay plans on fresh scenarios and the realised path (thin CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pairaid.cli import refuse_without_two_stage, two_stage_options

console = Console(highlight=False)
# pipes and 80-column terminals: the summary has 11 columns and must not fold plan names
# or figures into ellipses (as cli.py does for plan)
console.width = max(console.width, 150)


@click.command()
@click.option("--run", "run_dir", type=click.Path(path_type=Path),
              help="A run folder of `pairaid plan`: its config.toml is re-planned and the "
                   "evaluation written there.")
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="TOML settings file (as `pairaid plan --config`).")
@click.option("--dataset", help="Built-in data set [default: hubei-2020].")
@click.option("--data", "data_dir", type=click.Path(path_type=Path),
              help="A data-set folder instead of a built-in one.")
@click.option("--date", "decision_date", type=click.DateTime(["%Y-%m-%d"]),
              help="Decision date [default 2020-02-10].")
@click.option("--horizon", "horizon_days", type=int, help="Horizon [days, default 28].")
@click.option("--scenarios", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Sampled scenarios.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed of the scenarios [default 20200211, a stream apart from the "
                   "plan's forecast].")
@click.option("--chunk-size", type=click.IntRange(min=1), default=None,
              help="Scenarios per Dask task [default 50].")
@click.option("--workers", type=click.IntRange(min=1),
              help="Worker processes of the local Dask cluster [default: cores].")
@click.option("--scheduler", help="Address of a running Dask scheduler "
                                  "(tcp://HOST:8786) instead of a local cluster.")
@click.option("--no-random", is_flag=True, help="Leave out the random-pairing baseline.")
@click.option("--two-stage", "two_stage", type=click.IntRange(min=1),
              help="Also plan pairs by the two-stage MIP on N planning scenarios "
                   "(plan pairaid-2stage).")
@two_stage_options("--two-stage")
@click.option("--evpi", "evpi_scenarios", type=click.IntRange(min=0), default=0,
              show_default=True,
              help="With --two-stage: the expected value of perfect information on this "
                   "many of the fresh scenarios (two small MIPs each).")
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder to write into [default: the --run folder, else "
                   "runs/evaluate-<dataset>-<date>].")
@click.option("--force", is_flag=True, help="Replace evaluation files already there.")
def evaluate(run_dir: Path | None, config_file: Path | None, dataset: str | None,
             data_dir: Path | None, decision_date: Any, horizon_days: int | None,
             scenarios: int, seed: int | None, chunk_size: int | None,
             workers: int | None, scheduler: str | None, no_random: bool,
             two_stage: int | None, cvar_alpha: float | None, reduce_to: int | None,
             evpi_scenarios: int, out: Path | None,
             force: bool) -> None:
    """Replay pairaid's plan, the official pairing and baseline rules on fresh scenarios
    and on what happened, each with the same total staff and its flows re-optimised."""
    from rich.progress import Progress

    from pairaid.config import make_config, read_config_file
    from pairaid.datasets import load_builtin, load_dataset
    from pairaid.errors import ConfigError, OutputExistsError
    from pairaid.evaluation.api import DEFAULT_SEED
    from pairaid.evaluation.api import evaluate as run_evaluation
    from pairaid.forecast.scenarios import DEFAULT_CHUNK_SIZE
    from pairaid.io import prepare_run_folder, write_csv, write_json
    from pairaid.pipeline import plan
    from pairaid.runs import EVALUATION_FILES

    if run_dir is not None and config_file is not None:
        raise ConfigError("give either --run DIR or --config FILE, not both")
    if run_dir is not None:
        config_file = run_dir / "config.toml"
        if not config_file.is_file():
            raise ConfigError(f"--run {run_dir}: no config.toml there (is it a folder "
                              "written by `pairaid plan`?)")
    values: dict[str, Any] = read_config_file(config_file) if config_file else {}
    flags = {"dataset": dataset, "data_dir": data_dir,
             "decision_date": decision_date.date() if decision_date else None,
             "horizon_days": horizon_days}
    values.update({k: v for k, v in flags.items() if v is not None})
    config = make_config(values, origin=str(config_file) if config_file else "flags")
    refuse_without_two_stage("--two-stage", two_stage is not None,
                             {"--cvar-alpha": cvar_alpha is not None,
                              "--reduce-to": reduce_to is not None,
                              "--evpi": bool(evpi_scenarios)})
    if config.demand_file is not None:
        raise ConfigError("evaluate draws scenarios from pairaid's own forecast models; a "
                          "run with --demand (an external forecast) cannot be evaluated")
    data = load_dataset(config.data_dir) if config.data_dir else load_builtin(config.dataset)
    if out is None and run_dir is not None:
        folder = run_dir  # beside the run's files, which stay as they are
        there = [f for f in EVALUATION_FILES if (folder / f).exists()]
        if there and not force:
            raise OutputExistsError(f"run folder {folder} already holds an evaluation "
                                    f"({', '.join(there)}); pass --force to replace it")
    else:
        folder = prepare_run_folder(
            out or Path("runs") / f"evaluate-{data.name}-{config.decision_date}",
            force=force, owned=EVALUATION_FILES)
    console.print(f"planning ({data.name}, decision date {config.decision_date}) ...")
    run = plan(data, config)
    where = scheduler or f"a local Dask cluster ({workers or 'one worker per core'})"
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"{scenarios} scenarios on {where}", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = run_evaluation(run, scenarios=scenarios,
                                seed=DEFAULT_SEED if seed is None else seed,
                                chunk_size=chunk_size or DEFAULT_CHUNK_SIZE,
                                scheduler=scheduler, workers=workers,
                                random_plan=not no_random, two_stage=two_stage,
                                cvar_alpha=cvar_alpha, reduce_to=reduce_to,
                                evpi_scenarios=evpi_scenarios, progress=tick)
    write_csv(result.table, folder / "evaluation.csv")
    write_csv(result.summary, folder / "evaluation_summary.csv")
    write_csv(result.pairwise, folder / "evaluation_pairwise.csv")
    if result.values is not None:
        write_csv(result.values, folder / "evaluation_vss.csv")
    write_json({"scenarios": scenarios, "seed": DEFAULT_SEED if seed is None else seed,
                "chunk_size": chunk_size or DEFAULT_CHUNK_SIZE,
                "total_staff": run.metrics.get("staff_cap"),
                "plans": {k: [list(p) for p in v] for k, v in result.plans.items()},
                "two_stage": None if result.two_stage is None else {
                    "planning_scenarios": two_stage, "cvar_alpha": cvar_alpha,
                    "status": result.two_stage.status, "mip_gap": result.two_stage.mip_gap,
                    "seconds": result.two_stage.seconds, "rows": result.two_stage.rows,
                    "columns": result.two_stage.columns,
                    "scenarios_in_mip": result.two_stage.scenarios,
                    "nonzeros": result.two_stage.nonzeros,
                    "expected_shortfall_in_sample": result.two_stage.expected_shortfall}},
               folder / "evaluation.json")
    if result.two_stage is not None:
        ts = result.two_stage
        console.print(f"two-stage plan on {two_stage} planning scenarios: {len(ts.pairs)} "
                      f"pairs, MIP {ts.rows:,} rows x {ts.columns:,} columns, {ts.status}, "
                      f"{ts.seconds:.1f} s", markup=False)
    _print_summary(result.summary, scenarios)
    if result.values is not None:
        for rec in result.values.to_dict("records"):
            known = bool(np.isfinite(float(rec["value"])))
            value = f"{float(rec['value']):,.1f} {rec['unit']}" if known \
                else "not computed (--evpi N)"
            console.print(f"{rec['measure']}: {value} — {rec['note']}"
                          + (f" ({rec['scenarios']} scenarios)" if known else ""),
                          markup=False)
    console.print(f"written: {folder / 'evaluation.csv'}, evaluation_summary.csv, "
                  "evaluation_pairwise.csv, "
                  + ("evaluation_vss.csv, " if result.values is not None else "")
                  + "evaluation.json")


def _print_summary(summary: Any, scenarios: int) -> None:
    table = Table(title=f"Unmet staff-days over {scenarios} scenarios (same total staff, "
                  "flows re-optimised per scenario)")
    cols = ["plan", "mean", "p10", "p50", "p90", "CVaR90", "covered", "worst city",
            "realised"]
    has_ref = "share_better_than_reference" in summary
    if has_ref:
        cols += ["better than official", "median cut vs official"]
    for col in cols:
        table.add_column(col, justify="left" if col == "plan" else "right", no_wrap=True)
    for row in summary.itertuples():
        cells = [escape(str(row.plan)), f"{row.shortfall_mean:,.0f}",
                 f"{row.shortfall_p10:,.0f}", f"{row.shortfall_p50:,.0f}",
                 f"{row.shortfall_p90:,.0f}", f"{row.shortfall_cvar90:,.0f}",
                 f"{row.gap_covered_share_mean:.1%}", f"{row.worst_city_covered_share_mean:.1%}",
                 "—" if row.realised_shortfall_staff_days != row.realised_shortfall_staff_days
                 else f"{row.realised_shortfall_staff_days:,.0f}"]
        if has_ref:
            cut = row.median_reduction_vs_reference
            cells += [f"{row.share_better_than_reference:.0%}",
                      "—" if cut != cut else f"{cut:+.0%}"]
        table.add_row(*cells)
    console.print(table)
