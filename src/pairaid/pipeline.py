"""The planning pipeline behind ``pairaid plan``: data -> forecast -> needs -> gaps -> pairs.

:func:`plan` is pure: it takes a checked :class:`~pairaid.datasets.Dataset` and a
:class:`~pairaid.config.PlanConfig` and returns a :class:`PlanRun` with every table; the CLI
(or the service) writes it with :func:`pairaid.io.write_run`. Its steps live with their
concept: which regions take part in :mod:`pairaid.selection`, the run's forecast in
:mod:`pairaid.plan_forecast`, ICU transfers in :mod:`pairaid.transfers`; what is done with a
finished run in :mod:`pairaid.explanation` and :mod:`pairaid.run_dispatch`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd

from pairaid.config import TEAM_RATIO_2020, PlanConfig
from pairaid.datasets import Dataset, load_builtin
from pairaid.errors import ConfigError, FallbackWarning, InfeasibleError
from pairaid.gaps import compute_gaps, donor_capacities, uncompared_icu_needs
from pairaid.geo import distance_table
from pairaid.metrics import plan_metrics
from pairaid.needs import check_norm_set, compute_needs, default_norm_set, norms_for
from pairaid.needs_check import NeedsCheck, check_needs, check_window
from pairaid.pairing import PairingOptions, PairingProblem, PairingResult, solve
from pairaid.pairing.analysis.changes import change_counts, plan_changes
from pairaid.parameters import parameter_values, with_overrides
from pairaid.plan_forecast import observed_series, run_forecast
from pairaid.schemas import STAFF_RESOURCES
from pairaid.selection import check_inputs, official_pairs, select_regions
from pairaid.severity import mixes_on
from pairaid.transfers import TransferPlan, run_transfers

OFFICIAL_KEY_PREFIX = "official_"


@dataclass(frozen=True, eq=False)
class PlanRun:
    """Everything one planning run produced.

    Attributes
    ----------
    config : PlanConfig
    dataset : Dataset
    recipients, donors : list of str
    parameters : dict of str to float
    problem, options : PairingProblem, PairingOptions
        What the pairing engine was given for pairaid's plan (to explain or re-solve it).
    forecast, observed, needs, gaps, donor_capacities, distances : pandas.DataFrame
        Tables as in ``docs/design.md``; ``observed`` has ``region_code``, ``date``,
        ``new_confirmed``, ``census`` [persons] over the whole data range.
    plan : PairingResult
        pairaid's plan.
    official : PairingResult or None
        The historical pairing of ``config.official_round``, flows found by the same model.
    metrics : dict
        ``{"pairaid": {...}, "official_<round>": {...}}`` (see
        :func:`pairaid.metrics.plan_metrics`).
    notes : tuple of str
        What the run left out or assumed that the user should know (e.g. rows of a given
        forecast outside the decision window), in the user's terms.
    needs_check : NeedsCheck or None
        The staffing model checked against the staff actually deployed
        (:func:`pairaid.needs_check.check_needs`), when the data set has ``deployments.csv``.
    changes : pandas.DataFrame or None
        With a plan in force (``previous_pairs``): every pair kept, dropped or added, and
        why (:func:`pairaid.pairing.analysis.changes.plan_changes`); None otherwise.
    transfers : TransferPlan or None
        The ICU patient-transfer plan, its fixed-cluster baseline and the comparison with
        the recorded transfers (``config.transfer == "icu"``; :mod:`pairaid.transfers`).
    """

    config: PlanConfig
    dataset: Dataset
    recipients: list[str]
    donors: list[str]
    parameters: dict[str, float]
    problem: PairingProblem
    options: PairingOptions
    forecast: pd.DataFrame
    observed: pd.DataFrame
    needs: pd.DataFrame
    gaps: pd.DataFrame
    donor_capacities: pd.DataFrame
    distances: pd.DataFrame
    plan: PairingResult
    official: PairingResult | None
    metrics: dict[str, Any]
    notes: tuple[str, ...] = ()
    needs_check: NeedsCheck | None = None
    changes: pd.DataFrame | None = None
    transfers: TransferPlan | None = None

    @property
    def official_key(self) -> str:
        """Key of the official plan in :attr:`metrics` (``official_2020_02_10``)."""
        rnd = self.config.official_round
        return OFFICIAL_KEY_PREFIX + (rnd.isoformat().replace("-", "_") if rnd else "none")


PLAN_TERMS = {
    "max_donors_per_recipient": "k (--k, or k_per_recipient in the TOML)",
    "max_recipients_per_donor": "m (--m / --m-donor)",
    "fixed_pairs": "fixed pairs (--fix)",
    "forbidden_pairs": "forbidden pairs (--forbid)",
    "max_distance_km": "max_distance_km (--max-km)",
    "previous_pairs": "previous pairs (--previous)",
    "max_total_sent": "the staff cap (the official plan's total; --no-staff-cap lifts it)",
    "weights": "resource_weights",
}
"""The pairing engine's option names, as the plan's settings and flags call them: engine
messages reach the user in these words (see :func:`solve_in_plan_terms`)."""
_ENGINE_NAME = re.compile(r"\b(" + "|".join(PLAN_TERMS) + r")\b( \([km]\))?")


def solve_in_plan_terms(problem: PairingProblem, options: PairingOptions) -> PairingResult:
    """:func:`pairaid.pairing.solve`, with the engine's option names in its error messages
    replaced by the plan settings and flags a user gave (:data:`PLAN_TERMS`).

    Raises
    ------
    InfeasibleError, ConfigError
        As :func:`pairaid.pairing.solve`, same class, reworded message.
    """
    try:
        return solve(problem, options)
    except (InfeasibleError, ConfigError) as err:
        raise type(err)(in_plan_terms(str(err))) from err


def in_plan_terms(message: str) -> str:
    """``message`` with the engine's option names replaced by :data:`PLAN_TERMS`."""
    return _ENGINE_NAME.sub(lambda hit: PLAN_TERMS[hit.group(1)], message)


def pairing_options(config: PlanConfig, **extra: Any) -> PairingOptions:
    """The pairing engine's options for a run (mode, limits, objective weights, solver).

    ``mode`` overrides ``k``/``m``: ``1:1`` sets both to 1, ``k:1`` sets m = 1, ``1:k``
    sets k = 1.
    """
    k, m = config.k, config.m
    if config.mode in ("1:1", "1:k"):
        k = 1
    if config.mode in ("1:1", "k:1"):
        m = 1
    per_donor = {} if config.mode in ("1:1", "k:1") else dict(config.m_per_donor)
    per_recipient = {} if config.mode in ("1:1", "1:k") else dict(config.k_per_recipient)
    return PairingOptions(
        max_donors_per_recipient=per_recipient or k,
        max_recipients_per_donor=per_donor or m,
        default_max_donors_per_recipient=k,
        default_max_recipients_per_donor=m,
        fixed_pairs=[tuple(p) for p in config.fixed_pairs],  # type: ignore[misc]
        forbidden_pairs=[tuple(p) for p in config.forbidden_pairs],  # type: ignore[misc]
        distance_weight=config.distance_weight,
        max_distance_km=config.max_distance_km,
        burden_max_weight=config.burden_max_weight,
        burden_deviation_weight=config.burden_deviation_weight,
        reserve_share=config.reserve_share,
        previous_pairs=[tuple(p) for p in config.previous_pairs],  # type: ignore[misc]
        keep_previous=config.keep_previous,
        change_cost=config.change_cost,
        time_limit=config.time_limit,
        mip_rel_gap=config.mip_rel_gap,
        team_doctors_per_nurse=config.team_doctors_per_nurse,
        **extra,
    )


def run_parameter_table(dataset: Dataset) -> pd.DataFrame:
    """The ``parameters`` table a run uses: the data set's, or the built-in hubei-2020 one."""
    return dataset.parameters if len(dataset.parameters) \
        else load_builtin("hubei-2020").parameters


def no_parameters(dataset: Dataset) -> str:
    """Why a data set without parameter rows has none, in words: no ``parameters.csv``, or a
    header-only one (read as an empty table, not an error, as for any optional table)."""
    if (dataset.path / "parameters.csv").is_file():
        return f"data set {dataset.name}'s parameters.csv has a header and no rows"
    return f"data set {dataset.name} has no parameters.csv"


def run_parameters(dataset: Dataset, config: PlanConfig) -> dict[str, float]:
    """Model parameters of a run: the data set's ``parameters.csv`` (or, if it has none,
    the built-in ``hubei-2020`` set, with a warning), then the ``--param`` overrides.

    Raises
    ------
    pairaid.errors.InputError
        If the parameters file breaks its checks (:func:`pairaid.parameters.parameter_values`).
    pairaid.errors.ConfigError
        If an override is unknown or breaks the checks.
    """
    source = dataset if len(dataset.parameters) else load_builtin("hubei-2020")
    if source is not dataset:
        warnings.warn(FallbackWarning(
            f"{no_parameters(dataset)}: using the parameters of the "
            "built-in hubei-2020 data set (Hubei, February 2020)"), stacklevel=2)
    params = parameter_values(source.parameters, source=str(source.path / "parameters.csv"))
    if config.parameters:
        params = with_overrides(params, dict(config.parameters))
    return params


def plan(dataset: Dataset, config: PlanConfig, *,
         forecast: pd.DataFrame | None = None, workers: int = 1) -> PlanRun:
    """Run the whole planning pipeline (see :func:`_plan`), with every fallback it took
    (:class:`pairaid.errors.FallbackWarning`: a data set without parameters, a donor without
    complete case counts, a non-finite forecast mean, a failed Hessian) kept in
    ``metrics["flags"]`` (written to ``metrics.json`` and shown in the report and the
    workbook) and shown as a warning, once each (:func:`kept_fallbacks`).
    """
    with kept_fallbacks() as flags:
        run = _plan(dataset, config, forecast=forecast, workers=workers)
    run.metrics["flags"] = flags
    return run


@contextmanager
def kept_fallbacks(seen: Iterable[str] = ()) -> Iterator[list[str]]:
    """Keep the fallbacks taken inside the ``with`` block: the one place a run's fallback
    warnings are collected.

    Parameters
    ----------
    seen : iterable of str
        Messages kept already (the run's ``metrics["flags"]``): neither kept nor warned
        again.

    Yields
    ------
    list of str
        Filled when the block ends: the message of each
        :class:`pairaid.errors.FallbackWarning` raised inside it, once each, in the order
        raised. Each is then warned again once (the terminal's ``warning:`` line, or an
        enclosing ``kept_fallbacks``); every other warning is shown as it would have been.
    """
    flags: list[str] = []
    known = set(seen)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FallbackWarning)
        yield flags
    for w in caught:
        if issubclass(w.category, FallbackWarning):
            if str(w.message) not in known:
                known.add(str(w.message))
                flags.append(str(w.message))
                warnings.warn(w.message, stacklevel=3)
        else:  # every other warning as it would have been shown
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _plan(dataset: Dataset, config: PlanConfig, *,
          forecast: pd.DataFrame | None = None, workers: int = 1) -> PlanRun:
    """Run the whole planning pipeline.

    Parameters
    ----------
    dataset : Dataset
        Checked input tables.
    config : PlanConfig
        Run options.
    forecast : pandas.DataFrame, optional
        A ``forecast`` table to use instead of pairaid's own (for example read from a
        Forecast Hub file); it must have census rows at the planning quantile.
    workers : int
        Processes that draw the case forecast's paths (``forecast_cases(workers=...)``);
        the run is the same with any number.

    Returns
    -------
    PlanRun

    Raises
    ------
    pairaid.errors.PairaidError
        ConfigError for bad settings, InputError for bad data, InfeasibleError when no
        pairing satisfies the limits (with the reason in words).
    """
    recipients, donors = select_regions(dataset, config)
    check_inputs(dataset, config, recipients, donors)
    exact = official_pairs(dataset, config, recipients, donors)
    params = run_parameters(dataset, config)
    norms = norms_for(params)
    norm_set = config.norms or default_norm_set(params)
    check_norm_set(norm_set, norms)
    forecast, occupancy, notes = run_forecast(dataset, config, params, recipients, forecast,
                                              workers=workers)
    notes += dataset.notes  # the data's plausibility notes (a spike replaced, a capacity)
    mixes = mixes_on(dataset.cases, recipients, config.decision_date)
    if mixes:
        notes.append("census mix by severity from reported severe and critical patients in "
                     f"care (cases.csv) for {', '.join(sorted(mixes))}; the model mix "
                     "(lengths of stay) elsewhere")
    st = pair_on_forecast(dataset, config, params, forecast=forecast, recipients=recipients,
                          donors=donors, exact=exact, norms=norms, mixes=mixes)
    notes += team_note(st.result.flows, config.team_doctors_per_nurse)
    notes += icu_capacity_note(st.needs, dataset.capacities,
                               quantile=config.planning_quantile, recipients=recipients)
    metrics: dict[str, Any] = {"pairaid": plan_metrics(st.result, st.gaps, st.caps)}
    if st.official is not None:
        key = OFFICIAL_KEY_PREFIX + config.official_round.isoformat().replace("-", "_")  # type: ignore[union-attr]
        metrics[key] = plan_metrics(st.official, st.gaps, st.caps)
    metrics["staff_cap"] = st.cap
    metrics["norms"] = norm_set
    check = None
    if dataset.deployments is not None and not dataset.deployments.empty:
        first, last = check_window(dataset.cases, dataset.deployments, recipients,
                                   dataset.pairings)
        check = check_needs(dataset.cases, dataset.capacities, dataset.deployments, params,
                            recipients=recipients, start=first, end=last, norms=norms,
                            norm_set=norm_set)
        metrics["needs_check"] = check.summary()
    changes = None
    if config.previous_pairs:
        supply, demand = st.problem.supply, st.problem.demand
        capacity = supply.groupby("donor_code")["capacity"].sum()
        peak_gap = demand.groupby("recipient_code")["gap"].max()
        changes = plan_changes(
            [(str(p[0]), str(p[1])) for p in config.previous_pairs], st.result.pairs,
            capacity={str(k): float(v) for k, v in capacity.items()},
            peak_gap={str(k): float(v) for k, v in peak_gap.items()},
            change_cost=None if config.keep_previous else config.change_cost,
            fixed=config.fixed_pairs, forbidden=config.forbidden_pairs)
        metrics["pairaid"] |= change_counts(changes)
    transfers = None
    if config.transfer == "icu":
        transfers, note = run_transfers(dataset, config, forecast=forecast, params=params,
                                        recipients=recipients, donors=donors,
                                        distances=st.distances)
        notes += [note] if note else []
        if transfers is not None:
            metrics["transfers"] = transfers.summary()
    return PlanRun(config=config, dataset=dataset, recipients=recipients, donors=donors,
                   parameters=params, problem=st.problem, options=st.options,
                   forecast=forecast, observed=observed_series(dataset.cases, recipients,
                                                               stock=occupancy),
                   needs=st.needs, gaps=st.gaps, donor_capacities=st.caps,
                   distances=st.distances, plan=st.result, official=st.official,
                   metrics=metrics, notes=tuple(notes), needs_check=check,
                   changes=changes, transfers=transfers)


ICU_NOTE_NAMED = 3
"""Regions named one by one in the unknown-ICU-capacity note; beyond that the note gives
their number, the sum of their peaks and the largest three (a console line, not a table)."""


def icu_capacity_note(needs: pd.DataFrame, capacities: pd.DataFrame, *, quantile: float,
                      recipients: list[str]) -> list[str]:
    """The run's note naming the recipients whose ICU need is not compared with a capacity
    (no ``icu_beds`` row in capacities.csv; :func:`pairaid.gaps.uncompared_icu_needs`), with
    their peak ICU need [ICU beds] (at most :data:`ICU_NOTE_NAMED` named, the largest, with
    the number and the sum of the peaks when there are more); no note when every ICU need
    has a capacity (c0003)."""
    peak = uncompared_icu_needs(needs, capacities, quantile=quantile, regions=recipients)
    if peak.empty:
        return []
    if len(peak) <= ICU_NOTE_NAMED:
        named = ", ".join(f"{code} (peak {value:,.1f})" for code, value in peak.items())
    else:
        top = peak.sort_values(ascending=False, kind="stable").head(ICU_NOTE_NAMED)
        named = (f"{len(peak)} recipients (their peak ICU needs add up to {peak.sum():,.1f}; "
                 "the largest: "
                 + ", ".join(f"{code} (peak {value:,.1f})" for code, value in top.items())
                 + "; each region's in needs.csv)")
    return [f"ICU capacity unknown (no icu_beds row in capacities.csv) for {named}: their "
            "ICU need [ICU beds, needs.csv] is not compared with a capacity, so gaps.csv has "
            "no ICU row for them and an ICU shortage there is not shown"]


def team_note(flows: pd.DataFrame, ratio: float) -> list[str]:
    """A note when a plan sends nurses with fewer doctors than the 2020 teams had and no
    team rule is set, so that a nurses-only plan is not read as a team roster.

    Parameters
    ----------
    flows : pandas.DataFrame
        ``resource``, ``quantity`` [staff] (a pairing result's flows).
    ratio : float
        The run's ``team_doctors_per_nurse`` [doctors/nurse].

    Returns
    -------
    list of str
        One note, or none (a rule set, no nurses sent, or doctors at the 2020 share).
    """
    sent = flows.groupby("resource")["quantity"].sum()
    nurses, doctors = float(sent.get("nurses", 0.0)), float(sent.get("doctors", 0.0))
    if ratio > 0 or nurses <= 0 or doctors >= TEAM_RATIO_2020 * nurses:
        return []
    return [f"the plan sends {nurses:,.0f} nurses and {doctors:,.0f} doctors: they meet the "
            "gap, which is nurses, but no team rule is set (team_doctors_per_nurse = 0), so "
            "the nurses go without doctors of their own; the 2020 teams had about "
            f"{TEAM_RATIO_2020:g} doctors per nurse (1,003 : 1,681 on 2020-02-12). Set "
            f"team_doctors_per_nurse = {TEAM_RATIO_2020:g} (the default; "
            "--team-doctors-per-nurse) to plan whole teams (docs/needs.md, section 5)"]


@dataclass(frozen=True, eq=False)
class Stages:
    """Tables and results of the stages after the forecast (see :func:`pair_on_forecast`)."""

    needs: pd.DataFrame
    gaps: pd.DataFrame
    caps: pd.DataFrame
    distances: pd.DataFrame
    problem: PairingProblem
    options: PairingOptions
    official: PairingResult | None
    cap: float | None
    result: PairingResult


def pair_on_forecast(dataset: Dataset, config: PlanConfig, params: dict[str, float], *,
                     forecast: pd.DataFrame, recipients: list[str], donors: list[str],
                     exact: list[tuple[str, str]] | None,
                     norms: pd.DataFrame | None = None,
                     mixes: Mapping[str, Mapping[str, float]] | None = None) -> Stages:
    """Needs, gaps, donor capacities and both pairings (official and pairaid's) from a
    forecast: the part of :func:`plan` after forecasting, reused by the sensitivity run.

    Raises
    ------
    pairaid.errors.InfeasibleError, pairaid.errors.ConfigError
        As :func:`solve_in_plan_terms`.
    """
    needs = compute_needs(forecast, params, norms=norms, norm_set=config.norms, mixes=mixes)
    gaps = compute_gaps(needs, dataset.capacities, quantile=config.planning_quantile,
                        parameters=params)
    caps = donor_capacities(dataset.capacities, dataset.cases, donors=donors,
                            decision_date=config.decision_date, parameters=params,
                            norm_set=config.norms)
    unknown = sorted(set(caps.loc[~caps["own_need_known"].astype(bool), "donor_code"]))
    if unknown:
        warnings.warn(FallbackWarning(
            f"donor(s) {', '.join(unknown)} have no complete case counts on "
            f"{config.decision_date:%Y-%m-%d} (cases.csv): their own COVID-19 need is taken "
            "as 0, so all their deployable staff count as free to send"), stacklevel=2)
    if dataset.distances is not None:
        dist = dataset.distances[dataset.distances["donor_code"].isin(donors)
                                 & dataset.distances["recipient_code"].isin(recipients)]
    else:
        dist = distance_table(dataset.regions, donors, recipients)
    staff = gaps[gaps["resource"].isin(STAFF_RESOURCES)]
    problem = PairingProblem(
        supply=caps[["donor_code", "resource", "capacity"]],
        demand=staff[["region_code", "resource", "date", "gap"]]
        .rename(columns={"region_code": "recipient_code"}),
        distances=dist[["donor_code", "recipient_code", "distance_km"]],
        weights=dict(config.resource_weights),
    )
    official = None
    if exact:
        # the historical plan as announced: only its pairs; flows by the same model
        official = solve(problem, PairingOptions(
            exact_pairs=exact, distance_weight=config.distance_weight,
            reserve_share=config.reserve_share, time_limit=config.time_limit,
            mip_rel_gap=config.mip_rel_gap,
            team_doctors_per_nurse=config.team_doctors_per_nurse))
    cap = None
    if official is not None and config.staff_cap_to_official:
        # the staff the cap counts (all but the team doctors: pairaid.pairing.teams)
        cap = float(official.measures["staff_capped"])
    options = pairing_options(config, max_total_sent=cap)
    result = solve_in_plan_terms(problem, options)
    return Stages(needs=needs, gaps=gaps, caps=caps, distances=dist, problem=problem,
                  options=options, official=official, cap=cap, result=result)
