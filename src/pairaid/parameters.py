"""Named model parameters (value, unit, source), read from a data set's ``parameters.csv``.

A data set may ship its own ``parameters.csv``; one without it uses the parameter set of the
built-in ``hubei-2020`` data set, whose rows each cite their source.
"""

from __future__ import annotations

import pandas as pd

from pairaid.errors import InputError, Problem

NEEDS_PARAMETERS = (
    "share_mild", "share_severe", "share_critical", "share_ventilated_of_critical",
    "nurses_per_ward_patient", "nurses_per_icu_patient", "doctors_per_ward_patient",
    "doctors_per_icu_patient", "beds_per_patient",
)
"""Parameters :func:`pairaid.needs.compute_needs` uses."""

CAPACITY_PARAMETERS = ("covid_share_beds", "covid_share_staff", "deployable_share")
"""Parameters :mod:`pairaid.gaps` uses."""


def parameter_values(table: pd.DataFrame, *, source: str = "parameters.csv",
                     required: tuple[str, ...] = NEEDS_PARAMETERS + CAPACITY_PARAMETERS,
                     lines: bool = True) -> dict[str, float]:
    """Turn a ``parameters`` table into ``{name: value}`` and check it.

    Parameters
    ----------
    table : pandas.DataFrame
        ``parameters`` table: ``name``, ``value`` (in ``unit``), ``unit``, ``source``.
    source : str
        Name of the file, for messages.
    required : tuple of str
        Names that must be present.
    lines : bool
        Name line numbers in messages (false when the table is not a file).

    Returns
    -------
    dict of str to float

    Raises
    ------
    pairaid.errors.InputError
        If a required parameter is missing, a share is outside [0, 1], or the severity
        shares (mild + severe + critical) do not sum to 1 within 1e-6.
    """
    values = {str(n): float(v) for n, v in zip(table["name"], table["value"], strict=True)}
    problems = [Problem(source, f"required parameter '{name}' is missing", None, "name")
                for name in required if name not in values]
    rows = {str(n): i + 2 for i, n in enumerate(table["name"])} if lines else {}
    for name, value in values.items():
        if (name.startswith("share_") or name.endswith("_share")
                or name.startswith("covid_share")) and not 0 <= value <= 1:
            problems.append(Problem(source, f"'{name}' = {value} must be in [0, 1]",
                                    rows.get(name), "value"))
    shares = [values.get(k) for k in ("share_mild", "share_severe", "share_critical")]
    if all(s is not None for s in shares) and abs(sum(shares) - 1) > 1e-6:  # type: ignore[arg-type]
        problems.append(Problem(source, "share_mild + share_severe + share_critical must "
                                f"sum to 1, not {sum(shares):.4f}", None, "value"))  # type: ignore[arg-type]
    if problems:
        raise InputError(problems)
    return values


def with_overrides(values: dict[str, float], overrides: dict[str, float]) -> dict[str, float]:
    """Replace some parameter values (from ``--param`` or a TOML ``[parameters]`` table).

    Raises
    ------
    pairaid.errors.ConfigError
        If a name is not a known parameter, or the result fails :func:`parameter_values`'s
        checks.
    """
    from pairaid.errors import ConfigError

    unknown = sorted(set(overrides) - set(values))
    if unknown:
        raise ConfigError(f"setting 'parameters': unknown parameter(s) {unknown}; known: "
                          + ", ".join(sorted(values)))
    merged = {**values, **overrides}
    table = pd.DataFrame({"name": list(merged), "value": list(merged.values())})
    try:
        return parameter_values(table, source="setting 'parameters' (--param)", required=(),
                                lines=False)
    except InputError as err:
        raise ConfigError(str(err)) from None
