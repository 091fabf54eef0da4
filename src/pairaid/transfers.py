"""Patient transfers in a plan run: ICU overflow, donors' spare beds, comparison with history.

Capacity of a region for COVID-19 ICU patients = ``icu_beds`` × ``covid_share_icu_beds``.
A recipient's *overflow* is its forecast ICU census above that (at the planning quantile,
rounded up to whole patients); a donor's *spare* beds are its capacity × (1 −
``icu_reserve_share``) − its own forecast ICU census at the same quantile (rounded down).
The model is :mod:`pairaid.pairing.formulations.transfer`; a moved patient stays ``icu_los_days``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from pairaid.config import PlanConfig
from pairaid.forecast.occupancy import forecast_occupancy, has_occupancy
from pairaid.pairing.formulations.transfer import (
    TransferOptions,
    TransferProblem,
    TransferResult,
    pairs_within,
    solve_transfers,
)


@dataclass(frozen=True, eq=False)
class TransferPlan:
    """pairaid's transfer plan, the fixed-cluster baseline and the comparison with history.

    Attributes
    ----------
    problem : TransferProblem
    plan, clusters : TransferResult
        pairaid's plan and the baseline with transfers only inside a cluster (or None).
    cluster_of : dict of str to str
    comparison : pandas.DataFrame
        ``as_of_date``, ``recorded_since_decision`` (recorded cumulative count minus the
        count on the decision date) [patients], ``pairaid`` (patients pairaid's plan has
        moved from the same region by then) [patients], ``source``.
    no_transfer_patient_days : float
        Patient-days without a bed if nobody is moved [patient-days].
    """

    problem: TransferProblem
    plan: TransferResult
    clusters: TransferResult | None
    cluster_of: dict[str, str]
    comparison: pd.DataFrame
    no_transfer_patient_days: float
    quantile: float
    donor_quantile: float
    options: TransferOptions | None = None

    def tables(self, origin: date) -> dict[str, pd.DataFrame]:
        """Run-folder tables (``day`` turned into ISO ``date``): ``transfers``,
        ``transfer_unserved``, ``transfer_comparison`` and ``cluster_transfers``."""
        def dated(frame: pd.DataFrame) -> pd.DataFrame:
            days = pd.to_timedelta(frame["day"].astype(int) + 1, unit="D")
            out = frame.assign(date=(pd.Timestamp(origin) + days).dt.date.astype(str))
            return out.drop(columns="day")
        out = {"transfers": dated(self.plan.transfers),
               "transfer_unserved": dated(self.plan.unserved),
               "transfer_comparison": self.comparison}
        if self.clusters is not None:
            out["cluster_transfers"] = dated(self.clusters.transfers)
        return out

    def summary(self) -> dict[str, object]:
        """Figures for ``metrics.json`` and the terminal."""
        def figures(result: TransferResult) -> dict[str, object]:
            return {"patients_moved": int(result.transfers["patients"].sum()),
                    "unserved_patient_days": result.unserved_patient_days,
                    "peak_unserved": float(result.unserved.groupby("day")["unserved"].sum()
                                           .max()) if len(result.unserved) else 0.0,
                    "patient_km": result.patient_km, "status": str(result.status),
                    "mip_gap": (float(result.mip_gap) if np.isfinite(result.mip_gap)
                                else None),
                    "donors_used": int(result.transfers["donor_code"].nunique())}
        out: dict[str, object] = {
            "quantile": self.quantile, "donor_quantile": self.donor_quantile,
            "stay_days": self.problem.stay_days,
            "no_transfer_unserved_patient_days": self.no_transfer_patient_days,
            "pairaid": figures(self.plan)}
        if self.clusters is not None:
            out["cluster_rule"] = figures(self.clusters)
        return out


def _icu_capacity(capacities: pd.DataFrame, params: Mapping[str, float]) -> pd.Series:
    icu = capacities[capacities["resource"] == "icu_beds"].set_index("region_code")
    return icu["quantity"].astype(float) * params.get("covid_share_icu_beds", 1.0)


def icu_forecast(forecast: pd.DataFrame, quantile: float, origin: date) -> pd.DataFrame:
    """``region_code``, ``day`` (0 = decision date + 1), ``icu`` [patients] at ``quantile``."""
    rows = forecast[(forecast["target"] == "icu_census")
                    & np.isclose(forecast["quantile"].astype(float), quantile)]
    day = (pd.to_datetime(rows["date"]) - pd.Timestamp(origin)).dt.days - 1
    return pd.DataFrame({"region_code": rows["region_code"].to_numpy(),
                         "day": day.to_numpy(), "icu": rows["value"].astype(float).to_numpy()})


def transfer_problem(recipient_icu: pd.DataFrame, donor_icu: pd.DataFrame,
                     capacities: pd.DataFrame, params: Mapping[str, float],
                     distances: pd.DataFrame) -> TransferProblem:
    """Overflow and spare beds from ICU census forecasts (see the module docstring).

    Parameters
    ----------
    recipient_icu, donor_icu : pandas.DataFrame
        ``region_code``, ``day``, ``icu`` [patients] (:func:`icu_forecast`).
    capacities : pandas.DataFrame
        ``capacities`` table (``icu_beds`` rows).
    params : mapping
        ``covid_share_icu_beds``, ``icu_reserve_share``, ``icu_los_days``.
    distances : pandas.DataFrame
        ``donor_code``, ``recipient_code``, ``distance_km``.
    """
    cap = _icu_capacity(capacities, params)
    r = recipient_icu.assign(cap=recipient_icu["region_code"].map(cap).fillna(0.0))
    overflow = pd.DataFrame({"recipient_code": r["region_code"], "day": r["day"],
                             "overflow": np.ceil(np.maximum(r["icu"] - r["cap"], 0.0) - 1e-9)})
    reserve = params.get("icu_reserve_share", 0.0)
    d = donor_icu.assign(cap=donor_icu["region_code"].map(cap).fillna(0.0))
    spare = pd.DataFrame({"donor_code": d["region_code"], "day": d["day"],
                          "spare": np.floor(np.maximum(d["cap"] * (1 - reserve) - d["icu"],
                                                       0.0) + 1e-9)})
    return TransferProblem(overflow=overflow.reset_index(drop=True),
                           spare=spare.reset_index(drop=True), distances=distances,
                           stay_days=max(int(round(params.get("icu_los_days", 7.0))), 1))


def nuts1_clusters(regions: pd.DataFrame) -> dict[str, str]:
    """Region -> its NUTS-1 macro-region (first three characters of ``nuts2_code``): Italy's
    five groups of neighbouring regions (North-West, North-East, Centre, South, Islands);
    empty without a ``nuts2_code`` column."""
    if "nuts2_code" not in regions:
        return {}
    return {str(c): str(n)[:3] for c, n in zip(regions["region_code"], regions["nuts2_code"],
                                                strict=True) if isinstance(n, str)}


def compare_with_recorded(result: TransferResult, recorded: pd.DataFrame | None,
                          origin: date) -> pd.DataFrame:
    """Recorded cumulative transfers after the decision date beside pairaid's plan.

    Only rows counted in patients of all groups to all destinations are compared; the
    count on (or last before) the decision date is subtracted from later counts.
    """
    cols = ["as_of_date", "from_region_code", "recorded_cumulative",
            "recorded_since_decision", "pairaid", "source"]
    if recorded is None or recorded.empty:
        return pd.DataFrame(columns=cols)
    rec = recorded[(recorded["count_unit"] == "patients") & (recorded["patient_group"] == "all")
                   & recorded["to_code"].isna()].sort_values("as_of_date")
    rows = []
    for code, grp in rec.groupby("from_region_code"):
        before = grp[grp["as_of_date"] <= pd.Timestamp(origin)]
        base = int(before["count"].iloc[-1]) if len(before) else 0
        moved = result.transfers[result.transfers["recipient_code"] == code]
        later = grp[grp["as_of_date"] > pd.Timestamp(origin)]
        for when, count, source in zip(later["as_of_date"], later["count"], later["source"],
                                       strict=True):
            stamp = pd.Timestamp(when)
            day = (stamp - pd.Timestamp(origin)).days - 1
            rows.append({"as_of_date": stamp.date().isoformat(),
                         "from_region_code": code, "recorded_cumulative": int(count),
                         "recorded_since_decision": int(count) - base,
                         "pairaid": int(moved.loc[moved["day"] <= day, "patients"].sum()),
                         "source": source})
    return pd.DataFrame(rows, columns=cols)


def plan_transfers(dataset: object, *, forecast: pd.DataFrame, params: Mapping[str, float],
                   recipients: Sequence[str], donors: Sequence[str], origin: date,
                   horizon_days: int, quantile: float, distances: pd.DataFrame,
                   options: TransferOptions, donor_quantile: float = 0.5,
                   model: str = "default", seed: int = 0) -> TransferPlan | None:
    """ICU transfer plan of a run (None when the data set reports no ICU census).

    ``dataset`` is a :class:`pairaid.datasets.Dataset`; the donors' own ICU census is
    forecast here from their reported ICU stock, like the recipients', and taken at
    ``donor_quantile``; the recipients' at ``quantile``.
    """
    cases = dataset.cases  # type: ignore[attr-defined]
    if "icu_census" not in set(forecast["target"]) or not has_occupancy(cases, donors, origin):
        return None
    own = forecast_occupancy(cases, region_codes=list(donors), origin=origin,
                             horizon_days=horizon_days, parameters=params, model=model,
                             seed=seed)
    problem = transfer_problem(icu_forecast(forecast, quantile, origin),
                               icu_forecast(own, donor_quantile, origin),
                               dataset.capacities, params, distances)  # type: ignore[attr-defined]
    plan = solve_transfers(problem, options)
    groups = nuts1_clusters(dataset.regions)  # type: ignore[attr-defined]
    clusters = None
    if groups:
        clusters = solve_transfers(problem, TransferOptions(
            max_per_day=options.max_per_day, max_km=options.max_km,
            allowed_pairs=pairs_within(groups, donors, recipients),
            time_limit=options.time_limit))
    comparison = compare_with_recorded(plan, dataset.transfers, origin)  # type: ignore[attr-defined]
    return TransferPlan(problem=problem, plan=plan, clusters=clusters, cluster_of=groups,
                        comparison=comparison,
                        no_transfer_patient_days=float(problem.overflow["overflow"].sum()),
                        quantile=quantile, donor_quantile=donor_quantile, options=options)


NO_ICU_CENSUS = ("--transfer icu: no transfer plan, because the data set does not report the "
                 "ICU census (cases.csv icu) of every recipient and donor on the decision date")
"""The run's note when :func:`run_transfers` finds no ICU census to plan transfers on."""


def run_transfers(dataset: object, config: PlanConfig, *, forecast: pd.DataFrame,
                  params: Mapping[str, float], recipients: Sequence[str],
                  donors: Sequence[str], distances: pd.DataFrame
                  ) -> tuple[TransferPlan | None, str]:
    """:func:`plan_transfers` with a plan run's settings (``config.transfer == "icu"``).

    Returns
    -------
    transfers : TransferPlan or None
    note : str
        :data:`NO_ICU_CENSUS` when ``transfers`` is None (the note the run shows), else the
        transfer plan's own notes (a time limit that ran out before any plan), or "".
    """
    transfers = plan_transfers(
        dataset, forecast=forecast, params=params, recipients=recipients, donors=donors,
        origin=config.decision_date, horizon_days=config.horizon_days,
        quantile=config.planning_quantile, distances=distances,
        options=TransferOptions(max_per_day=config.transfer_max_per_day,
                                max_km=config.transfer_max_km,
                                time_limit=config.time_limit),
        donor_quantile=config.transfer_donor_quantile, model=config.model,
        seed=config.seed)
    if transfers is None:
        return None, NO_ICU_CENSUS
    return transfers, "; ".join(f"--transfer icu: {n}" for n in transfers.plan.notes)
