"""Hospital census from admissions through a length-of-stay distribution, and severity
classes nested inside the census.

Assumption (Hubei, February 2020): every confirmed case was admitted to hospital or to
care under medical supervision (designated hospitals, then Fangcang shelter hospitals) on
the day it was reported, and stayed until discharge or death. So admissions = new confirmed
cases, and the observed census on a day is ``confirmed - deaths - recovered``.

Census on day ``t`` (counts as of 24:00) is::

    census(t) = sum_{d <= t} admissions(d) * S(t - d)

with ``S(j) = P(LOS > j)`` the survival function of the length of stay (LOS) in days,
``S(0) = 1`` (a patient admitted on day ``d`` is in the census at 24:00 of day ``d``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import special

from pairaid.errors import ConfigError
from pairaid.forecast.events import observed_census

#: Default LOS parameters. A gamma distribution with shape 4.71 and mean 15.1 days has
#: quartiles 10.0 / 14.0 / 19.0 days, the summary hospital LOS distribution for China in
#: Rees et al. 2020 (median 14, IQR 10-19 days; *BMC Med* 18:270,
#: doi:10.1186/s12916-020-01726-3). The shape/mean are our fit to those three quartiles.
DEFAULT_LOS_MEAN_DAYS = 15.1
DEFAULT_LOS_SHAPE = 4.71

#: Longest stay represented [days]; S is 0 beyond it (default P(LOS > 120 d) ~ 2e-11).
MAX_LOS_DAYS = 120


@dataclass(frozen=True)
class LengthOfStay:
    """Gamma-distributed length of stay.

    Attributes
    ----------
    mean_days : float
        Mean LOS [days].
    shape : float
        Gamma shape [-] (coefficient of variation = 1/sqrt(shape)).
    """

    mean_days: float = DEFAULT_LOS_MEAN_DAYS
    shape: float = DEFAULT_LOS_SHAPE

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, float] | None) -> LengthOfStay:
        """Read ``los_mean_days`` [days] and ``los_shape`` [-] (defaults above).

        Raises
        ------
        ConfigError
            If a value is not a positive finite number.
        """
        p = parameters or {}
        mean = float(p.get("los_mean_days", DEFAULT_LOS_MEAN_DAYS))
        shape = float(p.get("los_shape", DEFAULT_LOS_SHAPE))
        for name, v in (("los_mean_days", mean), ("los_shape", shape)):
            if not np.isfinite(v) or v <= 0:
                raise ConfigError(f"parameter {name}: must be a positive number, got {v}")
        return cls(mean, shape)

    def survival(self, max_days: int = MAX_LOS_DAYS) -> np.ndarray:
        """``S(j) = P(LOS > j)`` for ``j = 0 .. max_days`` [-]; ``S(0) = 1`` (read-only)."""
        return _gamma_survival(float(self.mean_days), float(self.shape), int(max_days))


@lru_cache(maxsize=1024)
def _gamma_survival(mean_days: float, shape: float, max_days: int) -> np.ndarray:
    j = np.arange(max_days + 1, dtype=float)
    s = np.asarray(special.gammaincc(shape, j / (mean_days / shape)), dtype=float)
    s[0] = 1.0
    s.setflags(write=False)
    return s


def project_census(
    past_admissions: np.ndarray,
    census_at_origin: float,
    future_admissions: np.ndarray,
    survival: np.ndarray,
    rng: np.random.Generator | None = None,
    batch_size: float | None = None,
    hazard_multiplier: np.ndarray | None = None,
) -> np.ndarray:
    """Census after the origin: patients present at the origin plus new admissions.

    Patients present at the origin leave as their admission cohorts would: the census that
    the past admissions imply for day ``h`` is rescaled so that it equals the observed
    census on the origin. New admissions enter through ``S``.

    Parameters
    ----------
    past_admissions : numpy.ndarray, shape (T,)
        Admissions per day up to and including the origin [persons/day] (last = origin).
    census_at_origin : float
        Census at 24:00 of the origin [persons].
    future_admissions : numpy.ndarray, shape (n, H)
        Admissions on days origin+1 .. origin+H [persons/day] (one row per sample path).
    survival : numpy.ndarray
        ``S(j) = P(LOS > j)``, ``j = 0, 1, ...`` [-].
    rng : numpy.random.Generator, optional
        If given, each path's patients present at the origin (rounded to whole persons)
        leave at random: ``N_h ~ Binomial(N_{h-1}, r_h / r_{h-1})`` with ``r_h`` the
        expected share still present on day ``h`` (same mean; the spread that matters for a
        census of tens of patients). Without it the expected census is returned.
    batch_size : float, optional
        With ``rng``: discharges come in batches; each path's share leaving on a day is
        drawn from a beta law with that mean and concentration ``batch_size - 1`` (a
        beta-binomial; its variance matches a negative binomial of size ``batch_size``
        for large counts). None: plain binomial.
    hazard_multiplier : numpy.ndarray, shape (H,), optional
        Factor ``m_h`` on every patient's discharge hazard on day origin+h [-]
        (proportional hazards in calendar time, see Notes). None: 1 on every day.

    Returns
    -------
    numpy.ndarray, shape (n, H)
        Census on days origin+1 .. origin+H [persons].

    Notes
    -----
    If the past admissions imply no patient at the origin (no history), the patients present
    leave by the residual-stay distribution of a stationary census,
    ``P(residual > h) = sum_{j >= h} S(j) / sum_{j >= 0} S(j)``.

    With a hazard multiplier, a patient of age ``j - 1`` (days since admission) stays
    through day ``t`` with probability ``(S(j) / S(j - 1)) ** m_t`` instead of
    ``S(j) / S(j - 1)``: the grouped-data proportional-hazards model (Prentice & Gloeckler
    1978, *Biometrics* 34:57-67; the multiplier acts on the integrated hazard of each day), so
    the cohorts keep their age structure while the calendar speeds discharges up
    (``m > 1``) or slows them down.
    """
    future = np.atleast_2d(np.asarray(future_admissions, dtype=float))
    horizon = future.shape[1]
    s = np.zeros(len(past_admissions) + horizon + 1)
    n_s = min(len(survival), len(s))
    s[:n_s] = survival[:n_s]
    past = np.asarray(past_admissions, dtype=float)
    ages = np.arange(len(past))[::-1]  # age at origin of each past cohort
    if hazard_multiplier is not None and np.any(np.asarray(hazard_multiplier) != 1.0):
        m = np.asarray(hazard_multiplier, dtype=float)
        return _project_multiplied(past, census_at_origin, future, s, survival, m, rng,
                                   batch_size)
    implied = s[ages[None, :] + np.arange(horizon + 1)[:, None]] @ past
    if implied[0] > 0:
        remain = implied[1:] / implied[0]
    else:
        tail = np.cumsum(survival[::-1])[::-1]
        remain = np.array([tail[h] if h < len(tail) else 0.0 for h in range(1, horizon + 1)])
        remain = remain / tail[0]
    prevalent = _prevalent(census_at_origin, remain, future.shape, rng, batch_size)
    kernel = s[:horizon]
    new = np.zeros_like(future)
    for h in range(horizon):
        new[:, h] = future[:, : h + 1] @ kernel[h::-1]
    return prevalent + new


def _prevalent(
    census_at_origin: float,
    remain: np.ndarray,
    shape: tuple[int, ...],
    rng: np.random.Generator | None,
    batch_size: float | None,
) -> np.ndarray:
    """Patients present at the origin still there on days 1..H: expected share ``remain``,
    or thinned at random (see :func:`project_census`)."""
    if rng is None:
        return np.broadcast_to(census_at_origin * remain, shape)
    stay = np.clip(remain / np.concatenate([[1.0], remain[:-1]]), 0.0, 1.0)
    stay = np.nan_to_num(stay, nan=0.0)
    present = np.full(shape[0], round(max(census_at_origin, 0.0)), dtype=np.int64)
    counts = np.empty(shape)
    for h in range(shape[1]):
        leave = 1.0 - stay[h]
        if batch_size is not None and 0.0 < leave < 1.0:
            phi = max(batch_size - 1.0, 0.5)
            leave = rng.beta(phi * leave, phi * (1.0 - leave), size=present.shape)
        present = present - rng.binomial(present, leave)
        counts[:, h] = present
    return counts


def _log_steps(s: np.ndarray) -> np.ndarray:
    """``log(s[j + 1] / s[j])`` of a survival curve, floored where it reaches 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(s[:-1] > 0, s[1:] / np.where(s[:-1] > 0, s[:-1], 1.0), 0.0)
    return np.log(np.maximum(step, 1e-300))


def _project_multiplied(
    past: np.ndarray,
    census_at_origin: float,
    future: np.ndarray,
    s: np.ndarray,
    survival: np.ndarray,
    multiplier: np.ndarray,
    rng: np.random.Generator | None,
    batch_size: float | None,
) -> np.ndarray:
    """:func:`project_census` with the discharge hazard of day ``h`` multiplied by
    ``multiplier[h - 1]`` (proportional hazards, see its Notes)."""
    remain, kernel = multiplied_shares(past, survival, multiplier[None, : future.shape[1]])
    prevalent = _prevalent(census_at_origin, remain[0], future.shape, rng, batch_size)
    return prevalent + future @ kernel[0]


def multiplied_shares(
    past_admissions: np.ndarray, survival: np.ndarray, multipliers: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Expected shares still present under hazard multipliers (proportional hazards, see
    :func:`project_census`), for a batch of multiplier paths.

    Parameters
    ----------
    past_admissions : numpy.ndarray, shape (T,)
        Admissions per day up to and including the origin [persons/day].
    survival : numpy.ndarray
        ``S(j) = P(LOS > j)`` [-].
    multipliers : numpy.ndarray, shape (B, H)
        Factor on the discharge hazard of days origin+1 .. origin+H, one row per path [-].

    Returns
    -------
    remain : numpy.ndarray, shape (B, H)
        Share of the patients present at the origin still present on day h [-].
    kernel : numpy.ndarray, shape (B, H, H)
        ``kernel[b, i, h]``: share of the patients admitted on day origin+1+i still present
        on day origin+1+h (0 for ``h < i``, 1 for ``h = i``) [-].
    """
    m = np.atleast_2d(np.asarray(multipliers, dtype=float))
    horizon = m.shape[1]
    past = np.asarray(past_admissions, dtype=float)
    s = np.zeros(len(past) + horizon + 1)
    n_s = min(len(survival), len(s))
    s[:n_s] = survival[:n_s]
    log_step = _log_steps(s)
    ages = np.arange(len(past))[::-1]
    days = np.arange(1, horizon + 1)
    implied0 = s[ages] @ past
    if implied0 > 0:
        # age a at the origin, stays through day h: prod_{k <= h} (S(a+k)/S(a+k-1)) ** m_k
        steps = log_step[ages[:, None] + days[None, :] - 1]  # (A, H)
        cum = np.exp(np.cumsum(steps[None, :, :] * m[:, None, :], axis=2))  # (B, A, H)
        remain = np.einsum("a,bah->bh", s[ages] * past, cum) / implied0
    else:  # no history: the stationary residual stay, its hazard multiplied alike
        tail = np.cumsum(survival[::-1])[::-1]
        resid = np.zeros(horizon + 1)
        resid[: min(len(tail), horizon + 1)] = tail[: horizon + 1] / tail[0]
        remain = np.exp(np.cumsum(_log_steps(resid)[None, :] * m, axis=1))
    # admitted on day i (present at its end): stays through day h > i with the steps of
    # ages 0 .. h - i - 1, each raised to the multiplier of its day
    age = days[None, :] - days[:, None]  # (i, h): h - i
    lag = np.where(age > 0, log_step[np.maximum(age - 1, 0)], 0.0)
    kernel = np.exp(np.cumsum(lag[None, :, :] * m[:, None, :], axis=2))
    kernel = np.where(age[None, :, :] >= 0, kernel, 0.0)
    return remain, kernel


def starting_census(
    confirmed: np.ndarray,
    deaths: np.ndarray,
    recovered: np.ndarray,
    admissions: np.ndarray,
    survival: np.ndarray,
    *,
    events: str = "treat",
) -> tuple[float, bool]:
    """Census at the origin (last entry): observed where possible, else estimated.

    Parameters
    ----------
    confirmed, deaths, recovered : numpy.ndarray, shape (T,)
        Cumulative counts per day up to the origin [persons]; NaN = unknown.
    admissions : numpy.ndarray, shape (T,)
        Admissions per day [persons/day] (see
        :func:`pairaid.forecast.events.admissions_for_census`).
    survival : numpy.ndarray
        LOS survival ``S(j)`` [-].
    events : {"treat", "ignore"}
        Data-event treatment of the observed census
        (:func:`pairaid.forecast.events.observed_census`).

    Returns
    -------
    census : float
        ``confirmed - deaths - recovered`` at the origin if all three are known and the
        origin is not a re-count day [persons]. On a re-count day (confirmed fell), the
        census carried forward from the day before (no admissions, the reported deaths and
        discharges leave). Otherwise an estimate: the last day ``k`` with a known census is
        carried forward, its patients leaving as their admission cohorts would and later
        admissions entering through ``S``; with no such day, the census implied by all
        admissions, ``sum_d a_d S(T - d)``.
    estimated : bool
        True when the value is an estimate (recovered unknown at the origin, or the origin
        is a re-count day).
    """
    census, carried = observed_census(confirmed, deaths, recovered, treatment=events)
    known = np.isfinite(census)
    if known[-1]:
        return max(float(census[-1]), 0.0), bool(carried[-1])
    n = len(admissions)
    s = np.zeros(n + 1)
    s[: min(len(survival), n + 1)] = survival[: n + 1]
    idx = np.flatnonzero(known)
    if idx.size == 0:
        ages = np.arange(n)[::-1]
        return float(np.sum(admissions * s[ages])), True
    k = int(idx[-1])
    observed_k = max(float(census[k]), 0.0)
    later = project_census(admissions[: k + 1], observed_k, admissions[None, k + 1 :], survival)
    return float(later[0, -1]), True


#: Sd of log(LOS mean) drawn around the literature mean when the data cannot say [-] (see
#: :mod:`pairaid.forecast.discharges`).
LOS_DRAW_LOG_SD = 0.3


#: Default severity shares. ``icu_share``: share of hospital patients in intensive care;
#: 0.05 = share of 1,099 hospitalised patients in China admitted to an ICU, and
#: ``ventilated_share_of_icu`` 0.46 = invasive mechanical ventilation (2.3 %) over ICU
#: admission (5.0 %), both from Guan et al. 2020, *N Engl J Med* 382:1708-1720,
#: doi:10.1056/NEJMoa2002032. These are shares of admissions used as shares of the census
#: (exact only if LOS does not differ by severity); the lead's parameters file overrides them.
DEFAULT_SHARES: dict[str, float] = {"icu_share": 0.05, "ventilated_share_of_icu": 0.46}

SEVERITY_CLASSES = ("hospital", "ward", "icu", "ventilated")


def severity_census(
    census: pd.DataFrame, *, shares: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """Split a census forecast into nested severity classes.

    Classes are nested: ``ventilated ⊂ icu ⊂ hospital``, and ``ward = hospital - icu``
    (non-ICU beds). So ``ventilated <= icu <= hospital`` on every row, and ``ward + icu =
    hospital``; no patient is counted twice when adding ward and ICU needs (the CHIME
    v1 bug class of adding classes that overlap).

    Parameters
    ----------
    census : pandas.DataFrame
        Forecast rows with ``region_code``, ``date``, ``quantile``, ``value`` [persons] and
        optionally ``target`` (only ``"census"`` rows are used) and ``estimated`` (bool).
    shares : mapping, optional
        ``icu_share`` [-] (ICU patients / hospital patients) and ``ventilated_share_of_icu``
        [-] (ventilated patients / ICU patients), each in [0, 1]; defaults
        :data:`DEFAULT_SHARES`.

    Returns
    -------
    pandas.DataFrame
        Columns ``region_code``, ``date``, ``quantile``, ``severity`` (one of
        :data:`SEVERITY_CLASSES`), ``value`` [persons], ``estimated`` (bool). A quantile of a
        constant share times the census is that share times the census quantile, so each
        class's quantiles are exact.

    Raises
    ------
    ConfigError
        If a share is outside [0, 1].
    """
    sh = {**DEFAULT_SHARES, **dict(shares or {})}
    for name in DEFAULT_SHARES:
        v = float(sh[name])
        if not 0.0 <= v <= 1.0:
            raise ConfigError(f"parameter {name}: a share must lie in [0, 1], got {v}")
    rows = census
    if "target" in rows.columns:
        rows = rows.loc[rows["target"] == "census"]
    base = rows[["region_code", "date", "quantile"]].reset_index(drop=True)
    estimated = (
        rows["estimated"].astype(bool).to_numpy()
        if "estimated" in rows.columns
        else np.zeros(len(rows), dtype=bool)
    )
    hospital = rows["value"].to_numpy(dtype=float)
    icu = hospital * float(sh["icu_share"])
    values = {
        "hospital": hospital,
        "ward": hospital - icu,
        "icu": icu,
        "ventilated": icu * float(sh["ventilated_share_of_icu"]),
    }
    parts = [
        base.assign(severity=name, value=values[name], estimated=estimated)
        for name in SEVERITY_CLASSES
    ]
    return pd.concat(parts, ignore_index=True)[
        ["region_code", "date", "quantile", "severity", "value", "estimated"]
    ]
