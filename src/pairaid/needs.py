"""From the census of patients in care to needs for beds, ICU beds, ventilators and staff.

Three steps, each with its own function:

1. **Severity of the census** (:func:`census_mix`). Incident cases split into mild
   (non-severe), severe and critical (``share_*``, Wu & McGoogan 2020). Severe and critical
   patients stay longer, so they make up more of the patients *in care* than of new cases.
   In steady state the share of class *i* in the census is
   ``p_i = s_i L_i / sum_j s_j L_j`` with ``s`` the incident shares and ``L`` the mean
   lengths of stay (``los_mild_days``, ``los_severe_days``, ``los_critical_days``).
2. **Roster per patient** (:func:`roster_per_patient`). A norm set gives, per cadre and
   severity, either staff-hours per patient-day (``covid-2020``: the WHO Health Workforce
   Estimator) or staff per patient directly (``ordinary``: the pre-2020 Chinese norms).
   Hours become staff on the roster by dividing by the hours one staff member works per
   calendar day (``shift_hours`` × ``shifts_per_week`` / 7; ``icu_shift_hours`` for
   critical patients) and by ``1 - staff_absence_share`` (staff infected, quarantined or
   exhausted).
3. **Needs** (:func:`compute_needs`): every need is the census times a per-patient ratio.

Severity classes are nested: every patient in care occupies a bed; critical patients are
also ICU patients; ventilated patients are critical. ``icu_nurses`` are part of ``nurses``.
Because every need is a non-negative linear function of the census, the q-quantile of a
need is the same function of the q-quantile of the census; intervals carry through exactly.

References
----------
Wu Z, McGoogan JM. JAMA 2020;323(13):1239-1242 (severity of 44,672 cases).
WHO COVID-19 Essential Supplies Forecasting Tool, Health Workforce Estimator (staff-hours per
patient per 24 h), as in github.com/mrc-ide/esft ``data-raw/hwfe_data.csv``.
Sources of every value: the data set's ``parameters.csv`` and ``data/norms/staffing_norms.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid.errors import ConfigError, InputError, Problem
from pairaid.norms import (
    DEFAULT_NORM_SET,
    NORM_SETS,
    PARAMETER_NORM_SET,
    RATIO_PARAMETERS,
)

SEVERITIES = ("mild", "severe", "critical")
"""Severity classes of patients in care (mild = non-severe: mild and moderate)."""

BED_RESOURCES = ("beds", "icu_beds", "ventilators")
SHIFT_PARAMETERS = ("shift_hours", "icu_shift_hours", "shifts_per_week",
                    "staff_absence_share")
"""Parameters the hours-based norm sets need to turn hours into staff."""
LOS_PARAMETERS = ("los_mild_days", "los_severe_days", "los_critical_days")


@cache
def _builtin_norms() -> pd.DataFrame:
    path = resources.files("pairaid") / "data" / "norms" / "staffing_norms.csv"
    with resources.as_file(path) as file:
        return read_norms(Path(file))


def read_norms(path: Path | None = None) -> pd.DataFrame:
    """Read a staffing-norms table.

    Parameters
    ----------
    path : pathlib.Path, optional
        A CSV with columns ``norm_set``, ``cadre``, ``severity`` (one of
        :data:`SEVERITIES`), ``hours_per_patient_day`` [staff-hours per patient per day] or
        ``staff_per_patient`` [staff on the roster per patient] (exactly one of the two per
        row), ``source``; default: the built-in ``data/norms/staffing_norms.csv``.

    Returns
    -------
    pandas.DataFrame
        The table, with both value columns as floats (NaN where empty).

    Raises
    ------
    pairaid.errors.InputError
        Naming file, line and column of every problem: a missing column, an unknown
        severity, a negative or non-numeric value, both or neither value given, a missing
        source, a (norm_set, cadre, severity) given twice, or a cadre without all three
        severities.
    """
    if path is None:
        return _builtin_norms().copy()
    from pairaid.io import read_table
    from pairaid.schemas import STAFFING_NORMS

    table = read_table(path, STAFFING_NORMS)
    name = str(path)
    problems: list[Problem] = []
    given = table[["hours_per_patient_day", "staff_per_patient"]].notna().sum(axis=1)
    for line in np.flatnonzero((given != 1).to_numpy()) + 2:
        problems.append(Problem(name, "give exactly one of hours_per_patient_day and "
                                "staff_per_patient", int(line), "hours_per_patient_day"))
    for (ns, cadre), grp in table.groupby(["norm_set", "cadre"], sort=False):
        lacking = sorted(set(SEVERITIES) - set(grp["severity"]))
        if lacking:
            problems.append(Problem(name, f"norm set '{ns}', cadre '{cadre}': no row for "
                                    f"severity {lacking}", int(grp.index[0]) + 2, "severity"))
    if problems:
        raise InputError(problems)
    out = table.copy()
    for col in ("hours_per_patient_day", "staff_per_patient"):
        out[col] = out[col].astype(float)
    return out


def parameter_norms(parameters: Mapping[str, float]) -> pd.DataFrame | None:
    """The norm set a data set gives as ratio parameters (:data:`PARAMETER_NORM_SET`), or
    ``None`` if its parameters have none of :data:`RATIO_PARAMETERS`.

    Raises
    ------
    pairaid.errors.ConfigError
        If only some of the four ratio parameters are given.
    """
    given = [n for n in RATIO_PARAMETERS if n in parameters]
    if not given:
        return None
    if len(given) < len(RATIO_PARAMETERS):
        missing = sorted(set(RATIO_PARAMETERS) - set(given))
        raise ConfigError(f"parameters.csv gives {given} but not {missing}: staff-per-patient "
                          "ratios need all four (ward and ICU, doctors and nurses)")
    rows = []
    for cadre in ("doctors", "nurses"):
        ward = parameters[f"{cadre}_per_ward_patient"]
        icu = parameters[f"{cadre}_per_icu_patient"]
        for sev, ratio in (("mild", ward), ("severe", ward), ("critical", icu)):
            rows.append((cadre, sev, ratio))
    icu_nurses = parameters["nurses_per_icu_patient"]
    rows += [("icu_nurses", "mild", 0.0), ("icu_nurses", "severe", 0.0),
             ("icu_nurses", "critical", icu_nurses)]
    return pd.DataFrame({"norm_set": PARAMETER_NORM_SET, "cadre": [r[0] for r in rows],
                         "severity": [r[1] for r in rows],
                         "hours_per_patient_day": np.nan,
                         "staff_per_patient": [float(r[2]) for r in rows],
                         "source": "the data set's parameters.csv"})


def norms_for(parameters: Mapping[str, float],
              norms: pd.DataFrame | None = None) -> pd.DataFrame:
    """``norms`` (default: the built-in table) plus the data set's own ratio norm set."""
    table = _builtin_norms() if norms is None else norms
    own = parameter_norms(parameters)
    if own is None or PARAMETER_NORM_SET in set(table["norm_set"]):
        return table
    return pd.concat([table, own], ignore_index=True)


def default_norm_set(parameters: Mapping[str, float]) -> str:
    """:data:`PARAMETER_NORM_SET` if the parameters give ratios, else :data:`DEFAULT_NORM_SET`."""
    return PARAMETER_NORM_SET if any(n in parameters for n in RATIO_PARAMETERS) \
        else DEFAULT_NORM_SET


def norm_sets(norms: pd.DataFrame | None = None) -> list[str]:
    """Names of the norm sets in ``norms`` (default: the built-in table)."""
    table = _builtin_norms() if norms is None else norms
    return sorted(table["norm_set"].unique())


def check_norm_set(norm_set: str, norms: pd.DataFrame) -> None:
    """Refuse a norm set that ``norms`` (:func:`norms_for` a run's parameters) does not have.

    Raises
    ------
    pairaid.errors.ConfigError
        Naming every known set (:data:`NORM_SETS`, and any other set of ``norms``), or, for
        :data:`PARAMETER_NORM_SET`, saying that the data set gives no ratios.
    """
    present = norm_sets(norms)
    if norm_set in present:
        return
    if norm_set == PARAMETER_NORM_SET:
        raise ConfigError(f"setting 'norms' (--norms) = '{norm_set}': the data set's "
                          "parameters.csv gives no staff-per-patient ratios ("
                          f"{', '.join(RATIO_PARAMETERS)}); add them there or choose "
                          f"another set: {', '.join(present)}")
    known = list(NORM_SETS) + [n for n in present if n not in NORM_SETS]
    raise ConfigError(f"setting 'norms' (--norms) = '{norm_set}': no such staffing norm set; "
                      f"known: {', '.join(known)} ({PARAMETER_NORM_SET} only when the data "
                      "set's parameters.csv gives staff-per-patient ratios)")


def cadres(norms: pd.DataFrame | None = None, norm_set: str = DEFAULT_NORM_SET) -> list[str]:
    """Cadres (staff resources) of one norm set, in table order."""
    table = _builtin_norms() if norms is None else norms
    sel = table[table["norm_set"] == norm_set]
    return list(dict.fromkeys(sel["cadre"]))


def census_mix(parameters: Mapping[str, float]) -> dict[str, float]:
    """Share of patients in care by severity, from incident shares and lengths of stay.

    Parameters
    ----------
    parameters : mapping of str to float
        ``share_mild``, ``share_severe``, ``share_critical`` [fraction of new confirmed
        cases], ``los_mild_days``, ``los_severe_days``, ``los_critical_days`` [days, mean
        length of stay in hospital].

    Returns
    -------
    dict of str to float
        ``{"mild": p, "severe": p, "critical": p}`` [fraction of the census], summing to 1.

    Notes
    -----
    In steady state (admissions constant over a length of stay) the census of class *i* is
    admissions × s_i × L_i (Little's law), so p_i = s_i L_i / Σ_j s_j L_j. When cases are
    rising, recent (mostly mild) admissions weigh more and the true severe share is lower;
    when they fall, higher.

    Examples
    --------
    >>> p = dict(share_mild=0.8, share_severe=0.15, share_critical=0.05,
    ...          los_mild_days=10, los_severe_days=20, los_critical_days=20)
    >>> {k: round(v, 4) for k, v in census_mix(p).items()}
    {'mild': 0.6667, 'severe': 0.25, 'critical': 0.0833}
    """
    if not all(n in parameters for n in LOS_PARAMETERS):
        # no lengths of stay by severity (e.g. a data set with the older parameter set):
        # equal stays, so the census has the incident mix
        return {s: parameters[f"share_{s}"] for s in SEVERITIES}
    weights = {s: parameters[f"share_{s}"] * parameters[f"los_{s}_days"] for s in SEVERITIES}
    total = sum(weights.values())
    if total <= 0:
        raise ConfigError("the severity shares and lengths of stay give an empty census "
                          "mix (every share × length of stay is 0)")
    return {s: w / total for s, w in weights.items()}


def staff_hours_per_day(parameters: Mapping[str, float], severity: str) -> float:
    """Hours one staff member on the roster works per calendar day [h/day].

    ``shift_hours`` (``icu_shift_hours`` for critical patients) × ``shifts_per_week`` / 7.
    """
    shift = parameters["icu_shift_hours"] if severity == "critical" \
        else parameters["shift_hours"]
    return shift * parameters["shifts_per_week"] / 7.0


def roster_per_patient(parameters: Mapping[str, float], *,
                       norms: pd.DataFrame | None = None,
                       norm_set: str | None = None) -> pd.DataFrame:
    """Staff on the roster per patient in care, by cadre and severity.

    Parameters
    ----------
    parameters : mapping of str to float
        ``shift_hours``, ``icu_shift_hours`` [h per shift], ``shifts_per_week``
        [shifts/week], ``staff_absence_share`` [fraction of the roster absent].
    norms : pandas.DataFrame, optional
        Norms table (:func:`read_norms`); default the built-in one. The data set's own
        ratio norm set (:func:`parameter_norms`) is added to it.
    norm_set : str, optional
        Which norm set; default :func:`default_norm_set`.

    Returns
    -------
    pandas.DataFrame
        ``cadre``, ``severity``, ``roster`` [staff per patient]. For hours-based norms,
        roster = hours / :func:`staff_hours_per_day` / (1 − ``staff_absence_share``);
        for ratio norms (``staff_per_patient``) the ratio itself (those norms already count
        a roster).

    Raises
    ------
    pairaid.errors.ConfigError
        If ``norm_set`` is not in the table, or it is hours-based and a parameter of
        :data:`SHIFT_PARAMETERS` is missing.

    Examples
    --------
    One mild patient, 3.5 nurse-hours a day, 6-hour shifts, 6 shifts a week, 5 % absent:
    3.5 / (6 × 6 / 7) / 0.95 = 0.716 nurses on the roster.
    """
    table = norms_for(parameters, norms)
    norm_set = norm_set or default_norm_set(parameters)
    check_norm_set(norm_set, table)
    sel = table[table["norm_set"] == norm_set]
    if sel["hours_per_patient_day"].notna().any():
        missing = [n for n in SHIFT_PARAMETERS if n not in parameters]
        if missing:
            raise ConfigError(f"norm set '{norm_set}' counts staff-hours and needs the "
                              f"parameter(s) {missing} (hours per shift, shifts per week, "
                              "share absent) to turn them into staff; add them to "
                              "parameters.csv or choose --norms ordinary")
    present = 1.0 - parameters.get("staff_absence_share", 0.0)
    rows = []
    for cadre, sev, hours, ratio in zip(sel["cadre"], sel["severity"],
                                        sel["hours_per_patient_day"],
                                        sel["staff_per_patient"], strict=True):
        if pd.notna(ratio):
            roster = float(ratio)
        else:
            roster = float(hours) / staff_hours_per_day(parameters, sev) / present
        rows.append({"cadre": cadre, "severity": sev, "roster": roster})
    return pd.DataFrame(rows, columns=["cadre", "severity", "roster"])


def per_patient_needs(parameters: Mapping[str, float], *,
                      norms: pd.DataFrame | None = None, norm_set: str | None = None,
                      mix: Mapping[str, float] | None = None) -> dict[str, float]:
    """Expected need per patient in care, by resource.

    Parameters
    ----------
    parameters : mapping of str to float
        As :func:`census_mix` and :func:`roster_per_patient`, plus ``beds_per_patient``
        [beds] and ``share_ventilated_of_critical`` [fraction of critical patients].
    norms, norm_set
        As :func:`roster_per_patient`.
    mix : mapping of str to float, optional
        Shares of the census by severity; default :func:`census_mix` of ``parameters``.

    Returns
    -------
    dict of str to float
        ``beds`` [beds], ``icu_beds`` [ICU beds], ``ventilators`` [ventilators] and one entry
        per cadre of the norm set (``doctors``, ``nurses``, ``icu_nurses`` [staff on the
        roster]), each per patient in care.

    Examples
    --------
    >>> p = dict(share_mild=0.8, share_severe=0.15, share_critical=0.05,
    ...          los_mild_days=10, los_severe_days=10, los_critical_days=10,
    ...          share_ventilated_of_critical=0.5, beds_per_patient=1.0,
    ...          shift_hours=6, icu_shift_hours=6, shifts_per_week=7,
    ...          staff_absence_share=0.0)
    >>> {k: round(v, 4) for k, v in per_patient_needs(p, norm_set="ordinary").items()}
    ... # doctest: +NORMALIZE_WHITESPACE
    {'beds': 1.0, 'icu_beds': 0.05, 'ventilators': 0.025, 'doctors': 0.23, 'nurses': 0.53,
     'icu_nurses': 0.15}
    """
    shares = dict(census_mix(parameters) if mix is None else mix)
    roster = roster_per_patient(parameters, norms=norms, norm_set=norm_set)
    out = {
        "beds": parameters["beds_per_patient"],
        "icu_beds": shares["critical"],
        "ventilators": shares["critical"] * parameters["share_ventilated_of_critical"],
    }
    for cadre, grp in roster.groupby("cadre", sort=False):
        out[str(cadre)] = float(sum(shares[s] * r for s, r in
                                    zip(grp["severity"], grp["roster"], strict=True)))
    return out


def compute_needs(forecast: pd.DataFrame, parameters: Mapping[str, float], *,
                  norms: pd.DataFrame | None = None,
                  norm_set: str | None = None,
                  mixes: Mapping[str, Mapping[str, float]] | None = None) -> pd.DataFrame:
    """Needs per region, day, resource and quantile from the census forecast.

    Parameters
    ----------
    forecast : pandas.DataFrame
        ``forecast`` table: ``region_code``, ``date``, ``target``, ``quantile``, ``value``
        [persons] and optionally ``estimated``; only rows with ``target == "census"`` are
        used.
    parameters : mapping of str to float
        See :func:`per_patient_needs`.
    norms, norm_set
        Staffing norms, see :func:`roster_per_patient`.
    mixes : mapping of str to mapping, optional
        Census mix by severity per region (reported counts, :mod:`pairaid.severity`);
        regions not in it get :func:`census_mix` of ``parameters``.

    Returns
    -------
    pandas.DataFrame
        ``needs`` table: ``region_code``, ``date``, ``resource`` (``beds``, ``icu_beds``,
        ``ventilators`` and the norm set's cadres), ``quantile``, ``value`` [beds,
        ventilators or staff on the roster], ``estimated`` (bool).
    """
    census = forecast[forecast["target"] == "census"]
    if "estimated" not in census:
        census = census.assign(estimated=False)
    if "icu_census" in set(forecast["target"]):
        return occupancy_needs(forecast, parameters, norms=norms, norm_set=norm_set)
    base = per_patient_needs(parameters, norms=norms, norm_set=norm_set)
    own = {code: per_patient_needs(parameters, norms=norms, norm_set=norm_set, mix=mix)
           for code, mix in (mixes or {}).items()}
    parts = []
    for res in base:
        ratio = census["region_code"].map(lambda c, r=res: own[c][r] if c in own
                                          else base[r]).astype(float)
        parts.append(census[["region_code", "date", "quantile", "estimated"]]
                     .assign(resource=res, value=census["value"].astype(float) * ratio))
    out = pd.concat(parts, ignore_index=True)
    return out[["region_code", "date", "resource", "quantile", "value", "estimated"]]


def occupancy_needs(forecast: pd.DataFrame, parameters: Mapping[str, float], *,
                    norms: pd.DataFrame | None = None,
                    norm_set: str | None = None) -> pd.DataFrame:
    """Needs from an observed-stock forecast: patients in hospital and in ICU.

    ICU patients (``icu_census``) are the critical class; the other patients in hospital
    (``census`` − ``icu_census``, at the same quantile level) are split into mild and severe
    in the proportions of :func:`census_mix`. Needs of both parts are added.

    Parameters
    ----------
    forecast : pandas.DataFrame
        ``forecast`` table with targets ``census`` (patients in hospital) and
        ``icu_census`` (patients in ICU) [persons].
    parameters, norms, norm_set
        As :func:`compute_needs`.

    Returns
    -------
    pandas.DataFrame
        ``needs`` table as :func:`compute_needs`.

    Notes
    -----
    The two parts are added level by level: the q-quantile of the sum equals the sum of the
    q-quantiles only if hospital and ICU paths move together (they nearly do); otherwise the
    sum is a slight overstatement in the upper levels and understatement in the lower ones.
    """
    keys = ["region_code", "date", "quantile"]
    hosp = forecast[forecast["target"] == "census"]
    icu = forecast[forecast["target"] == "icu_census"]
    both = hosp.merge(icu[keys + ["value"]], on=keys, suffixes=("", "_icu"))
    ward = both.assign(value=np.maximum(both["value"].astype(float)
                                        - both["value_icu"].astype(float), 0.0))
    shares = census_mix(parameters)
    ward_total = shares["mild"] + shares["severe"]
    ward_mix = {"mild": shares["mild"] / ward_total, "severe": shares["severe"] / ward_total,
                "critical": 0.0}
    icu_rows = both.assign(value=both["value_icu"].astype(float))
    codes = set(both["region_code"])
    icu_mix = {"mild": 0.0, "severe": 0.0, "critical": 1.0}
    parts = [compute_needs(ward.drop(columns="value_icu"), parameters, norms=norms,
                           norm_set=norm_set, mixes=dict.fromkeys(codes, ward_mix)),
             compute_needs(icu_rows.drop(columns="value_icu"), parameters, norms=norms,
                           norm_set=norm_set, mixes=dict.fromkeys(codes, icu_mix))]
    out = pd.concat(parts, ignore_index=True)
    out = out.groupby(["region_code", "date", "resource", "quantile"], as_index=False,
                      sort=False).agg(value=("value", "sum"), estimated=("estimated", "any"))
    return out[["region_code", "date", "resource", "quantile", "value", "estimated"]]


def need_resources(norms: pd.DataFrame | None = None,
                   norm_set: str = DEFAULT_NORM_SET) -> tuple[str, ...]:
    """Resources :func:`compute_needs` produces for a norm set."""
    return BED_RESOURCES + tuple(cadres(norms, norm_set))


NEED_RESOURCES = need_resources()
"""Resources of the default norm set's needs table."""
