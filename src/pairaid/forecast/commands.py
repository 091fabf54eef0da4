"""``pairaid backtest``: rolling-origin evaluation of the forecast models (thin CLI)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from tqdm import tqdm

from pairaid.errors import ConfigError, OutputExistsError
from pairaid.forecast.api import N_SAMPLES
from pairaid.forecast.backtest import (
    DEFAULT_HORIZONS,
    DEFAULT_ORIGINS,
    SCORE_COLUMNS,
    BacktestEntry,
    default_entries,
    run_backtest,
    score_backtest,
)
from pairaid.forecast.registry import DEFAULT_MODEL, model_names

OUTPUT_FILES = ("backtest.csv", "backtest_forecasts.csv")


def hubei_divisions(regions: pd.DataFrame) -> list[str]:
    """Codes of the 17 prefecture-level divisions of Hubei (``parent_code`` ``CN-HB``)."""
    rows = regions.loc[(regions["level"] == "prefecture") & (regions["parent_code"] == "CN-HB")]
    return sorted(rows["region_code"].astype(str))


def _entries(models: tuple[str, ...]) -> list[BacktestEntry]:
    if not models:
        return default_entries()
    known = set(model_names())
    out = []
    for name in models:
        key = DEFAULT_MODEL if name == "default" else name
        if key not in known:
            raise ConfigError(f"--model: unknown model {name!r}; choose from {sorted(known)}")
        out.append(BacktestEntry(name, key))
    if not any(e.model == "exponential" for e in out):
        out.append(BacktestEntry("exponential", "exponential"))  # reference of rel_wis
    return out


@click.command("backtest")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("backtest"),
    show_default=True,
    help="Folder for backtest.csv (scores) and backtest_forecasts.csv (every forecast).",
)
@click.option("--force", is_flag=True, help="Replace backtest files already in --out.")
@click.option(
    "--model",
    "models",
    multiple=True,
    help="Model to evaluate (repeatable); default: every model, plus the default model "
    "without the data-event treatment.",
)
@click.option("--samples", type=int, default=N_SAMPLES, show_default=True, help="Sample paths.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: CPUs).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--origin",
    "origins",
    multiple=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Forecast origin YYYY-MM-DD (repeatable); default every 3 days 2020-02-01..03-01.",
)
def backtest(
    out: Path,
    force: bool,
    models: tuple[str, ...],
    samples: int,
    workers: int | None,
    seed: int,
    origins: tuple[datetime, ...],
) -> None:
    """Rolling-origin backtest on the built-in Hubei 2020 data.

    Origins every 3 days from 2020-02-01 to 2020-03-01, horizons 7 and 14 days, all 17
    Hubei divisions. Scores: MAE and MAPE of the median, weighted interval score (WIS),
    relative WIS against the exponential baseline, coverage of the 50 % and 90 % intervals
    (see docs/forecasting.md).
    """
    from pairaid.datasets import load_builtin

    if samples < 100:
        raise ConfigError(f"--samples: at least 100 sample paths are needed, got {samples}")
    existing = [out / name for name in OUTPUT_FILES if (out / name).exists()]
    if existing and not force:
        raise OutputExistsError(
            f"{existing[0]} already exists; choose another --out or pass --force to replace it"
        )
    entries = _entries(tuple(dict.fromkeys(models)))  # a repeated --model counts once
    dataset = load_builtin("hubei-2020")
    regions = hubei_divisions(dataset.regions)
    chosen = tuple(dict.fromkeys(o.date() for o in origins)) or DEFAULT_ORIGINS
    rows = dataset.cases[dataset.cases["region_code"].isin(regions)
                         & dataset.cases["confirmed_cum"].notna()]
    first, last = rows["date"].min().date(), rows["date"].max().date()
    longest = max(DEFAULT_HORIZONS)
    bad = [o for o in chosen if o < first or o + timedelta(days=longest) > last]
    if bad:
        raise ConfigError(
            f"--origin {bad[0]}: an origin must lie in {first} … "
            f"{last - timedelta(days=longest)} (data end {last} minus the {longest}-day "
            "horizon)")
    total = len(entries) * len(chosen)
    with tqdm(total=total, desc="backtest", unit="fit", leave=False) as bar:

        def progress(done: int, _total: int) -> None:
            bar.update(done - bar.n)

        forecasts = run_backtest(
            dataset.cases,
            region_codes=regions,
            entries=entries,
            origins=chosen,
            n_samples=samples,
            seed=seed,
            workers=workers,
            progress=progress,
        )
    scores = score_backtest(forecasts)
    out.mkdir(parents=True, exist_ok=True)
    scores.to_csv(out / "backtest.csv", index=False, float_format="%.4g")
    forecasts.to_csv(out / "backtest_forecasts.csv", index=False, date_format="%Y-%m-%d")
    _print(scores)
    click.echo(f"Backtest written to {out}/backtest.csv")


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _print(scores: pd.DataFrame) -> None:
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = max(console.width, 140)
    for target in ("new_confirmed", "census"):
        table = Table(title=f"backtest: {target} (relative WIS against exponential)")
        cols = [c for c in SCORE_COLUMNS if c != "target"]
        for c in cols:
            table.add_column(c, justify="left" if c == "model" else "right")
        for row in scores.loc[scores["target"] == target].itertuples():
            table.add_row(
                *[
                    escape(str(getattr(row, c)))
                    if c in ("model", "horizon_days", "n")
                    else _fmt(float(getattr(row, c)))
                    for c in cols
                ]
            )
        console.print(table)
