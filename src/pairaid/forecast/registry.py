"""Model names the user can pick (``--model``), including ensembles."""

from __future__ import annotations

from functools import partial

from pairaid.errors import ConfigError
from pairaid.forecast.ensemble import ensemble_paths
from pairaid.forecast.models import MODELS, ModelFn

#: Members of the ensembles (chosen by the backtest, docs/forecasting.md): damped log-linear
#: trend, flat level and Richards curve (adding SEIR raised the WIS).
ENSEMBLE_MEMBERS = ("loglinear", "persistence", "richards")

ENSEMBLES: dict[str, ModelFn] = {
    "ensemble": partial(
        ensemble_paths, members=[MODELS[m] for m in ENSEMBLE_MEMBERS], weighting="equal"
    ),
    "ensemble-weighted": partial(
        ensemble_paths, members=[MODELS[m] for m in ENSEMBLE_MEMBERS], weighting="score"
    ),
}

#: The model behind ``model="default"``: the best of the backtest (docs/forecasting.md).
DEFAULT_MODEL = "ensemble"


def model_names() -> list[str]:
    """Names accepted by ``forecast_cases(model=...)`` besides ``"default"``."""
    return sorted({**MODELS, **ENSEMBLES})


def resolve_model(name: str) -> ModelFn:
    """The model function for a name.

    Raises
    ------
    ConfigError
        If the name is unknown (the message lists the valid names).
    """
    key = DEFAULT_MODEL if name == "default" else name
    table = {**MODELS, **ENSEMBLES}
    if key not in table:
        raise ConfigError(
            f"model: unknown model {name!r}; choose one of {['default', *model_names()]}"
        )
    return table[key]
