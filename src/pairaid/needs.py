"""From the forecast census of patients to needs for beds, ICU beds, ventilators and staff.

Severity classes are nested the right way round: every confirmed patient in care occupies a
bed; critical patients are also ICU patients; ventilated patients are also ICU patients.
Staff needs are the headcount on the roster per day (doctors or nurses) that the staffing
norms ask for.

Because every need is a non-negative linear function of the census, the q-quantile of a need
is the same function of the q-quantile of the census; intervals carry through exactly.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

NEED_RESOURCES = ("beds", "icu_beds", "ventilators", "doctors", "nurses")


def per_patient_needs(parameters: Mapping[str, float]) -> dict[str, float]:
    """Expected need per patient in care, by resource.

    Parameters
    ----------
    parameters : mapping of str to float
        ``share_mild``, ``share_severe``, ``share_critical`` [fraction of patients in care],
        ``share_ventilated_of_critical`` [fraction], ``beds_per_patient`` [beds],
        ``doctors_per_ward_patient``, ``nurses_per_ward_patient`` [staff per ward patient],
        ``doctors_per_icu_patient``, ``nurses_per_icu_patient`` [staff per ICU patient].
        Sources are in the data set's ``parameters.csv`` (severity mix: Wu & McGoogan,
        JAMA 2020; ICU staffing: Chinese Society of Critical Care Medicine guideline 2006;
        ward nurses: MOH 2012 norm 0.4 per bed).

    Returns
    -------
    dict of str to float
        ``beds`` [beds], ``icu_beds`` [ICU beds], ``ventilators`` [ventilators],
        ``doctors`` and ``nurses`` [staff on the roster], each per patient in care.

    Examples
    --------
    >>> p = dict(share_mild=0.8, share_severe=0.15, share_critical=0.05,
    ...          share_ventilated_of_critical=0.5, beds_per_patient=1.0,
    ...          doctors_per_ward_patient=0.2, nurses_per_ward_patient=0.4,
    ...          doctors_per_icu_patient=0.8, nurses_per_icu_patient=3.0)
    >>> {k: round(v, 4) for k, v in per_patient_needs(p).items()}
    {'beds': 1.0, 'icu_beds': 0.05, 'ventilators': 0.025, 'doctors': 0.23, 'nurses': 0.53}
    """
    ward = parameters["share_mild"] + parameters["share_severe"]
    icu = parameters["share_critical"]
    return {
        "beds": parameters["beds_per_patient"],
        "icu_beds": icu,
        "ventilators": icu * parameters["share_ventilated_of_critical"],
        "doctors": ward * parameters["doctors_per_ward_patient"]
        + icu * parameters["doctors_per_icu_patient"],
        "nurses": ward * parameters["nurses_per_ward_patient"]
        + icu * parameters["nurses_per_icu_patient"],
    }


def compute_needs(forecast: pd.DataFrame, parameters: Mapping[str, float]) -> pd.DataFrame:
    """Needs per region, day, resource and quantile from the census forecast.

    Parameters
    ----------
    forecast : pandas.DataFrame
        ``forecast`` table: ``region_code``, ``date``, ``target``, ``quantile``, ``value``
        [persons] and optionally ``estimated``; only rows with ``target == "census"`` are
        used.
    parameters : mapping of str to float
        See :func:`per_patient_needs`.

    Returns
    -------
    pandas.DataFrame
        ``needs`` table: ``region_code``, ``date``, ``resource`` (one of
        :data:`NEED_RESOURCES`), ``quantile``, ``value`` [beds, ventilators or staff],
        ``estimated`` (bool).
    """
    census = forecast[forecast["target"] == "census"]
    if "estimated" not in census:
        census = census.assign(estimated=False)
    ratios = per_patient_needs(parameters)
    parts = [census[["region_code", "date", "quantile", "estimated"]]
             .assign(resource=res, value=census["value"].astype(float) * ratio)
             for res, ratio in ratios.items()]
    out = pd.concat(parts, ignore_index=True)
    return out[["region_code", "date", "resource", "quantile", "value", "estimated"]]
