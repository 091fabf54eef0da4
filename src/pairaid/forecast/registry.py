"""Model names the user can pick (``--model``), including ensembles."""

from __future__ import annotations

from pairaid.errors import ConfigError
from pairaid.forecast.models import MODELS, ModelFn

#: The model behind ``model="default"``: the best of the backtest (docs/forecasting.md).
DEFAULT_MODEL = "loglinear"


def model_names() -> list[str]:
    """Names accepted by ``forecast_cases(model=...)`` besides ``"default"``."""
    return sorted(MODELS)


def resolve_model(name: str) -> ModelFn:
    """The model function for a name.

    Raises
    ------
    ConfigError
        If the name is unknown (the message lists the valid names).
    """
    key = DEFAULT_MODEL if name == "default" else name
    if key not in MODELS:
        raise ConfigError(
            f"model: unknown model {name!r}; choose one of {['default', *model_names()]}"
        )
    return MODELS[key]
