"""The check of the staffing model against history: model staff gaps on the *observed*
census versus the medical staff donors actually sent.

Deployments are not needs (donors may have sent more or less than was needed), so this is a
check of orders of magnitude and of ranking, not a fit: no parameter is tuned to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from pairaid.errors import InputError, Problem
from pairaid.forecast.backtest import observed_values
from pairaid.needs import per_patient_needs
from pairaid.schemas import STAFF_RESOURCES
from pairaid.severity import mixes_during, reported_mixes

CHECK_COLUMNS = (
    "recipient_code", "peak_date", "peak_census", "need_doctors", "need_nurses", "need_staff",
    "available_doctors", "available_nurses", "model_gap_doctors", "model_gap_nurses",
    "model_gap_staff", "deployed_staff", "deployed_doctors", "deployed_nurses",
    "deployed_as_of", "deployment_rows", "donors", "ratio",
)
"""Columns of ``needs_check.csv`` (see :func:`check_needs`)."""

CONFIDENCE_ORDER = {"H": 0, "M": 1, "L": 2}


@dataclass(frozen=True)
class NeedsCheck:
    """Result of :func:`check_needs`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per recipient, columns :data:`CHECK_COLUMNS`.
    cities : int
        Recipients checked.
    cities_with_deployments : int
        Recipients with a deployment figure by the end date.
    model_gap_total, deployed_total : float
        Sums over the recipients with a deployment figure [staff].
    ratio : float
        ``model_gap_total / deployed_total`` (NaN when nothing was deployed).
    spearman : float
        Spearman rank correlation of ``model_gap_staff`` and ``deployed_staff`` over the
        recipients with a deployment figure (NaN with fewer than 3, or no variation).
    spearman_need : float
        The same for ``need_staff`` (the need before local staff are subtracted): whether
        deployments followed the caseload rather than the shortfall.
    start, end : datetime.date
        Window of the observed census.
    """

    table: pd.DataFrame
    cities: int
    cities_with_deployments: int
    model_gap_total: float
    deployed_total: float
    ratio: float
    spearman: float
    spearman_need: float
    start: date
    end: date

    def summary(self) -> dict[str, object]:
        """The headline figures as a JSON-ready dict."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat(),
                "cities": self.cities, "cities_with_deployments": self.cities_with_deployments,
                "model_gap_total": round(self.model_gap_total, 1),
                "deployed_total": round(self.deployed_total, 1),
                "ratio_model_to_deployed": None if np.isnan(self.ratio)
                else round(self.ratio, 3),
                "spearman": None if np.isnan(self.spearman) else round(self.spearman, 3),
                "spearman_need": None if np.isnan(self.spearman_need)
                else round(self.spearman_need, 3)}


def deployed_by(deployments: pd.DataFrame, *, recipients: Sequence[str],
                as_of: date) -> pd.DataFrame:
    """Staff deployed to each recipient by ``as_of``, from reported figures.

    Parameters
    ----------
    deployments : pandas.DataFrame
        ``deployments`` table (:data:`pairaid.schemas.DEPLOYMENTS`): ``donor_code``,
        ``recipient_code``, ``date``, ``figure_type`` (``cumulative`` or ``batch``),
        ``staff``, optional ``doctors``, ``nurses``, ``confidence``.
    recipients : sequence of str
        Recipient codes to report.
    as_of : datetime.date
        Only figures dated on or before this day count.

    Returns
    -------
    pandas.DataFrame
        ``recipient_code``, ``deployed_staff``, ``deployed_doctors``, ``deployed_nurses``
        [persons; doctors/nurses NaN unless every donor's figure splits them],
        ``deployed_as_of`` (latest figure date used), ``deployment_rows`` (figures used),
        ``donors`` (``;``-joined); recipients without any figure have NaN staff.

    Notes
    -----
    Per donor and recipient: the latest cumulative figure (among equally late ones, the
    higher ``confidence``, then the larger), plus every batch dated after it; without a
    cumulative figure, the sum of the batches. Batch figures of one donor and recipient on
    the same date are taken as reports of the same batch (one is kept: the higher
    ``confidence``, then the larger), so two sources never count one team twice.
    """
    cut = deployments[(deployments["date"] <= pd.Timestamp(as_of))
                      & deployments["recipient_code"].isin(list(recipients))]
    figures: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in cut.to_dict("records"):  # a few dozen rows: plain Python beats pandas here
        rec = {str(k): v for k, v in row.items()}
        rec.setdefault("confidence", None)
        for col in ("doctors", "nurses"):
            rec.setdefault(col, np.nan)
        figures.setdefault((rec["donor_code"], rec["recipient_code"]), []).append(rec)

    def conf(rec: dict[str, Any]) -> int:
        return CONFIDENCE_ORDER.get(rec["confidence"], 3) \
            if isinstance(rec["confidence"], str) else 3

    by_recipient: dict[str, list[dict[str, Any]]] = {}
    for key in sorted(figures):  # each list in file order: ties keep it (stable sorts)
        grp = figures[key]
        batches = sorted((r for r in grp if r["figure_type"] == "batch"),
                         key=lambda r: (r["date"], conf(r), -r["staff"]))
        batches = [r for i, r in enumerate(batches)  # one per date: the first in that order
                   if i == 0 or r["date"] != batches[i - 1]["date"]]
        cum = [r for r in grp if r["figure_type"] == "cumulative"]
        if cum:
            best = min(cum, key=lambda r: (-r["date"].value, conf(r), -r["staff"]))
            used = [best] + [r for r in batches if r["date"] > best["date"]]
        else:
            used = batches
        by_recipient.setdefault(key[1], []).extend(used)
    rows = []
    for code in recipients:
        sel = by_recipient.get(code, [])
        if not sel:
            rows.append({"recipient_code": code, "deployed_staff": np.nan,
                         "deployed_doctors": np.nan, "deployed_nurses": np.nan,
                         "deployed_as_of": pd.NaT, "deployment_rows": 0, "donors": ""})
            continue
        split = all(pd.notna(r["doctors"]) and pd.notna(r["nurses"]) for r in sel)
        rows.append({
            "recipient_code": code,
            "deployed_staff": float(sum(float(r["staff"]) for r in sel)),
            "deployed_doctors": float(sum(float(r["doctors"]) for r in sel)) if split
            else np.nan,
            "deployed_nurses": float(sum(float(r["nurses"]) for r in sel)) if split
            else np.nan,
            "deployed_as_of": max(r["date"] for r in sel),
            "deployment_rows": len(sel),
            "donors": ";".join(sorted({r["donor_code"] for r in sel})),
        })
    return pd.DataFrame(rows)


def check_needs(cases: pd.DataFrame, capacities: pd.DataFrame, deployments: pd.DataFrame,
                parameters: Mapping[str, float], *, recipients: Sequence[str], start: date,
                end: date, norms: pd.DataFrame | None = None,
                norm_set: str | None = None) -> NeedsCheck:
    """Compare the model's external staff need at the peak with the staff deployed.

    For each recipient and each day of ``start`` … ``end`` with a known observed census
    (confirmed − deaths − recovered), the model's staff need per cadre is the census times
    :func:`pairaid.needs.per_patient_needs` (with the region's reported severity mix where
    ``cases`` has one, :mod:`pairaid.severity`); the local staff available is
    ``covid_share_staff`` × the recipient's doctors and nurses (``capacities``); the gap
    per cadre is need − available where positive. The model's external need is the
    largest daily sum of the doctor and nurse gaps in the window (the peak); it is
    compared with the staff deployed by ``end`` (:func:`deployed_by`).

    Parameters
    ----------
    cases : pandas.DataFrame
        ``cases`` table.
    capacities : pandas.DataFrame
        ``capacities`` table with ``doctors`` and ``nurses`` rows of every recipient.
    deployments : pandas.DataFrame
        ``deployments`` table.
    parameters : mapping of str to float
        Model parameters (:func:`pairaid.needs.per_patient_needs`, ``covid_share_staff``).
    recipients : sequence of str
        Recipients to check.
    start, end : datetime.date
        Window of the observed census; deployments count up to ``end``.
    norms, norm_set
        Staffing norms (:func:`pairaid.needs.roster_per_patient`).

    Returns
    -------
    NeedsCheck

    Raises
    ------
    pairaid.errors.InputError
        If a recipient has no ``doctors`` or ``nurses`` capacity, or no observed census in
        the window.
    """
    ratios = per_patient_needs(parameters, norms=norms, norm_set=norm_set)
    reported = reported_mixes(cases)
    share = parameters["covid_share_staff"]
    staff_rows = capacities[capacities["resource"].isin(STAFF_RESOURCES)]
    cap = staff_rows.set_index(["region_code", "resource"])["quantity"].astype(float)
    observed: pd.DataFrame = observed_values(
        cases[cases["region_code"].isin(list(recipients))])
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    by_mix: dict[tuple[float, ...], dict[str, float]] = {}

    def _ratios_of(mix: Mapping[str, float]) -> dict[str, float]:
        # staff per patient under a reported mix; a report holds for days, so each mix
        # is worked out once
        key = tuple(mix.values())
        if key not in by_mix:
            by_mix[key] = per_patient_needs(parameters, norms=norms, norm_set=norm_set,
                                            mix=mix)
        return by_mix[key]

    problems: list[Problem] = []
    rows: list[dict[str, object]] = []
    for code in recipients:
        missing = [r for r in STAFF_RESOURCES if (code, r) not in cap.index]
        if missing:
            problems.append(Problem("capacities.csv", f"no {missing} capacity for recipient "
                                    f"{code}", None, "resource"))
            continue
        series = _census_of(observed, code)
        series = series[(series.index >= lo) & (series.index <= hi)].dropna()
        if series.empty:
            problems.append(Problem("cases.csv", f"recipient {code} has no known census "
                                    f"(confirmed − deaths − recovered) from {start} to {end}",
                                    None, "recovered_cum"))
            continue
        census = series.to_numpy(dtype=float)
        per_day = [ratios if mix is None else _ratios_of(mix)
                   for mix in mixes_during(reported, code, list(series.index))]
        need = {r: census * np.array([d[r] for d in per_day]) for r in STAFF_RESOURCES}
        avail = {r: float(cap.loc[(code, r)]) * share  # type: ignore[arg-type]
                 for r in STAFF_RESOURCES}
        gap = {r: np.maximum(need[r] - avail[r], 0.0) for r in STAFF_RESOURCES}
        total = gap["doctors"] + gap["nurses"]
        i = int(np.argmax(total)) if total.max() > 0 else int(np.argmax(census))
        rows.append({
            "recipient_code": code, "peak_date": series.index[i], "peak_census": census[i],
            "need_doctors": need["doctors"][i], "need_nurses": need["nurses"][i],
            "need_staff": need["doctors"][i] + need["nurses"][i],
            "available_doctors": avail["doctors"], "available_nurses": avail["nurses"],
            "model_gap_doctors": gap["doctors"][i], "model_gap_nurses": gap["nurses"][i],
            "model_gap_staff": float(total[i]),
        })
    if problems:
        raise InputError(problems)
    model = pd.DataFrame(rows)
    table = model.merge(deployed_by(deployments, recipients=recipients, as_of=end),
                        on="recipient_code", how="left")
    table["ratio"] = table["model_gap_staff"] / table["deployed_staff"].replace(0, np.nan)
    table = table[list(CHECK_COLUMNS)]
    known = table[table["deployed_staff"].notna()]
    model_total = float(known["model_gap_staff"].sum())
    deployed_total = float(known["deployed_staff"].sum())
    return NeedsCheck(table=table, cities=len(table), cities_with_deployments=len(known),
                      model_gap_total=model_total, deployed_total=deployed_total,
                      ratio=model_total / deployed_total if deployed_total > 0 else float("nan"),
                      spearman=_rank_correlation(known["model_gap_staff"],
                                                 known["deployed_staff"]),
                      spearman_need=_rank_correlation(known["need_staff"],
                                                      known["deployed_staff"]),
                      start=start, end=end)


def _census_of(observed: pd.DataFrame, code: str) -> pd.Series:
    """Observed census of one region, indexed by date (empty if the region has none)."""
    if code not in observed.index.get_level_values(0):
        return pd.Series(dtype=float)
    frame = observed.xs(code, level=0)
    return pd.Series(frame["census"].to_numpy(dtype=float),
                     index=pd.DatetimeIndex(frame.index))


def _rank_correlation(x: pd.Series, y: pd.Series) -> float:
    """Spearman's rho (ties get average ranks); NaN with < 3 points or a constant side."""
    if len(x) < 3 or x.nunique() < 2 or y.nunique() < 2:
        return float("nan")
    # Pearson's r of the average ranks, as scipy.stats.spearmanr computes it (importing
    # scipy.stats would add about 0.5 s to every `pairaid plan`)
    rx = x.astype(float).rank(method="average").to_numpy(dtype=float)
    ry = y.astype(float).rank(method="average").to_numpy(dtype=float)
    return float(np.corrcoef(np.column_stack([rx, ry]), rowvar=False)[1, 0])


def check_window(cases: pd.DataFrame, deployments: pd.DataFrame, recipients: Sequence[str],
                 pairings: pd.DataFrame | None = None) -> tuple[date, date]:
    """Default window of :func:`check_needs`, from the data alone (a copied folder gives the
    same window): from the recipients' first case date to the last day of the month of the
    latest pairing round (Hubei: round 2020-02-10, so 2020-02-29: the first three weeks of
    the pairing, when most teams had arrived), or, without pairings, the last deployment
    figure's date."""
    rows = cases[cases["region_code"].isin(list(recipients))]
    start = pd.Timestamp(rows["date"].min()).date()
    if pairings is not None and len(pairings):
        last_round = pd.Timestamp(pd.to_datetime(pairings["round"]).max())
        end = (last_round + pd.offsets.MonthEnd(0)).date()
    else:
        end = pd.Timestamp(deployments["date"].max()).date()
    return start, end
