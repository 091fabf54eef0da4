"""Run options: one typed configuration object for the CLI, the API and the service.

:class:`PlanConfig` holds every option of ``pairaid plan``. Values come from the defaults
below, then a TOML file (``--config FILE``), then command-line flags, in that order. Every
value is validated when the object is built; a bad value raises
:class:`pairaid.errors.ConfigError` naming the setting.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pairaid.errors import ConfigError

STAFF = ("doctors", "nurses")


TEAM_RATIO_2020 = 0.6
"""Doctors per nurse of the 2020 teams, the default ``team_doctors_per_nurse``: 1,003
doctors and 1,681 nurses in the 17 provincial contingents sent to the 16 Hubei cities
outside Wuhan on 2020-02-12 (Xinhua 2020-02-13; D4 of ``data/dispatch/SOURCES.md``)."""


class PlanConfig(BaseModel):
    """Options of a pairing plan.

    Attributes
    ----------
    dataset : str
        Built-in data set name (``hubei-2020``); ignored when ``data_dir`` is set.
    data_dir : pathlib.Path or None
        A user's data-set folder (layout in ``docs/data-format.md``).
    decision_date : datetime.date
        Forecast origin and date of the pairing decision; data after it are never used
        for planning.
    horizon_days : int
        Planning horizon [days] after the decision date.
    recipients : list of str or None
        Recipient region codes; ``None`` = every prefecture-level division in the data set
        except ``exclude_recipients``.
    exclude_recipients : list of str
        Divisions left out of the default recipients (Wuhan, 420100, which had its own
        national support in 2020).
    donors : list of str or None
        Donor region codes; ``None`` = every province-level region except the recipients'
        parent provinces; by default never a recipient.
    recipients_level, recipients_parent : str or None
        Default recipients chosen by the ``level`` and/or ``parent_code`` of
        ``regions.csv`` instead (e.g. ``region`` and ``IT``); only without ``recipients``.
    donors_level, donors_parent : str or None
        Default donors by level and/or parent (default level ``province``); only without
        ``donors``. The recipients and their parents are never default donors.
    transfer : {"icu"} or None
        Also plan patient transfers: recipients whose ICU need exceeds their COVID-19 ICU
        beds send patients to donors with spare beds (:mod:`pairaid.transfers`).
    transfer_max_per_day : int or None
        Most patients moved per day, all pairs together [patients/day].
    transfer_max_km : float or None
        Transfers farther than this are not allowed [km].
    transfer_donor_quantile : float
        Forecast quantile of a donor's own ICU census when counting its spare beds
        (recipients' overflow uses ``planning_quantile``).
    k : int
        Maximum donors per recipient.
    m : int
        Maximum recipients per donor (default for every donor).
    m_per_donor : dict of str to int
        Per-donor overrides of ``m`` (the 2020 plan had Shanxi, ``CN-SX``, support 3 cities).
    fixed_pairs, forbidden_pairs : list of [donor_code, recipient_code]
        Pairs that must or must not be used.
    resource_weights : dict of str to float
        Weight of one staff-day of shortfall, per resource.
    distance_weight : float
        Objective weight per km of each chosen pair [1/km]; small, so that distance only
        breaks ties between plans with (nearly) equal shortfall.
    planning_quantile : float
        Forecast quantile the plan is made for (0.5 = median).
    staff_cap_to_official : bool
        Cap pairaid's total staff sent at the total the official pairing sends, so that the
        comparison measures the choice of pairs, not extra staff.
    official_round : datetime.date or None
        Round of the historical pairing to compare with (``pairings.csv``); ``None`` (in
        TOML: ``official_round = "none"``) skips the comparison and its staff cap.
    model : str
        Forecast model name.
    demand_file : pathlib.Path or None
        External forecast (Forecast Hub quantile format) used instead of pairaid's own.
    time_limit : float
        Solver time limit [s] per solve.
    mip_rel_gap : float
        Relative MIP gap at which the solver may stop (0 = prove optimality).
    seed : int
        Random seed of the forecast's bootstrap, ≥ 0 (numpy's ``SeedSequence`` takes no
        negative seed).
    parameters : dict of str to float
        Overrides of the data set's ``parameters.csv`` values (same names and units).
    norms : str or None
        Staffing norm set (``data/norms/staffing_norms.csv``): ``covid-2020`` (WHO Health
        Workforce Estimator hours per patient-day, COVID-19 isolation-ward shifts) or
        ``ordinary`` (pre-2020 Chinese ward and ICU staffing minimums), or
        ``parameters.csv`` (the data set's own staff-per-patient ratios). ``None``: the data
        set's own ratios if its parameters.csv gives them, else ``covid-2020``.
    mode : {"1:1", "k:1", "1:k", "m:n"} or None
        Pairing mode: ``1:1`` one donor per recipient and one recipient per donor; ``k:1``
        up to ``k`` donors per recipient, one recipient per donor; ``1:k`` one donor per
        recipient, up to ``m`` recipients per donor; ``m:n`` both limits as given.
        ``None`` (default) uses ``k`` and ``m`` as given, which is ``m:n``.
    k_per_recipient : dict of str to int
        Per-recipient overrides of ``k``.
    max_distance_km : float or None
        Pairs farther apart are not candidates [km].
    burden_max_weight : float
        Objective weight of the largest donor burden (a donor's largest share of one
        resource's capacity sent, :mod:`pairaid.burden`): min-max fairness [objective units
        per unit burden].
    burden_deviation_weight : float
        Objective weight of the donors' deviation from a burden proportional to capacity
        (the Wenchuan 2008 rule of an equal share) [objective units per unit burden].
    reserve_share : float
        Share of every donor's capacity kept back for its own population, in [0, 1).
    previous_pairs : list of [donor_code, recipient_code]
        Pairs of the plan in force (teams already deployed), for re-planning.
    keep_previous : bool
        Keep every previous pair (default); if false, each changed pair costs
        ``change_cost``.
    change_cost : float
        Objective cost of one changed pair against ``previous_pairs``.
    team_doctors_per_nurse : float
        Team-composition rule, ≥ 0 [doctors per nurse sent]: staff travel as teams, so a
        pair that sends nurses sends at least this many doctors per nurse of its own; they
        cover the recipient's doctor gap where it has one and count against the donor's
        doctors, burden and the staff sent (:mod:`pairaid.pairing.teams`). Default 0.6:
        the 17 provincial contingents sent to the 16 Hubei cities outside Wuhan on
        2020-02-12 counted 1,003 doctors and 1,681 nurses (0.597; Xinhua 2020-02-13, D4 of
        ``data/dispatch/SOURCES.md``). 0 switches the rule off (nursing-only teams, the
        ``nursing_squad`` team type, existed too).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    dataset: str = "hubei-2020"
    data_dir: Path | None = None
    decision_date: date = date(2020, 2, 10)
    horizon_days: int = Field(28, ge=1, le=365)
    recipients: list[str] | None = None
    exclude_recipients: list[str] = Field(default_factory=lambda: ["420100"])
    donors: list[str] | None = None
    recipients_level: str | None = None
    recipients_parent: str | None = None
    donors_level: str | None = None
    donors_parent: str | None = None
    transfer: Literal["icu"] | None = None
    transfer_max_per_day: int | None = Field(None, ge=0)
    transfer_max_km: float | None = Field(None, gt=0)
    transfer_donor_quantile: float = Field(0.5, gt=0, lt=1)
    k: int = Field(2, ge=1)
    m: int = Field(1, ge=1)
    m_per_donor: dict[str, int] = Field(default_factory=dict)
    fixed_pairs: list[tuple[str, str]] = Field(default_factory=list)
    forbidden_pairs: list[tuple[str, str]] = Field(default_factory=list)
    resource_weights: dict[str, float] = Field(
        default_factory=lambda: {"doctors": 1.0, "nurses": 1.0})
    distance_weight: float = Field(1e-3, ge=0)
    planning_quantile: float = Field(0.5, gt=0, lt=1)
    staff_cap_to_official: bool = True
    official_round: date | None = date(2020, 2, 10)
    model: str = "default"
    demand_file: Path | None = None
    time_limit: float = Field(60.0, gt=0)
    mip_rel_gap: float = Field(0.0, ge=0, lt=1)
    seed: int = Field(0, ge=0)
    parameters: dict[str, float] = Field(default_factory=dict)
    norms: str | None = None
    mode: Literal["1:1", "k:1", "1:k", "m:n"] | None = None
    k_per_recipient: dict[str, int] = Field(default_factory=dict)
    max_distance_km: float | None = Field(None, gt=0)
    burden_max_weight: float = Field(0.0, ge=0)
    burden_deviation_weight: float = Field(0.0, ge=0)
    reserve_share: float = Field(0.0, ge=0, lt=1)
    previous_pairs: list[tuple[str, str]] = Field(default_factory=list)
    keep_previous: bool = True
    change_cost: float = Field(0.0, ge=0)
    team_doctors_per_nurse: float = Field(TEAM_RATIO_2020, ge=0)

    @field_validator("k_per_recipient")
    @classmethod
    def _k_positive(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {r: v for r, v in value.items() if v < 1}
        if bad:
            raise ValueError(f"must be ≥ 1, got {bad}")
        return value

    @field_validator("m_per_donor")
    @classmethod
    def _m_positive(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {d: v for d, v in value.items() if v < 0}
        if bad:
            raise ValueError(f"must be ≥ 0, got {bad}")
        return value

    @field_validator("resource_weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(STAFF)
        if unknown:
            raise ValueError(f"unknown resource(s) {sorted(unknown)}; use {list(STAFF)}")
        if any(v < 0 for v in value.values()):
            raise ValueError("weights must be ≥ 0")
        return value

    @field_validator("official_round", mode="before")
    @classmethod
    def _none_round(cls, value: Any) -> Any:
        # TOML has no null: the string "none" switches the comparison off
        return None if isinstance(value, str) and value.strip().lower() == "none" else value

    def to_toml(self) -> str:
        """The configuration as TOML text that reproduces the run.

        Unset optional values are left out, except ``official_round``, written ``"none"``;
        paths are written absolute.
        """
        data = self.model_dump(mode="json", exclude_none=True)
        if self.official_round is None:
            data["official_round"] = "none"
        for key in ("data_dir", "demand_file"):
            path = getattr(self, key)
            if path is not None:
                data[key] = str(Path(path).resolve())
        return tomli_w.dumps(data)


def _explain(err: ValidationError, origin: str, flags: Mapping[str, str],
             lines: Mapping[tuple[str, ...], int] | None = None) -> ConfigError:
    """One ConfigError for every failed setting; ``lines`` maps a key path to its line."""
    out = []
    for e in err.errors():
        name = ".".join(str(p) for p in e["loc"]) or "(file)"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown setting"
        elif e["type"] in ("int_type", "float_type", "bool_type") \
                and isinstance(e.get("input"), str):
            msg += " (a TOML string; write the value without quotes)"
        elif e["type"] == "date_type":
            msg += " (a TOML date such as 2020-02-10)"
        top = str(e["loc"][0]) if e["loc"] else ""
        flag = f" ({flags[top]})" if top in flags else ""
        keys = tuple(str(p) for p in e["loc"])
        # the line of the key itself, else of its table (a list's item has no key)
        line = next((lines[keys[:n]] for n in range(len(keys), 0, -1)
                     if lines and keys[:n] in lines), None)
        where = f" (line {line})" if line is not None else ""
        out.append(f"setting '{name}'{flag}{where} = {e.get('input')!r}: {msg}")
    if len(out) == 1:
        return ConfigError(f"invalid configuration ({origin}): {out[0]}")
    return ConfigError(f"invalid configuration ({origin}):\n  " + "\n  ".join(out))


def with_dataset_defaults(defaults: Mapping[str, Any],
                          values: Mapping[str, Any]) -> dict[str, Any]:
    """Settings of a run: the data set's ``defaults.toml`` under the user's settings.

    A data set's default list of recipients (or donors) gives way when the user chooses
    them by level or parent instead (``--recipients-level``, ``--recipients-parent``, or
    the same in a ``--config`` file), so that the choice is not silently ignored.

    Raises
    ------
    pairaid.errors.ConfigError
        If the user gives both a list and a level or parent for the same side.
    """
    out = dict(defaults)
    for side in ("recipients", "donors"):
        by = [k for k in (f"{side}_level", f"{side}_parent") if values.get(k) is not None]
        if by and values.get(side) is not None:
            raise ConfigError(f"'{side}' lists the {side}; '{by[0]}' selects them by "
                              f"{by[0].split('_')[1]}: give one or the other (--{side} or "
                              f"--{by[0].replace('_', '-')})")
        if by:
            for key in (side, f"{side}_level", f"{side}_parent"):
                out.pop(key, None)
    out.update({k: v for k, v in values.items()})
    return out


def make_config(values: Mapping[str, Any], *, origin: str = "settings",
                flags: Mapping[str, str] | None = None) -> PlanConfig:
    """Build a :class:`PlanConfig`, turning validation errors into a ConfigError.

    Parameters
    ----------
    values : mapping
        Settings (names of :class:`PlanConfig` fields) and their values.
    origin : str
        Where the values come from (a file name, "flags"), for the message.
    flags : mapping, optional
        Setting name -> command-line flag that sets it, named beside the setting.

    Raises
    ------
    pairaid.errors.ConfigError
        Naming each bad setting (and its flag), its value and what is allowed.
    """
    try:
        return PlanConfig(**dict(values))
    except ValidationError as err:
        raise _explain(err, origin, flags or {}) from None


def read_config_file(path: Path | str) -> dict[str, Any]:
    """Read a TOML configuration file into a dict of settings, checking their types.

    A TOML file has real types, so a value of the wrong type is an error, never converted:
    ``k = "2"`` or ``k = true`` for an integer, ``covid_share_staff = "0.08"`` for a number,
    ``staff_cap_to_official = 1`` for a boolean. An integer is accepted for a float. Strings
    stand for what TOML has no type for: paths (``data_dir``, ``demand_file``), and
    ``official_round = "none"``. Dates are TOML dates (``decision_date = 2020-02-10``) or
    ISO strings (``"2020-02-10"``, as older run folders' ``config.toml`` have them); a
    date-time or a number is refused. A UTF-8 byte-order mark at the start is skipped.

    Returns
    -------
    dict
        The settings, with dates as :class:`datetime.date`, paths as
        :class:`pathlib.Path` and pairs as tuples.

    Raises
    ------
    pairaid.errors.ConfigError
        If the file is missing, is not UTF-8 TOML (with the line number), or a setting has
        the wrong type or value (naming the file, the setting and its line).
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"configuration file {path} " + (
            "is a directory, not a TOML file" if path.is_dir() else "not found"))
    try:
        text = path.read_bytes().decode("utf-8-sig")  # -sig: a leading BOM is skipped
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: not UTF-8 text ({err.reason} at byte "
                          f"{err.start}); save the file as UTF-8") from None
    try:
        values = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    return check_toml_settings(values, path, text)


_PATHS = ("data_dir", "demand_file")
_DATES = ("decision_date", "official_round")
_PAIRS = ("fixed_pairs", "forbidden_pairs", "previous_pairs")


def check_toml_settings(values: Mapping[str, Any], path: Path | str,
                        text: str = "") -> dict[str, Any]:
    """Settings read from a TOML file, validated with strict types (no conversion).

    Parameters
    ----------
    values : mapping
        The parsed TOML document.
    path : pathlib.Path or str
        The file, named in the message.
    text : str
        The file's text, to name the line of a bad setting (``tomllib`` gives no positions
        of values; the line is the one that assigns the key).

    Returns
    -------
    dict
        The settings (dates, paths and pairs as in :func:`read_config_file`).

    Raises
    ------
    pairaid.errors.ConfigError
        Naming the file, each bad setting, its line, its value and what is allowed.
    """
    out = dict(values)
    for key in _PATHS:
        if isinstance(out.get(key), str):
            out[key] = Path(out[key])
    for key in _DATES:
        value = out.get(key)
        if isinstance(value, str) and value.strip().lower() != "none":
            try:
                out[key] = date.fromisoformat(value)
            except ValueError:
                pass  # left a string: refused below as not a valid date
        elif isinstance(value, datetime):
            out[key] = str(value)  # refused below: a date-time is not a date
    for key in _PAIRS:
        if isinstance(out.get(key), list):
            out[key] = [tuple(p) if isinstance(p, list) else p for p in out[key]]
    try:
        PlanConfig.model_validate(out, strict=True)
    except ValidationError as err:
        raise _explain(err, str(path), {}, lines=_key_lines(text)) from None
    return out


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line (1-based) of each ``key = value`` in a TOML text, by its dotted path."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*([A-Za-z0-9_.\-]+)\s*\]", line)
        if header:
            table = tuple(header.group(1).split("."))
            continue
        key = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*=", line)
        if key:
            lines.setdefault(table + tuple(key.group(1).split(".")), number)
    return lines
