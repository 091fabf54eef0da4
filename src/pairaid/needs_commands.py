"""``pairaid check-needs``: the staffing model against the staff sent (thin CLI over
:mod:`pairaid.needs_check`), loaded only when the command runs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from pairaid.cli import FLAG_OF, _codes, _key_value, console
from pairaid.norms import NORMS_HELP


@click.command("check-needs")
@click.option("--data", "data_dir", type=click.Path(path_type=Path),
              help="Folder of CSV tables with a deployments.csv instead of a built-in set.")
@click.option("--dataset", help="Built-in data set [default: hubei-2020].")
@click.option("--recipients", help="Comma-separated recipient codes [default: as plan].")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]),
              help="First day of the observed census [default: first case date].")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]),
              help="Last day of the observed census; deployments count up to it "
              "[default: end of the month of the latest pairing round (hubei-2020: "
              "2020-02-29); without pairings.csv, the last deployment date].")
@click.option("--norms", help=NORMS_HELP)
@click.option("--param", "param", multiple=True, metavar="NAME=VALUE",
              help="Override a parameter of parameters.csv (repeatable).")
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder for needs_check.csv and needs_check.json.")
@click.option("--force", is_flag=True, help="Replace an earlier check in --out.")
def check_needs_command(data_dir: Path | None, dataset: str | None, recipients: str | None,
                        start: Any, end: Any, norms: str | None, param: Sequence[str],
                        out: Path | None, force: bool) -> None:
    """Compare the model's staff gap at the peak of the observed census with the staff
    donors actually deployed (needs_check.csv)."""
    from pairaid.config import make_config
    from pairaid.datasets import load_builtin, load_dataset
    from pairaid.errors import ConfigError
    from pairaid.io import write_csv, write_json, writing_run_folder
    from pairaid.needs import default_norm_set, norms_for
    from pairaid.needs_check import check_needs, check_window
    from pairaid.pipeline import run_parameters
    from pairaid.selection import select_regions

    if data_dir is not None and dataset is not None:
        raise ConfigError("give either --data DIR or --dataset NAME, not both")
    given: dict[str, Any] = {
        "data_dir": data_dir, "dataset": dataset, "recipients": _codes(recipients),
        "norms": norms,
        "parameters": dict(_key_value(t, float, "--param",
                                      "NAME=VALUE (e.g. covid_share_staff=0.05)")
                           for t in param) or None}
    values: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    values["official_round"] = None
    config = make_config(values, origin="flags", flags=FLAG_OF)
    data = load_dataset(config.data_dir) if config.data_dir else load_builtin(config.dataset)
    if data.deployments is None or data.deployments.empty:
        raise ConfigError(f"data set {data.name} has no deployments.csv (staff actually "
                          "sent; see docs/data-format.md), so there is nothing to check "
                          "the model against")
    chosen, _ = select_regions(data, config)
    first, last = check_window(data.cases, data.deployments, chosen, data.pairings)
    first = start.date() if start else first
    last = end.date() if end else last
    if first > last:
        raise ConfigError(f"--from {first} is after --to {last}")
    params = run_parameters(data, config)
    norm_set = config.norms or default_norm_set(params)
    result = check_needs(data.cases, data.capacities, data.deployments, params,
                         recipients=chosen, start=first, end=last, norms=norms_for(params),
                         norm_set=norm_set)
    _print_needs_check(result, data.region_names("en"), norm_set)
    if out is not None:
        with writing_run_folder(out, force=force,
                                owned=("needs_check.csv", "needs_check.json")) as folder:
            write_csv(result.table, folder / "needs_check.csv")
            write_json(result.summary() | {"dataset": data.name, "norms": norm_set,
                                           "parameters": params},
                       folder / "needs_check.json")
        console.print(f"written: {folder / 'needs_check.csv'}, needs_check.json")


def _print_needs_check(result: Any, names: dict[str, str], norm_set: str) -> None:
    table = Table(title=f"Model staff gap at the peak (observed census, norms {norm_set}) vs "
                  f"staff deployed by {result.end}")
    for col in ("recipient", "peak day", "census", "need", "local", "model gap",
                "deployed", "ratio"):
        table.add_column(col, justify="left" if col == "recipient" else "right")
    for row in result.table.itertuples():
        local = row.available_doctors + row.available_nurses
        deployed = "—" if math.isnan(row.deployed_staff) else f"{row.deployed_staff:,.0f}"
        ratio = "—" if math.isnan(row.ratio) else f"{row.ratio:.2f}"
        table.add_row(f"{names.get(row.recipient_code, row.recipient_code)} "
                      f"({row.recipient_code})", f"{row.peak_date:%Y-%m-%d}",
                      f"{row.peak_census:,.0f}", f"{row.need_staff:,.0f}", f"{local:,.0f}",
                      f"{row.model_gap_staff:,.0f}", deployed, ratio)
    console.print(table)
    s = result.summary()
    console.print(
        f"{s['cities_with_deployments']} of {s['cities']} cities have deployment figures. "
        f"Model gap {s['model_gap_total']:,.0f} vs deployed {s['deployed_total']:,.0f} staff: "
        f"ratio {s['ratio_model_to_deployed']}; Spearman rank correlation {s['spearman']} "
        f"(gap) and {s['spearman_need']} (need before local staff). 'need' and 'model gap' "
        "count doctors and nurses on the roster; 'deployed' counts all staff sent "
        "(including a few per cent others); 'local' is covid_share_staff of local doctors "
        "and nurses. The gap is counted per cadre (spare doctors do not cover missing "
        "nurses; needs_check.csv has both). Deployments are not needs: see docs/needs.md.")
