"""A run folder: the files ``pairaid plan`` writes, and their contract.

Other tools read these files; keep at least: ``pairs.csv`` (``donor_code``,
``recipient_code``), ``flows.csv`` (``donor_code``, ``recipient_code``, ``resource``,
``quantity``) and ``metrics.json`` (one object per plan, ``pairaid`` and
``official_<round>``, each with ``shortfall_staff_days``, ``gap_covered_share``,
``max_donor_burden``, ``total_distance_km``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from pairaid.explanation import Explanation
from pairaid.io import check_run_folder, write_csv, write_json, writing_run_folder
from pairaid.pipeline import PlanRun

RUN_FILES = ("config.toml", "regions.csv", "forecast.csv", "observed.csv", "needs.csv",
             "gaps.csv", "donor_capacities.csv", "distances.csv", "pairs.csv", "flows.csv",
             "shortfall.csv", "official_pairs.csv", "official_flows.csv",
             "official_shortfall.csv", "metrics.json", "report.html", "plotly.min.js", "plan.xlsx",
             "pairs.geojson", "explain_forbid_costs.csv", "explain_marginal_values.csv",
             "explain_stability.json", "changes.csv", "schedule.csv", "on_site.csv",
             "official_schedule.csv", "official_on_site.csv", "dispatch.json",
             "supplies.csv", "official_supplies.csv",
             "calendars", "needs_check.csv", "sensitivity.csv", "transfers.csv",
             "transfer_unserved.csv", "transfer_comparison.csv",
             "cluster_transfers.csv", "explain_transfers.csv", "explain_transfers.json",
             "boundaries.geojson",
             "LICENSE-boundaries",
             "evaluation.csv", "evaluation_summary.csv", "evaluation_pairwise.csv",
             "evaluation_vss.csv", "evaluation.json")
"""Files of a run folder (the ``official_*`` ones only when a historical round is compared;
the explain files only with --explain; ``changes.csv`` only with --previous; the schedule
files only with --dispatch, the ``calendars`` folder holding one iCalendar file per donor;
the evaluation files only after
``pairaid evaluate --run``). Only these are ever replaced."""

EVALUATION_FILES = RUN_FILES[-5:]
"""Files ``pairaid evaluate`` writes (into a run folder or a folder of its own)."""


def default_out(dataset_name: str, decision_date: date) -> Path:
    """``pairaid-out/<data set>-<decision date>/`` in the working directory."""
    return Path("pairaid-out") / f"{dataset_name}-{decision_date.isoformat()}"


def check_out(out: Path | str, *, force: bool) -> Path:
    """Fail early (before any work) if a run may not be written to ``out``.

    Raises
    ------
    pairaid.errors.OutputExistsError
        See :func:`pairaid.io.check_run_folder`.
    """
    return check_run_folder(out, force=force, owned=RUN_FILES)


def save_run(run: PlanRun, out: Path | str, *, force: bool = False,
             explanation: Explanation | None = None,
             dispatches: dict[str, Any] | None = None,
             sensitivity: pd.DataFrame | None = None) -> Path:
    """Write every table of ``run`` (and of its ``explanation``, if given) into ``out``.

    ``dispatches`` maps ``"pairaid"`` (and ``"official"``) to the
    :class:`pairaid.schedule.DispatchResult` of that plan: written as ``schedule.csv``,
    ``on_site.csv`` (``official_`` prefixed for the official plan), ``dispatch.json``
    and ``calendars/<donor>.ics``. ``sensitivity`` (:func:`pairaid.sensitivity.sensitivity`)
    is written as ``sensitivity.csv``; the run's needs check as ``needs_check.csv``.

    The folder is written whole or not at all: interrupted (Ctrl-C) or failing part-way,
    the files written so far are removed again (:func:`pairaid.io.writing_run_folder`).

    Raises
    ------
    pairaid.errors.OutputExistsError
        If ``out`` already holds files and ``force`` is false.
    """
    with writing_run_folder(out, force=force, owned=RUN_FILES) as folder:
        _write_run(run, folder, explanation=explanation, dispatches=dispatches,
                   sensitivity=sensitivity)
    return folder


def _write_run(run: PlanRun, folder: Path, *, explanation: Explanation | None,
               dispatches: dict[str, Any] | None, sensitivity: pd.DataFrame | None) -> None:
    calendars = folder / "calendars"  # a run's own folder: its calendar files go too
    if calendars.is_dir():
        for old in calendars.glob("*.ics"):
            old.unlink()
    config_text = run.config.to_toml()
    if run.config.data_dir is None:
        config_text = f"# data set: built-in '{run.dataset.name}'\n" + config_text
    (folder / "config.toml").write_text(config_text, encoding="utf-8")
    used = set(run.recipients) | set(run.donors)
    write_csv(run.dataset.regions[run.dataset.regions["region_code"].isin(used)],
              folder / "regions.csv")
    _save_boundaries(run, folder, used)
    tables = {"forecast": run.forecast, "observed": run.observed, "needs": run.needs,
              "gaps": run.gaps, "donor_capacities": run.donor_capacities,
              "distances": run.distances, "pairs": run.plan.pairs, "flows": run.plan.flows,
              "shortfall": run.plan.shortfall}
    if run.official is not None:
        tables |= {"official_pairs": run.official.pairs, "official_flows": run.official.flows,
                   "official_shortfall": run.official.shortfall}
    if run.needs_check is not None:
        tables["needs_check"] = run.needs_check.table
    if sensitivity is not None:
        tables["sensitivity"] = sensitivity
    if run.changes is not None:
        tables["changes"] = run.changes
    if run.transfers is not None:
        tables |= run.transfers.tables(run.config.decision_date)
    for name, frame in tables.items():
        write_csv(frame, folder / f"{name}.csv")
    metrics = dict(run.metrics)
    metrics["dataset"] = run.dataset.name
    metrics["sources"] = _sources(run)
    metrics["notes"] = list(run.notes)
    write_json(metrics, folder / "metrics.json")
    if explanation is not None:
        write_csv(explanation.forbid_costs, folder / "explain_forbid_costs.csv")
        write_csv(explanation.marginal_values, folder / "explain_marginal_values.csv")
        write_json({"team": explanation.team,
                    "stable_pairs": [list(p) for p in explanation.stable_pairs],
                    "official_blocking_pairs": None
                    if explanation.official_blocking_pairs is None
                    else [list(p) for p in explanation.official_blocking_pairs]},
                   folder / "explain_stability.json")
        if explanation.transfers is not None:
            origin = pd.Timestamp(run.config.decision_date)
            pairs = explanation.transfers.pairs
            first = origin + pd.to_timedelta(pairs["first_day"] + 1, unit="D")
            pairs = pairs.assign(first_date=first.dt.strftime("%Y-%m-%d")).drop(
                columns="first_day")
            write_csv(pairs, folder / "explain_transfers.csv")
            limits = dict(explanation.transfers.limits)
            limits["dates_at_daily_limit"] = [
                (origin + pd.Timedelta(days=d + 1)).date().isoformat()
                for d in limits.pop("days_at_daily_limit")]
            write_json(limits, folder / "explain_transfers.json")
    if dispatches:
        _save_dispatches(dispatches, folder, run)


def _save_dispatches(dispatches: dict[str, Any], folder: Path, run: PlanRun) -> None:
    from pairaid.io import write_calendars

    summary = {}
    for key, result in dispatches.items():
        prefix = "" if key == "pairaid" else f"{key}_"
        write_csv(result.schedule, folder / f"{prefix}schedule.csv")
        write_csv(result.on_site, folder / f"{prefix}on_site.csv")
        if result.supplies is not None:
            write_csv(result.supplies, folder / f"{prefix}supplies.csv")
        summary[key] = {"status": result.status.value, "objective": result.objective,
                        "bound": result.bound, "mip_gap": result.mip_gap,
                        "solve_seconds": result.solve_seconds, **result.measures}
    if "pairaid" in dispatches:
        from pairaid.run_dispatch import teams_off_plan

        off = teams_off_plan(dispatches["pairaid"].schedule, run.plan.flows)
        summary["pairaid"]["previous_teams_off_plan"] = off.to_dict("records")
    write_json(summary, folder / "dispatch.json")
    if "pairaid" in dispatches:
        write_calendars(dispatches["pairaid"].schedule, folder / "calendars",
                        names=run.dataset.region_names("en"))


def _save_boundaries(run: PlanRun, folder: Path, used: set[str]) -> None:
    """The data set's boundaries of the run's regions (``boundaries.geojson``) and their
    licence (``LICENSE-boundaries``), for the report map."""
    data = run.dataset.boundaries
    if data is None:
        return
    kept = dict(data) | {"features": [f for f in data["features"]
                                      if f["properties"]["region_code"] in used]}
    (folder / "boundaries.geojson").write_text(
        json.dumps(kept, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    licence = run.dataset.path / "LICENSE-boundaries"
    if licence.is_file():
        (folder / "LICENSE-boundaries").write_text(licence.read_text(encoding="utf-8"),
                                                   encoding="utf-8")


def _sources(run: PlanRun) -> list[str]:
    lines = [f"data set '{run.dataset.name}' ({run.dataset.path})"]
    text = run.dataset.sources_text
    if text:
        # the source tables of SOURCES.md, header rows included, an empty line between two
        # tables (the report renders each as a table)
        previous = ""
        for ln in text.splitlines():
            if ln.startswith("| "):
                if not previous.startswith("|") and len(lines) > 1:
                    lines.append("")
                lines.append(ln.strip())
            previous = ln
    return lines
