"""Forecast models: each maps a region's history to sample paths of daily new cases.

Every model is a function ``(series, horizon, rng, n_samples) -> ndarray`` of shape
``(n_samples, horizon)`` [persons/day], fitted to ``series`` (data up to the origin only).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from pairaid.forecast.events import RegionSeries
from pairaid.forecast.models.baselines import exponential_paths, persistence_paths
from pairaid.forecast.models.chime import chime_paths
from pairaid.forecast.models.loglinear import loglinear_paths
from pairaid.forecast.models.richards import richards_paths
from pairaid.forecast.models.seir import seir_paths

ModelFn = Callable[[RegionSeries, int, np.random.Generator, int], np.ndarray]

#: Single models by name (ensembles are built on top, in :mod:`pairaid.forecast.ensemble`).
MODELS: dict[str, ModelFn] = {
    "persistence": persistence_paths,
    "exponential": exponential_paths,
    "loglinear": partial(loglinear_paths, window=14, damping=0.9, trend=True),
    "richards": richards_paths,
    "seir": seir_paths,
    "chime": chime_paths,
}
