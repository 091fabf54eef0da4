"""The planning pipeline behind ``pairaid plan``: data -> forecast -> needs -> gaps -> pairs.

:func:`plan` is pure: it takes a checked :class:`~pairaid.datasets.Dataset` and a
:class:`~pairaid.config.PlanConfig` and returns a :class:`PlanRun` with every table; the CLI
(or the service) writes it with :func:`pairaid.io.write_run`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pairaid.config import PlanConfig
from pairaid.datasets import Dataset, load_builtin
from pairaid.errors import ConfigError, FallbackWarning, InfeasibleError, InputError, Problem
from pairaid.forecast import forecast_cases
from pairaid.forecast.backtest import observed_values
from pairaid.forecast.occupancy import forecast_occupancy, has_occupancy
from pairaid.gaps import compute_gaps, donor_capacities
from pairaid.geo import distance_table
from pairaid.metrics import plan_metrics
from pairaid.needs import compute_needs, default_norm_set, norm_sets, norms_for
from pairaid.needs_check import NeedsCheck, check_needs, check_window
from pairaid.pairing import (
    PairingOptions,
    PairingProblem,
    PairingResult,
    check_stability,
    forbid_costs,
    marginal_values,
    solve,
    stable_pairs,
)
from pairaid.pairing.analysis.changes import change_counts, plan_changes
from pairaid.pairing.analysis.transfer_explain import TransferExplanation, explain_transfers
from pairaid.pairing.formulations.transfer import TransferOptions
from pairaid.parameters import parameter_values, with_overrides
from pairaid.schemas import STAFF_RESOURCES
from pairaid.severity import mixes_on
from pairaid.transfers import TransferPlan, plan_transfers

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


def select_regions(dataset: Dataset, config: PlanConfig) -> tuple[list[str], list[str]]:
    """Recipient and donor codes for a run (defaults in :class:`PlanConfig`).

    Raises
    ------
    pairaid.errors.ConfigError
        If a listed code is not in the data set, a region is both donor and recipient, or
        either list is empty.
    """
    regions = dataset.regions
    known = set(regions["region_code"])
    _check_selectors(regions, config)
    if config.recipients is not None:
        recipients = list(config.recipients)
    else:
        level = config.recipients_level or (None if config.recipients_parent else "prefecture")
        chosen = regions_by(regions, level=level, parent=config.recipients_parent)
        recipients = [c for c in chosen if c not in set(config.exclude_recipients)]
    parents = set(regions.loc[regions["region_code"].isin(recipients), "parent_code"])
    if config.donors is not None:
        donors = list(config.donors)
    else:
        level = config.donors_level or (None if config.donors_parent else "province")
        chosen = regions_by(regions, level=level, parent=config.donors_parent)
        donors = [c for c in chosen if c not in parents and c not in set(recipients)]
    for name, codes in (("recipients", recipients), ("donors", donors)):
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ConfigError(f"setting '{name}': code(s) {dup} listed more than once")
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ConfigError(f"setting '{name}': unknown region code(s) {unknown} "
                              f"(not in the data set's regions.csv)")
        if not codes:
            flag = "--" + name
            level = getattr(config, f"{name}_level")
            parent = getattr(config, f"{name}_parent")
            where = " and ".join(
                ([f"level '{level}'"] if level else []) + ([f"parent_code '{parent}'"]
                                                           if parent else []))
            if name == "recipients":
                default = (f"every row of {where or 'level ' + repr('prefecture')} in "
                           f"regions.csv (less exclude_recipients: "
                           f"{list(config.exclude_recipients)})")
            else:
                default = (f"every row of {where or 'level ' + repr('province')} in "
                           "regions.csv that is neither a recipient nor a recipient's "
                           "parent_code")
            given = getattr(config, name) is not None
            raise ConfigError(
                f"no {name}: {flag} lists no region" if given else
                f"no {name}: by default the {name} are {default}, and this data set has "
                f"none; list them with {flag} CODE,CODE (or {name} = [...] in a --config "
                "file)")
    both = sorted(set(recipients) & set(donors))
    if both:
        raise ConfigError(f"regions {both} are listed both as donors (--donors) and as "
                          "recipients (--recipients); a region cannot support itself")
    forbidden = {tuple(p) for p in config.forbidden_pairs}
    for d, r in config.previous_pairs:
        if d not in donors or r not in recipients:
            raise ConfigError(f"setting 'previous_pairs' (--previous): pair {d}→{r} is not a "
                              "pair of this run's donors and recipients; a team in place "
                              "cannot be kept silently out of the plan")
        if (d, r) in forbidden and config.keep_previous:
            raise ConfigError(f"pair {d}→{r} is both a previous pair (--previous), kept as "
                              "it is, and forbidden (--forbid); give --change-cost to let "
                              "the plan drop previous pairs at a price")
    own = sorted(set(donors) & parents)
    if own:
        raise ConfigError(f"setting 'donors': {own} is the province of some recipients; "
                          "a province cannot be paired with its own divisions (its epidemic "
                          "is the recipients' epidemic)")
    for setting, flag in (("fixed_pairs", "--fix"), ("forbidden_pairs", "--forbid")):
        for d, r in getattr(config, setting):
            why = (_not_a_recipient(r, known, set(config.exclude_recipients), config)
                   if r not in recipients else
                   _not_a_donor(d, known, parents) if d not in donors else None)
            if why:
                raise ConfigError(f"setting '{setting}' ({flag}): pair {d}→{r}: {why}")
    return recipients, donors


def _check_selectors(regions: pd.DataFrame, config: PlanConfig) -> None:
    """A level or parent that no row of ``regions.csv`` has is refused, naming those it has.

    Raises
    ------
    pairaid.errors.ConfigError
    """
    for side in ("recipients", "donors"):
        for kind, column in (("level", "level"), ("parent", "parent_code")):
            value = getattr(config, f"{side}_{kind}")
            present = sorted(set(regions[column].dropna().astype(str)))
            if value is not None and value not in present:
                raise ConfigError(f"setting '{side}_{kind}' (--{side}-{kind}) = '{value}': no "
                                  f"region of regions.csv has {column} '{value}'; known: "
                                  f"{', '.join(present)}")


def regions_by(regions: pd.DataFrame, *, level: str | None = None,
               parent: str | None = None) -> list[str]:
    """Codes of the regions at ``level`` and/or under ``parent`` (``parent_code``), in
    table order; ``None`` places no condition."""
    mask = pd.Series(True, index=regions.index)
    if level is not None:
        mask &= regions["level"].astype(str) == level
    if parent is not None:
        mask &= regions["parent_code"].astype(str) == parent
    return [str(c) for c in regions.loc[mask, "region_code"]]


def _not_a_recipient(code: str, known: set[str], excluded: set[str],
                     config: PlanConfig) -> str:
    if code not in known:
        return f"{code} is not a region of the data set (regions.csv)"
    if code in excluded and config.recipients is None:
        return (f"{code} is excluded from the recipients by default (setting "
                "exclude_recipients); list the recipients with --recipients to include it")
    return f"{code} is not a recipient of this run (see --recipients)"


def _not_a_donor(code: str, known: set[str], parents: set[str]) -> str:
    if code not in known:
        return f"{code} is not a region of the data set (regions.csv)"
    if code in parents:
        return (f"{code} is the province of the recipients and cannot be their donor (its "
                "epidemic is the recipients' epidemic)")
    return f"{code} is not a donor of this run (see --donors)"


def check_inputs(dataset: Dataset, config: PlanConfig, recipients: list[str],
                 donors: list[str]) -> None:
    """Check that the data can support this run, before any work.

    Raises
    ------
    pairaid.errors.ConfigError
        If the decision date is outside the case data of the recipients.
    pairaid.errors.InputError
        If a recipient lacks a ``beds``, ``doctors`` or ``nurses`` capacity, or a donor a
        ``doctors`` or ``nurses`` capacity (file ``capacities.csv``).
    """
    cases = dataset.cases[dataset.cases["region_code"].isin(recipients)]
    if cases.empty:
        shown = ", ".join(recipients[:5]) + (" ..." if len(recipients) > 5 else "")
        raise InputError([Problem(str(dataset.path / "cases.csv"),
                                  f"no case rows for any recipient ({shown}); the recipients "
                                  "(--recipients) must be regions with case counts")])
    first, last = cases["date"].min().date(), cases["date"].max().date()
    if not first <= config.decision_date <= last:
        raise ConfigError(f"setting 'decision_date' = {config.decision_date}: outside the "
                          f"recipients' case data ({first} … {last})")
    have = set(zip(dataset.capacities["region_code"], dataset.capacities["resource"],
                   strict=True))
    problems = []
    for codes, resources in ((recipients, ("beds", "doctors", "nurses")),
                             (donors, STAFF_RESOURCES)):
        for code in codes:
            for res in resources:
                if (code, res) not in have:
                    problems.append(Problem(str(dataset.path / "capacities.csv"),
                                            f"no '{res}' row for region {code}, which this "
                                            "run needs", None, "resource"))
    if problems:
        raise InputError(problems)


def check_forecast(forecast: pd.DataFrame, config: PlanConfig,
                   recipients: list[str]) -> None:
    """Check that a given (external) forecast covers every recipient and day of the horizon.

    Raises
    ------
    pairaid.errors.ConfigError
        Naming the recipients or days without census rows.
    """
    census = forecast[forecast["target"] == "census"]
    start = pd.Timestamp(config.decision_date) + pd.Timedelta(days=1)
    days = pd.date_range(start, periods=config.horizon_days, freq="D")
    missing = [c for c in recipients if c not in set(census["region_code"])]
    if missing:
        raise ConfigError(f"the forecast has no census rows for recipients {missing}")
    inside = census[census["date"].isin(days)]
    short = sorted(c for c, g in inside.groupby("region_code")
                   if g["date"].nunique() < len(days) and c in recipients)
    short += sorted(set(recipients) - set(inside["region_code"]))
    if short:
        raise ConfigError(f"the forecast does not cover every day {days[0].date()} … "
                          f"{days[-1].date()} (decision date + 1 … + horizon) for "
                          f"recipients {sorted(set(short))}")


def decision_window(forecast: pd.DataFrame, config: PlanConfig, recipients: list[str]
                    ) -> tuple[pd.DataFrame, str | None]:
    """Keep only the rows of a given forecast that the plan is about.

    The plan covers the recipients on the days decision date + 1 … + horizon. A Forecast
    Hub file often holds more (other horizons, other locations, or rows dated before the
    forecast: reichlab/covid19-forecast-hub#280, case c0002); planning for them would send
    staff for days already past or not asked about.

    Returns
    -------
    forecast : pandas.DataFrame
        The rows for ``recipients`` dated inside the window.
    note : str or None
        How many rows were left out and why, or None when none was.
    """
    start = pd.Timestamp(config.decision_date) + pd.Timedelta(days=1)
    end = pd.Timestamp(config.decision_date) + pd.Timedelta(days=config.horizon_days)
    dates = pd.to_datetime(forecast["date"])
    early, late = dates < start, dates > end
    other = ~forecast["region_code"].isin(recipients)
    keep = ~(early | late | other)
    if keep.all():
        return forecast, None
    parts = [f"{int(n)} {what}" for n, what in (
        ((early & ~other).sum(), f"dated on or before the decision date {config.decision_date}"),
        ((late & ~other).sum(), f"dated after the horizon ({end.date()}, --horizon "
                                f"{config.horizon_days})"),
        (other.sum(), "for regions that are not recipients of this plan")) if n]
    note = (f"{int((~keep).sum())} of {len(forecast)} rows of the given forecast are outside "
            f"the plan and were ignored: {'; '.join(parts)}. The plan uses "
            f"{start.date()} … {end.date()}.")
    return forecast[keep].reset_index(drop=True), note


def observed_series(cases: pd.DataFrame, region_codes: list[str], *,
                    stock: bool = False) -> pd.DataFrame:
    """Observed daily new confirmed cases and census of ``region_codes``.

    With ``stock``, the census is the reported patients in hospital (``cases.csv``
    ``hospitalised``), as the forecast of such a run is, and ``icu_census`` the reported
    patients in ICU (``icu``).

    Returns
    -------
    pandas.DataFrame
        ``region_code``, ``date``, ``new_confirmed`` [persons/day], ``census`` [persons],
        as :func:`pairaid.forecast.backtest.observed_values` defines them (reported
        increments, negative on re-count days; NaN where unknown); with ``stock`` also
        ``icu_census`` [persons].
    """
    rows = cases[cases["region_code"].isin(region_codes)]
    out = observed_values(rows).reset_index()
    out = out.rename(columns={"level_0": "region_code", "level_1": "date"})
    if stock:
        keys = pd.MultiIndex.from_arrays([out["region_code"], out["date"]])
        for column, target in (("hospitalised", "census"), ("icu", "icu_census")):
            held = rows.set_index(["region_code", "date"])[column].astype(float)
            out[target] = held.reindex(keys).to_numpy()
    return out


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
        **extra,
    )


def official_pairs(dataset: Dataset, config: PlanConfig, recipients: list[str],
                   donors: list[str]) -> list[tuple[str, str]] | None:
    """Pairs of the historical round ``config.official_round`` (``None`` if not asked for).

    Raises
    ------
    pairaid.errors.ConfigError
        If the data set has no pairing of that round, or the round uses a donor or
        recipient outside this run's selection.
    """
    if config.official_round is None:
        return None
    rounds = dataset.pairings
    mask = pd.to_datetime(rounds["round"]) == pd.Timestamp(config.official_round)
    sel = rounds[mask]
    if sel.empty:
        available = sorted({pd.Timestamp(r).date().isoformat() for r in rounds["round"]})
        raise ConfigError(f"setting 'official_round' = {config.official_round}: the data set "
                          f"has no pairing of that round (rounds: {available or 'none'}); "
                          "pass --no-official to plan without the comparison, or choose "
                          "a round with official_round = \"YYYY-MM-DD\" in a --config file")
    pairs = list(zip(sel["donor_code"].astype(str), sel["recipient_code"].astype(str),
                     strict=True))
    outside = [p for p in pairs if p[0] not in donors or p[1] not in recipients]
    if outside:
        shown = ", ".join(f"{d}→{r}" for d, r in outside[:4])
        more = f" and {len(outside) - 4} more" if len(outside) > 4 else ""
        raise ConfigError(f"the official {config.official_round} pairing uses {len(outside)} "
                          f"pair(s) outside this run's donors/recipients ({shown}{more}); "
                          "add --no-official (in TOML: official_round = \"none\") to plan "
                          "without the comparison")
    return pairs


def run_parameter_table(dataset: Dataset) -> pd.DataFrame:
    """The ``parameters`` table a run uses: the data set's, or the built-in hubei-2020 one."""
    return dataset.parameters if len(dataset.parameters) \
        else load_builtin("hubei-2020").parameters


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
        warnings.warn(f"data set {dataset.name} has no parameters.csv: using the parameters of "
                      "the built-in hubei-2020 data set (Hubei, February 2020)", stacklevel=2)
    params = parameter_values(source.parameters, source=str(source.path / "parameters.csv"))
    if config.parameters:
        params = with_overrides(params, dict(config.parameters))
    return params


def plan(dataset: Dataset, config: PlanConfig, *,
         forecast: pd.DataFrame | None = None, workers: int = 1) -> PlanRun:
    """Run the whole planning pipeline (see :func:`_plan`), with every fallback it took
    (:class:`pairaid.errors.FallbackWarning`: a donor without complete case counts, a
    non-finite forecast mean, a failed Hessian) kept in ``metrics["flags"]`` (written to
    ``metrics.json`` and shown in the report) and shown as a warning, once each.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FallbackWarning)
        run = _plan(dataset, config, forecast=forecast, workers=workers)
    flags: list[str] = []
    for w in caught:
        if issubclass(w.category, FallbackWarning):
            if str(w.message) not in flags:
                flags.append(str(w.message))
                warnings.warn(w.message, stacklevel=2)
        else:  # every other warning as it would have been shown
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    run.metrics["flags"] = flags
    return run


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
    if norm_set not in norm_sets(norms):
        raise ConfigError(f"setting 'norms' (--norms) = '{norm_set}': no such staffing "
                          f"norm set; known: {', '.join(norm_sets(norms))}")
    notes: list[str] = []
    occupancy = forecast is None and has_occupancy(dataset.cases, recipients,
                                                   config.decision_date)
    if forecast is not None:
        check_forecast(forecast, config, recipients)
        forecast, note = decision_window(forecast, config, recipients)
        notes += [note] if note else []
    elif occupancy:
        forecast = forecast_occupancy(dataset.cases, region_codes=recipients,
                                      origin=config.decision_date,
                                      horizon_days=config.horizon_days, parameters=params,
                                      model=config.model, seed=config.seed)
        notes.append("census = patients in hospital and in ICU as the data set reports them "
                     "(cases.csv hospitalised, icu), each forecast from its observed value"
                     + ("; the default model forecasts these stocks without its "
                        "recalibration table, which was learnt on the census derived from "
                        "confirmed cases, and pools a small stock's growth with the total's "
                        "(docs/forecasting.md)" if config.model == "default" else ""))
    else:
        forecast = forecast_cases(dataset.cases, region_codes=recipients,
                                  origin=config.decision_date,
                                  horizon_days=config.horizon_days, parameters=params,
                                  model=config.model, seed=config.seed, workers=workers)
    levels = forecast["quantile"].astype(float).unique()
    if not np.isclose(levels, config.planning_quantile).any():
        raise ConfigError(f"setting 'planning_quantile' (--quantile) = "
                          f"{config.planning_quantile}: not a forecast quantile level; use "
                          f"one of {sorted(levels.tolist())}")
    mixes = mixes_on(dataset.cases, recipients, config.decision_date)
    if mixes:
        notes.append("census mix by severity from reported severe and critical patients in "
                     f"care (cases.csv) for {', '.join(sorted(mixes))}; the model mix "
                     "(lengths of stay) elsewhere")
    st = pair_on_forecast(dataset, config, params, forecast=forecast, recipients=recipients,
                          donors=donors, exact=exact, norms=norms, mixes=mixes)
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
            change_cost=None if config.keep_previous else config.change_cost)
        metrics["pairaid"] |= change_counts(changes)
    transfers = None
    if config.transfer == "icu":
        transfers = plan_transfers(
            dataset, forecast=forecast, params=params, recipients=recipients, donors=donors,
            origin=config.decision_date, horizon_days=config.horizon_days,
            quantile=config.planning_quantile, distances=st.distances,
            options=TransferOptions(max_per_day=config.transfer_max_per_day,
                                    max_km=config.transfer_max_km,
                                    time_limit=config.time_limit),
            donor_quantile=config.transfer_donor_quantile, model=config.model,
            seed=config.seed)
        if transfers is None:
            notes.append("--transfer icu: no transfer plan, because the data set does not "
                         "report the ICU census (cases.csv icu) of every recipient and donor "
                         "on the decision date")
        else:
            metrics["transfers"] = transfers.summary()
    return PlanRun(config=config, dataset=dataset, recipients=recipients, donors=donors,
                   parameters=params, problem=st.problem, options=st.options,
                   forecast=forecast, observed=observed_series(dataset.cases, recipients,
                                                               stock=occupancy),
                   needs=st.needs, gaps=st.gaps, donor_capacities=st.caps,
                   distances=st.distances, plan=st.result, official=st.official,
                   metrics=metrics, notes=tuple(notes), needs_check=check,
                   changes=changes, transfers=transfers)


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
            mip_rel_gap=config.mip_rel_gap))
    cap = None
    if official is not None and config.staff_cap_to_official:
        cap = float(official.flows["quantity"].sum())
    options = pairing_options(config, max_total_sent=cap)
    result = solve_in_plan_terms(problem, options)
    return Stages(needs=needs, gaps=gaps, caps=caps, distances=dist, problem=problem,
                  options=options, official=official, cap=cap, result=result)


@dataclass(frozen=True, eq=False)
class Explanation:
    """Why the plan is what it is.

    Attributes
    ----------
    forbid_costs : pandas.DataFrame
        Per chosen pair: objective and shortfall change if it were forbidden
        (:func:`pairaid.pairing.forbid_costs`).
    marginal_values : pandas.DataFrame
        Per recipient: objective decrease from one more team of ``team`` staff
        (:func:`pairaid.pairing.marginal_values`).
    stable_pairs : list of (donor_code, recipient_code)
        Deferred-acceptance pairing from rankings by distance, gap and capacity.
    official_blocking_pairs : list of (donor_code, recipient_code) or None
        Pairs that would rather be matched to each other than keep the official pairing
        (empty = the official pairing is stable under those rankings).
    transfers : TransferExplanation or None
        Why the ICU transfer plan moves what it moves
        (:func:`pairaid.pairing.analysis.transfer_explain.explain_transfers`), for a run with
        transfers.
    """

    forbid_costs: pd.DataFrame
    marginal_values: pd.DataFrame
    stable_pairs: list[tuple[str, str]]
    official_blocking_pairs: list[tuple[str, str]] | None
    team: dict[str, int]
    transfers: TransferExplanation | None = None


TEAM = {"doctors": 30, "nurses": 100}
"""Size of "one more team" in :func:`explain` [staff]: an assumed typical provincial team
of 130 (the Chongqing team of 2020-02-12 had 46 doctors and 96 nurses, medical_teams.csv)."""


def explain(run: PlanRun, *, team: dict[str, int] | None = None) -> Explanation:
    """Explain a plan by re-solving the same model (see :mod:`pairaid.pairing.analysis.explain`).

    Parameters
    ----------
    run : PlanRun
        A finished run.
    team : dict of str to int, optional
        Staff per resource of "one more team" [staff]; default :data:`TEAM`.

    Returns
    -------
    Explanation
    """
    team = dict(team or TEAM)
    forbid = forbid_costs(run.problem, run.options, run.plan)
    forbid["reason"] = forbid["reason"].map(in_plan_terms)
    marginal = marginal_values(run.problem, run.options, team=team, result=run.plan)
    stable = stable_pairs(run.problem, run.options)
    blocking = None
    if run.official is not None:
        official = list(zip(run.official.pairs["donor_code"], run.official.pairs[
            "recipient_code"], strict=True))
        blocking = check_stability(run.problem, official, run.options)
    moves = None
    if run.transfers is not None:
        tp = run.transfers
        moves = explain_transfers(tp.problem, tp.options or TransferOptions(), tp.plan)
    return Explanation(forbid_costs=forbid, marginal_values=marginal, stable_pairs=stable,
                       official_blocking_pairs=blocking, team=team, transfers=moves)


def dispatch(run: PlanRun, *, official: bool = False, team_types: pd.DataFrame | None = None,
             travel_modes: pd.DataFrame | None = None, travel_mode: str = "fastest",
             previous: pd.DataFrame | None = None,
             options: Any = None, supply_norms: pd.DataFrame | None = None,
             supply_stock: dict[str, float] | None = None) -> Any:
    """Schedule the teams of a plan (:func:`pairaid.schedule.dispatch` over a run).

    Parameters
    ----------
    run : PlanRun
        A finished run; its plan's ``flows`` cap the staff on site per pair and cadre and
        its staff ``gaps`` are the need, day by day over the horizon.
    official : bool
        Schedule the official pairing's flows instead of pairaid's plan.
    team_types, travel_modes : pandas.DataFrame, optional
        As :func:`pairaid.schedule.read_team_types` / ``read_travel_modes`` return;
        default the shipped 2020 tables.
    travel_mode : str
        ``"fastest"`` or one mode of ``travel_modes``.
    previous : pandas.DataFrame, optional
        The schedule in force (re-planning): its teams already gone stay.
    options : pairaid.schedule.DispatchOptions, optional
    supply_norms : pandas.DataFrame, optional
        As :func:`pairaid.schedule.supplies.read_supply_norms` returns (default: shipped).
    supply_stock : dict of item to units, optional
        What each donor can ship of an item over the horizon; default unlimited.

    Returns
    -------
    pairaid.schedule.DispatchResult
        With ``supplies`` filled in.

    Raises
    ------
    pairaid.errors.ConfigError
        If ``official`` is asked for a run without an official plan, or as
        :func:`pairaid.schedule.dispatch` and :func:`pairaid.schedule.travel_table`.
    """
    from pairaid.schedule import (
        DispatchProblem,
        read_team_types,
        read_travel_modes,
        travel_table,
    )
    from pairaid.schedule import dispatch as schedule_teams

    plan_ = run.official if official else run.plan
    if plan_ is None:
        raise ConfigError("no official plan in this run to schedule (see --no-official)")
    flows = plan_.flows[plan_.flows["quantity"] > 0]
    pairs = set(zip(flows["donor_code"], flows["recipient_code"], strict=True))
    if previous is not None:
        pairs |= set(zip(previous["donor_code"], previous["recipient_code"], strict=True))
    dist = run.distances[[(d, r) in pairs for d, r in zip(
        run.distances["donor_code"], run.distances["recipient_code"], strict=True)]]
    modes = travel_modes if travel_modes is not None else read_travel_modes()
    problem = DispatchProblem(
        flows=flows, gaps=run.problem.demand,
        travel=travel_table(dist, modes, mode=travel_mode),
        team_types=team_types if team_types is not None else read_team_types(),
        previous=previous, weights=dict(run.problem.weights))
    from dataclasses import replace

    from pairaid.schedule.supplies import read_supply_norms, supply_plan

    result = schedule_teams(problem, options)
    days = pd.date_range(problem.start, periods=problem.days, freq="D")
    norms = supply_norms if supply_norms is not None else read_supply_norms()
    return replace(result, supplies=supply_plan(result.schedule, norms, days,
                                                stock=supply_stock))
