"""One-at-a-time sensitivity of a plan to its model parameters.

Every parameter with a plausible range (columns ``low`` and ``high`` of the data set's
``parameters.csv``) is set to its low and then its high value, all others kept, and the
stages after the forecast (needs, gaps, donor capacities, both pairings) are run again on
the same forecast. Parameters that change the forecast itself (``los_mean_days``,
``los_shape``) carry no range and are not varied here.
"""

from __future__ import annotations

import pandas as pd

from pairaid.errors import PairaidError
from pairaid.needs import norms_for
from pairaid.parameters import parameter_ranges
from pairaid.pipeline import PlanRun, pair_on_forecast, run_parameter_table
from pairaid.schemas import STAFF_RESOURCES
from pairaid.selection import official_pairs
from pairaid.severity import mixes_on

SENSITIVITY_COLUMNS = (
    "parameter", "end", "value", "base_value", "unit", "gap_staff_days", "gap_change_share",
    "shortfall_staff_days", "cities_with_gap", "pairs_changed", "status", "source",
)
"""Columns of ``sensitivity.csv``: one row per parameter and end (``low``/``high``), plus a
``base`` row; ``gap_staff_days`` [staff-days over the horizon, doctors + nurses],
``gap_change_share`` [fraction, (gap − base gap) / base gap], ``shortfall_staff_days`` of
pairaid's plan, ``cities_with_gap``, ``pairs_changed`` (pairs added plus pairs dropped
against the base plan), ``status`` (solver status, or the error when the variant fails)."""


def _staff_gap(gaps: pd.DataFrame) -> tuple[float, int]:
    staff = gaps[gaps["resource"].isin(STAFF_RESOURCES)]
    per_city = staff.groupby("region_code")["gap"].sum()
    return float(per_city.sum()), int((per_city > 0).sum())


def _pairs(result: object) -> set[tuple[str, str]]:
    pairs = result.pairs  # type: ignore[attr-defined]
    return set(zip(pairs["donor_code"], pairs["recipient_code"], strict=True))


def sensitivity(run: PlanRun) -> pd.DataFrame:
    """One-at-a-time low/high runs of every parameter with a plausible range.

    Parameters
    ----------
    run : PlanRun
        A finished run (its forecast, regions and settings are reused).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SENSITIVITY_COLUMNS`, the ``base`` row first, then the variants
        sorted by how far they move the total staff gap (largest first).
    """
    table = run_parameter_table(run.dataset)
    ranges = parameter_ranges(table)
    exact = official_pairs(run.dataset, run.config, run.recipients, run.donors)
    mixes = mixes_on(run.dataset.cases, run.recipients, run.config.decision_date)
    base_gap, base_cities = _staff_gap(run.gaps)
    base_pairs = _pairs(run.plan)
    rows = [{"parameter": "(base)", "end": "base", "value": float("nan"),
             "base_value": float("nan"), "unit": "", "gap_staff_days": base_gap,
             "gap_change_share": 0.0,
             "shortfall_staff_days": float(run.plan.shortfall["shortfall"].sum()),
             "cities_with_gap": base_cities, "pairs_changed": 0,
             "status": run.plan.status, "source": ""}]
    variants = []
    for rng in ranges.itertuples():
        for end in ("low", "high"):
            value = float(getattr(rng, end))  # type: ignore[arg-type]
            params = dict(run.parameters)
            params[str(rng.name)] = value
            row = {"parameter": rng.name, "end": end, "value": value,
                   "base_value": run.parameters.get(str(rng.name),
                                                    float(rng.value)),  # type: ignore[arg-type]
                   "unit": rng.unit, "source": rng.source}
            try:
                st = pair_on_forecast(run.dataset, run.config, params, forecast=run.forecast,
                                      recipients=run.recipients, donors=run.donors,
                                      exact=exact, norms=norms_for(params), mixes=mixes)
            except PairaidError as err:
                variants.append(row | {"gap_staff_days": float("nan"),
                                       "gap_change_share": float("nan"),
                                       "shortfall_staff_days": float("nan"),
                                       "cities_with_gap": 0, "pairs_changed": 0,
                                       "status": f"failed: {err}"})
                continue
            gap, cities = _staff_gap(st.gaps)
            variants.append(row | {
                "gap_staff_days": gap,
                "gap_change_share": (gap - base_gap) / base_gap if base_gap > 0
                else float("nan"),
                "shortfall_staff_days": float(st.result.shortfall["shortfall"].sum()),
                "cities_with_gap": cities,
                "pairs_changed": len(_pairs(st.result) ^ base_pairs),
                "status": st.result.status})
    out = pd.DataFrame(variants, columns=list(SENSITIVITY_COLUMNS))
    if len(out):
        swing = out.groupby("parameter")["gap_change_share"].transform(
            lambda s: s.abs().max())
        out = out.assign(_swing=swing.fillna(-1)).sort_values(
            ["_swing", "parameter", "end"], ascending=[False, True, False]).drop(
            columns="_swing")
    return pd.concat([pd.DataFrame(rows, columns=list(SENSITIVITY_COLUMNS)), out],
                     ignore_index=True)
