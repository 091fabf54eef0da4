"""``pairaid backtest``: rolling-origin evaluation of the forecast models (thin CLI)."""

from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from tqdm import tqdm

from pairaid.datasets import Dataset
from pairaid.errors import ConfigError, FallbackWarning, OutputExistsError
from pairaid.forecast.api import N_SAMPLES
from pairaid.forecast.backtest import (
    DEFAULT_ORIGINS,
    REFERENCE_MODEL,
    BacktestEntry,
    default_entries,
    relative_wis_by,
    run_backtest,
    score_backtest,
    scored_forecasts,
)
from pairaid.forecast.occupancy import OCCUPANCY_TARGETS, backtest_occupancy
from pairaid.forecast.registry import DEFAULT_MODEL, model_names
from pairaid.forecast.weekly import CASE_TARGETS
from pairaid.selection import did_you_mean

OUTPUT_FILES = (
    "backtest.csv",
    "backtest_forecasts.csv",
    "backtest_origins.csv",
    "backtest_regions.csv",
)


def hubei_divisions(regions: pd.DataFrame) -> list[str]:
    """Codes of the 17 prefecture-level divisions of Hubei (``parent_code`` ``CN-HB``)."""
    rows = regions.loc[(regions["level"] == "prefecture") & (regions["parent_code"] == "CN-HB")]
    return sorted(rows["region_code"].astype(str))


def backtest_regions(regions: pd.DataFrame, cases: pd.DataFrame, spec: str | None) -> list[str]:
    """Regions a backtest forecasts.

    Parameters
    ----------
    regions, cases : pandas.DataFrame
        The data set's ``regions`` and ``cases`` tables.
    spec : str or None
        ``"all"`` (every region with a known confirmed count), ``"recipients"``
        (prefecture-level regions, as ``pairaid plan`` picks them), ``"donors"``
        (province-level regions that are not the parent of a recipient), or a
        comma-separated list of region codes. ``None``: recipients if the data set has any,
        else all.

    Returns
    -------
    list of str
        Region codes, sorted, each with at least one known confirmed count.

    Raises
    ------
    ConfigError
        If a listed code is unknown or has no known confirmed count, or nothing is selected.
    """
    with_cases = set(cases.loc[cases["confirmed_cum"].notna(), "region_code"].astype(str))
    level = regions["level"].astype(str)
    codes = regions["region_code"].astype(str)
    prefectures = [c for c in codes[level == "prefecture"] if c in with_cases]
    if spec is None:
        spec = "recipients" if prefectures else "all"
    key = spec.strip().lower()
    if key == "all":
        chosen = sorted(with_cases)
    elif key == "recipients":
        chosen = sorted(prefectures)
    elif key == "donors":
        parents = set(regions.loc[codes.isin(prefectures), "parent_code"].astype(str))
        chosen = sorted(c for c in codes[level == "province"] if c in with_cases
                        and c not in parents)
    else:
        chosen = list(dict.fromkeys(c.strip() for c in spec.split(",") if c.strip()))
        unknown = [c for c in chosen if c not in set(codes)]
        if unknown:
            raise ConfigError(f"--regions: unknown region code(s) {unknown} (not in "
                              "regions.csv); or use all, recipients, donors"
                              + did_you_mean(unknown, set(codes)))
        empty = [c for c in chosen if c not in with_cases]
        if empty:
            raise ConfigError(f"--regions: region(s) {empty} have no known confirmed_cum "
                              "in cases.csv")
    if not chosen:
        raise ConfigError(f"--regions {spec}: no region with cases selected")
    return chosen


def parse_origins(text: str) -> tuple[date, ...]:
    """Origins from ``FROM:TO:STEP`` (ISO dates, step in days, TO included if on the grid).

    Raises
    ------
    ConfigError
        If the text is not of that form, TO is before FROM, or STEP < 1.
    """
    parts = text.split(":")
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        first = date.fromisoformat(parts[0].strip())
        last = date.fromisoformat(parts[1].strip())
        step = int(parts[2]) if len(parts) == 3 else 1
    except ValueError:
        raise ConfigError(f"--origins {text!r}: expected FROM:TO:STEP, e.g. "
                          "2020-02-01:2020-02-28:3 (ISO dates, step in days)") from None
    if step < 1 or last < first:
        raise ConfigError(f"--origins {text!r}: need FROM <= TO and STEP >= 1")
    return tuple(first + timedelta(days=k) for k in range(0, (last - first).days + 1, step))


def parse_horizons(text: str) -> tuple[int, ...]:
    """Horizons from ``7,14`` [days].

    Raises
    ------
    ConfigError
        If an entry is not a whole number >= 1.
    """
    out = []
    for part in text.split(","):
        try:
            h = int(part.strip())
        except ValueError:
            h = 0
        if h < 1:
            raise ConfigError(f"--horizons {text!r}: expected whole numbers of days >= 1 "
                              "separated by commas, e.g. 7,14")
        out.append(h)
    return tuple(sorted(set(out)))


def _entries(models: tuple[str, ...]) -> list[BacktestEntry]:
    if not models:
        return default_entries()
    known = {*model_names(), REFERENCE_MODEL}
    out = []
    for name in models:
        key = DEFAULT_MODEL if name == "default" else name
        if key not in known:
            raise ConfigError(f"--model: unknown model {name!r}; choose from "
                              f"{['default', *sorted(known)]}")
        out.append(BacktestEntry(name, key, calibrated=name == "default"))
    if not any(e.model == REFERENCE_MODEL for e in out):
        out.append(BacktestEntry(REFERENCE_MODEL, REFERENCE_MODEL))  # reference of rel_wis
    return out


@click.command("backtest")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data-set folder (only regions.csv and cases.csv are needed); default: the "
    "built-in hubei-2020 data.",
)
@click.option("--dataset", default=None,
              help="Built-in data set (hubei-2020, italy-2020) [default: hubei-2020].")
@click.option(
    "--targets",
    type=click.Choice(["cases", "occupancy", "all"]),
    default=None,
    help="cases: new confirmed (daily, and weekly: the 7 days ending on the date, the "
    "Forecast Hubs' case target) and census (confirmed - deaths - recovered); occupancy: "
    "patients in hospital and in ICU as reported (cases.csv hospitalised, icu); all: both "
    "[default: all where the data report hospital and ICU patients, else cases].",
)
@click.option(
    "--regions",
    "regions_spec",
    default=None,
    help="all, recipients, donors, or comma-separated region codes [default: recipients "
    "if the data set has prefecture-level regions, else all].",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("backtest"),
    show_default=True,
    help="Folder for backtest.csv (scores), backtest_forecasts.csv (every forecast), "
    "backtest_origins.csv and backtest_regions.csv (relative WIS per origin / region).",
)
@click.option("--force", is_flag=True, help="Replace backtest files already in --out.")
@click.option(
    "--model",
    "models",
    multiple=True,
    help="Model to evaluate (repeatable); default: every model, plus the default model "
    "without the data-event treatment. The baseline is always added.",
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
    help="Forecast origin YYYY-MM-DD (repeatable).",
)
@click.option(
    "--origins",
    "origin_range",
    default=None,
    help="Origins FROM:TO:STEP (ISO dates, step in days) [default on the built-in data: "
    "2020-02-01:2020-02-28:3; on other data: every 3 days from 14 days after the first "
    "case count to the last day minus the longest horizon].",
)
@click.option(
    "--horizons",
    "horizons_text",
    default="7,14",
    show_default=True,
    help="Horizons to score [days], comma-separated.",
)
def backtest(
    data_dir: Path | None,
    dataset: str | None,
    targets: str | None,
    regions_spec: str | None,
    out: Path,
    force: bool,
    models: tuple[str, ...],
    samples: int,
    workers: int | None,
    seed: int,
    origins: tuple[datetime, ...],
    origin_range: str | None,
    horizons_text: str,
) -> None:
    """Rolling-origin backtest of the forecast models on any data set.

    Default: the built-in Hubei 2020 data, origins every 3 days from 2020-02-01 to
    2020-02-28, horizons 7 and 14 days, the 17 Hubei divisions. Scores: MAE and MAPE of
    the median, weighted interval score (WIS), pairwise relative WIS against the
    persistence baseline (pooled and per origin), coverage of the 50 % and 90 % intervals
    (see docs/forecasting.md). Where the data report patients in hospital and in ICU
    (italy-2020), those stocks are backtested too, as `pairaid plan` forecasts them.
    """
    from pairaid.datasets import load_builtin, load_dataset

    if samples < 100:
        raise ConfigError(f"--samples: at least 100 sample paths are needed, got {samples}")
    if origins and origin_range:
        raise ConfigError("--origin and --origins: give one or the other")
    horizons = parse_horizons(horizons_text)
    existing = [out / name for name in OUTPUT_FILES if (out / name).exists()]
    if existing and not force:
        raise OutputExistsError(
            f"{existing[0]} already exists; choose another --out or pass --force to replace it"
        )
    entries = _entries(tuple(dict.fromkeys(models)))  # a repeated --model counts once
    if data_dir is not None and dataset is not None:
        raise ConfigError("--data and --dataset: give one or the other")
    data = (load_dataset(data_dir, forecast_only=True) if data_dir is not None
            else load_builtin(dataset or "hubei-2020"))
    for note in data.notes:  # the plausibility checks' notes (a spike replaced)
        warnings.warn(note, FallbackWarning, stacklevel=2)
    occupancy = set(OCCUPANCY_TARGETS) <= set(data.cases.columns) and bool(
        data.cases[list(OCCUPANCY_TARGETS)].notna().any(axis=None))
    targets = targets or ("all" if occupancy else "cases")
    if targets != "cases" and not occupancy:
        raise ConfigError(f"--targets {targets}: cases.csv of {data.name} reports no "
                          "hospitalised and icu columns (patients in hospital and in ICU)")
    regions = backtest_regions(data.regions, data.cases, regions_spec)
    rows = data.cases[data.cases["region_code"].isin(regions)
                      & data.cases["confirmed_cum"].notna()]
    first, last = rows["date"].min().date(), rows["date"].max().date()
    longest = max(horizons)
    if origin_range:
        chosen = parse_origins(origin_range)
    elif origins:
        chosen = tuple(dict.fromkeys(o.date() for o in origins))
    elif data_dir is None and data.name == "hubei-2020":
        chosen = DEFAULT_ORIGINS
    else:
        chosen = parse_origins(f"{first + timedelta(days=14)}:"
                               f"{last - timedelta(days=longest)}:3")
    flag = "--origins" if origin_range else "--origin"
    bad = [o for o in chosen if o < first or o + timedelta(days=longest) > last]
    if bad:
        raise ConfigError(
            f"{flag} {bad[0]}: an origin must lie in {first} … "
            f"{last - timedelta(days=longest)} (data end {last} minus the {longest}-day "
            "horizon)")
    options: dict[str, Any] = {"entries": entries, "origins": chosen, "horizons": horizons,
               "n_samples": samples, "seed": seed, "workers": workers}
    parts = (["cases"] if targets != "occupancy" else []) + (
        ["occupancy"] if targets != "cases" else [])
    total = len(entries) * len(chosen) * (len(parts) + ("occupancy" in parts))
    frames = []
    with tqdm(total=total, desc="backtest", unit="fit", leave=False) as bar:
        start = 0

        def progress(done: int, _total: int) -> None:
            bar.update(start + done - bar.n)

        if "cases" in parts:
            frames.append(run_backtest(data.cases, region_codes=regions, progress=progress,
                                       **options))
            start = bar.n
        if "occupancy" in parts:
            frames.append(backtest_occupancy(data.cases, region_codes=regions,
                                             parameters=_stay_parameters(data),
                                             progress=progress, **options))
    forecasts = pd.concat(frames, ignore_index=True)
    scores = score_backtest(forecasts)
    scored = scored_forecasts(forecasts)
    out.mkdir(parents=True, exist_ok=True)
    scores.to_csv(out / "backtest.csv", index=False, float_format="%.4g")
    forecasts.to_csv(out / "backtest_forecasts.csv", index=False, date_format="%Y-%m-%d")
    relative_wis_by(scored, "origin").to_csv(out / "backtest_origins.csv", index=False,
                                             float_format="%.4g", date_format="%Y-%m-%d")
    relative_wis_by(scored, "region_code").to_csv(out / "backtest_regions.csv", index=False,
                                                  float_format="%.4g")
    _print(scores)
    click.echo(f"Backtest of {len(regions)} regions × {len(chosen)} origins written to "
               f"{out}/backtest.csv")


def _stay_parameters(data: Dataset) -> dict[str, float]:
    """Lengths of stay of the data set's parameters.csv (the stocks' stay priors)."""
    table = data.parameters
    names = ("los_mean_days", "los_shape", "icu_los_days")
    return {str(n): float(v) for n, v in zip(table["name"], table["value"], strict=True)
            if str(n) in names}


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


#: The console tables' columns: (backtest.csv column, short header). The scores are
#: split over two tables, accuracy and calibration, each with the model's full name, so
#: that each fits an 80-column terminal; the legend under them names every short header.
ACCURACY_COLUMNS = (
    ("mae", "MAE"),
    ("wis", "WIS"),
    ("rel_wis", "rWIS"),
    ("rel_wis_median", "rWIS\nmed"),
    ("rel_wis_p10", "rWIS\np10"),
    ("rel_wis_p90", "rWIS\np90"),
)
CALIBRATION_COLUMNS = (
    ("mape", "MAPE"),
    ("coverage_50", "cov\n50"),
    ("coverage_90", "cov\n90"),
    ("expected_coverage_90", "exp\ncov90"),
    ("pit_coverage_50", "PIT\n50"),
    ("pit_coverage_90", "PIT\n90"),
    ("zero_share", "zero\nshare"),
)
#: Columns printed with 3 significant figures; the others (MAPE and shares in [0, 1]) with
#: 2 decimals, so that the calibration table fits 80 columns.
_FREE_SCALE = frozenset({"mae", "wis", "rel_wis", "rel_wis_median", "rel_wis_p10",
                         "rel_wis_p90"})
LEGEND = (
    "h = horizon_days, n = forecasts scored, MAE = mae, WIS = wis (weighted interval "
    "score), rWIS = rel_wis (mean WIS / the persistence baseline's), rWIS med/p10/p90 = "
    "rel_wis_median/rel_wis_p10/rel_wis_p90 (across regions and origins), MAPE = mape, "
    "cov 50/90 = coverage_50/coverage_90, exp cov90 = expected_coverage_90, PIT 50/90 = "
    "pit_coverage_50/pit_coverage_90, zero share = zero_share (MAPE and shares of 1 with 2 "
    "decimals); every column is in backtest.csv"
)


def _print(scores: pd.DataFrame, console: Console | None = None) -> None:
    """Print the score tables: per target, accuracy then calibration, one row per model and
    horizon, the model's full name never cut (no_wrap) and the numbers wrapped rather than
    cut short (overflow "fold"), then the legend of the short headers."""
    if console is None:
        console = Console(highlight=False)
        if not console.is_terminal:
            console.width = max(console.width, 140)
    present = set(scores["target"])
    name_width = max((len(str(m)) for m in scores["model"]), default=5)
    for target in [t for t in (*CASE_TARGETS, *OCCUPANCY_TARGETS) if t in present]:
        rows = scores.loc[scores["target"] == target]
        for kind, cols in (("accuracy", ACCURACY_COLUMNS), ("calibration", CALIBRATION_COLUMNS)):
            table = Table(title=f"backtest: {target}, {kind}"
                          + (" (rWIS: relative WIS against the persistence baseline)"
                             if kind == "accuracy" else ""),
                          box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left")
            table.add_column("model", no_wrap=True, min_width=name_width)
            table.add_column("h", justify="right", no_wrap=True)
            if kind == "accuracy":
                table.add_column("n", justify="right", no_wrap=True)
            for _, header in cols:
                table.add_column(header, justify="right", overflow="fold")
            for row in rows.itertuples():
                first = [escape(str(row.model)), str(row.horizon_days)]
                if kind == "accuracy":
                    first.append(str(row.n))
                table.add_row(*first, *[_fmt(float(getattr(row, c))) if c in _FREE_SCALE
                                        else f"{float(getattr(row, c)):,.2f}" for c, _ in cols])
            console.print(table)
    console.print(LEGEND, overflow="fold")
