"""Demand forecasting with uncertainty: daily new confirmed cases and hospital census.

Public API: :func:`forecast_cases` (the pipeline's forecast stage), :data:`QUANTILES`,
:func:`severity_census` (nested hospital / ward / ICU / ventilated census),
:func:`model_names`. See ``docs/forecasting.md``.
"""

from pairaid.forecast.api import forecast_cases
from pairaid.forecast.census import LengthOfStay, project_census, severity_census
from pairaid.forecast.quantiles import QUANTILES
from pairaid.forecast.registry import DEFAULT_MODEL, model_names

__all__ = [
    "DEFAULT_MODEL",
    "QUANTILES",
    "LengthOfStay",
    "forecast_cases",
    "model_names",
    "project_census",
    "severity_census",
]
