"""Negative-binomial count likelihood and maximum-likelihood fitting with a Laplace
approximation of the parameter uncertainty.

The negative binomial is parametrised by its mean ``mu`` and size ``k`` (``var = mu +
mu**2 / k``), the usual over-dispersed count model for reported cases (e.g. Chowell 2017,
*Infect Dis Model* 2:379-398, doi:10.1016/j.idm.2017.08.001).
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

import numpy as np
from scipy import optimize, special

from pairaid.errors import FallbackWarning

MAX_MEAN = 1e9
"""Largest daily mean [cases] :func:`sample_nb` draws from; larger or infinite means are
capped here (with a :class:`pairaid.errors.FallbackWarning`): a trillion-case day is a
diverged fit, not a forecast, and numpy's Poisson sampler refuses means near 2**63."""


def nb_negloglik(y: np.ndarray, mu: np.ndarray, size: float) -> float:
    """Negative log-likelihood of counts under NB(mean ``mu``, size ``size``).

    Parameters
    ----------
    y : numpy.ndarray
        Observed counts [persons/day], non-negative.
    mu : numpy.ndarray
        Expected counts [persons/day], same shape, > 0.
    size : float
        Dispersion (size) parameter k > 0; Poisson as k -> infinity.

    Returns
    -------
    float
        Sum of ``-log P(y | mu, k)``.
    """
    return float(nb_negloglik_rows(y, np.asarray(mu, dtype=float)[None, :],
                                   np.array([size], dtype=float))[0])


def nb_negloglik_rows(y: np.ndarray, mu: np.ndarray, size: np.ndarray) -> np.ndarray:
    """:func:`nb_negloglik` of many parameter sets at once (one per row of ``mu``).

    Each row's value equals :func:`nb_negloglik` of that row bit for bit (the same
    element-wise operations and a sum along the contiguous last axis); evaluating the
    rows in one call saves the per-call overhead in finite-difference derivatives.

    Parameters
    ----------
    y : numpy.ndarray, shape (T,)
        Observed counts [persons/day].
    mu : numpy.ndarray, shape (n, T)
        Expected counts [persons/day], one row per parameter set.
    size : numpy.ndarray, shape (n,)
        Size parameter of each row [-].

    Returns
    -------
    numpy.ndarray, shape (n,)
        Negative log-likelihood of each row.
    """
    mu = np.maximum(mu, 1e-9)
    size = np.asarray(size, dtype=float)[:, None]
    ll = (
        special.gammaln(y + size)
        - special.gammaln(size)
        - special.gammaln(y + 1.0)
        + size * np.log(size / (size + mu))
        + y * np.log(mu / (size + mu))
    )
    return np.asarray(-np.sum(ll, axis=1))


def sample_nb(rng: np.random.Generator, mu: np.ndarray, size: np.ndarray | float) -> np.ndarray:
    """Draw NB(mean ``mu``, size ``size``) counts as a gamma-Poisson mixture.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random source.
    mu : numpy.ndarray
        Means [persons/day], >= 0.
    size : numpy.ndarray or float
        Size parameter(s), broadcastable to ``mu``.

    Returns
    -------
    numpy.ndarray
        Counts, same shape as ``mu`` (float dtype). NaN means are drawn as 0 and means above
        :data:`MAX_MEAN` as :data:`MAX_MEAN`, each with a
        :class:`pairaid.errors.FallbackWarning`.
    """
    mu = np.asarray(mu, dtype=float)
    if np.isnan(mu).any():
        warnings.warn(FallbackWarning(
            "forecast: the negative-binomial model gave NaN means; those draws were taken "
            "as 0 cases (the forecast may be too low)"), stacklevel=2)
    if (mu > MAX_MEAN).any():
        warnings.warn(FallbackWarning(
            f"forecast: the negative-binomial model gave means above {MAX_MEAN:.0e} cases "
            f"a day (or infinite); those draws were capped at {MAX_MEAN:.0e}"), stacklevel=2)
    mu = np.clip(np.nan_to_num(mu, nan=0.0, posinf=MAX_MEAN), 0.0, MAX_MEAN)
    size = np.broadcast_to(np.asarray(size, dtype=float), mu.shape)
    lam = rng.gamma(size, np.divide(mu, size, out=np.zeros_like(mu), where=size > 0))
    return rng.poisson(lam).astype(float)


@dataclass(frozen=True)
class MLFit:
    """A maximum-likelihood (or penalised-likelihood) fit.

    Attributes
    ----------
    x : numpy.ndarray
        Estimate of the (transformed, unconstrained) parameters.
    cov : numpy.ndarray
        Inverse of the observed information (Hessian of the negative log-likelihood) at
        ``x``: the Laplace / asymptotic-normal covariance of the estimate.
    nll : float
        Negative log-likelihood at ``x``.
    """

    x: np.ndarray
    cov: np.ndarray
    nll: float

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Parametric-bootstrap draws ``N(x, cov)``, shape (n, n_params)."""
        return rng.multivariate_normal(self.x, self.cov, size=n, method="eigh")


class _RowsMap:
    """A map-like callable for scipy's finite differences (``workers``): evaluates all the
    points of one derivative in a single call of a row-wise function."""

    def __init__(self, rows: Callable[[np.ndarray], np.ndarray]) -> None:
        self.rows = rows

    def __call__(self, fun: Callable[[np.ndarray], Any], points: Any) -> list[np.ndarray]:
        values = self.rows(np.array(list(points), dtype=float))
        return [np.atleast_1d(v) for v in values]


def _hessian(f: Callable[[np.ndarray], float], x: np.ndarray, step: float = 1e-3,
             rows: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
    """Central finite-difference Hessian of a scalar function (``rows``: the same function
    of many points at once, used if given; the result is the same)."""
    n = x.size
    h = np.zeros((n, n))
    e = np.eye(n) * step
    if rows is not None:
        pts = [x]
        for i in range(n):
            pts += [x + e[i], x - e[i]]
            for j in range(i + 1, n):
                pts += [x + e[i] + e[j], x + e[i] - e[j], x - e[i] + e[j], x - e[i] - e[j]]
        vals = iter(float(v) for v in rows(np.array(pts)))
        f0 = next(vals)
        for i in range(n):
            fp, fm = next(vals), next(vals)
            h[i, i] = (fp - 2.0 * f0 + fm) / step**2
            for j in range(i + 1, n):
                a, b, c, d = next(vals), next(vals), next(vals), next(vals)
                h[i, j] = h[j, i] = (a - b - c + d) / (4.0 * step**2)
        return h
    f0 = f(x)
    for i in range(n):
        fp, fm = f(x + e[i]), f(x - e[i])
        h[i, i] = (fp - 2.0 * f0 + fm) / step**2
        for j in range(i + 1, n):
            v = (
                f(x + e[i] + e[j]) - f(x + e[i] - e[j]) - f(x - e[i] + e[j]) + f(x - e[i] - e[j])
            ) / (4.0 * step**2)
            h[i, j] = h[j, i] = v
    return h


def fit_ml(
    negloglik: Callable[[np.ndarray], float],
    x0: np.ndarray,
    *,
    bounds: Sequence[tuple[float, float]] | None = None,
    max_sd: float = 3.0,
    rows: Callable[[np.ndarray], np.ndarray] | None = None,
) -> MLFit:
    """Minimise a negative log-likelihood and approximate the estimate's covariance.

    Parameters
    ----------
    negloglik : callable
        ``f(x) -> float`` on unconstrained (e.g. log-transformed) parameters.
    x0 : numpy.ndarray
        Starting point.
    bounds : list of (low, high), optional
        Box bounds (keep the search in a sane region).
    max_sd : float
        Cap on each parameter's standard deviation [transformed units]; guards against
        flat directions of the likelihood, where the Laplace covariance is unbounded.
    rows : callable, optional
        ``g(X) -> values``: ``negloglik`` of each row of ``X`` (shape (n, n_params)) in
        one call, equal to ``negloglik`` row by row. Given, the finite-difference gradient
        points (scipy's ``workers`` interface) and the Hessian points are evaluated in one
        call each: the same estimate, with a fraction of the Python calls.

    Returns
    -------
    MLFit
        Estimate, covariance (eigenvalues clipped to be positive and at most ``max_sd**2``)
        and the minimum.
    """
    options = {} if rows is None else {"workers": _RowsMap(rows)}
    res = optimize.minimize(negloglik, x0, method="SLSQP", bounds=bounds, options=options)
    x = np.asarray(res.x, dtype=float)
    try:
        hess = _hessian(negloglik, x, rows=rows)
        hess = 0.5 * (hess + hess.T)
        w, v = np.linalg.eigh(hess)
        if not np.all(np.isfinite(w)):
            raise np.linalg.LinAlgError("non-finite Hessian")
        var = 1.0 / np.clip(w, 1.0 / max_sd**2, None)
        cov = (v * var) @ v.T
    except np.linalg.LinAlgError as exc:
        warnings.warn(FallbackWarning(
            f"forecast: the likelihood's Hessian at the fitted parameters could not be used "
            f"({exc}); the parameter uncertainty is the broad default (sd {max_sd:g} on each "
            "transformed parameter), so the forecast's intervals are wide"), stacklevel=2)
        cov = np.eye(x.size) * max_sd**2
    return MLFit(x=x, cov=cov, nll=float(res.fun))


_T = TypeVar("_T")
_CACHES: list[OrderedDict[bytes, Any]] = []


def clear_fit_caches() -> None:
    """Forget every memoised fit (for benchmarks that time the fits themselves)."""
    for cache in _CACHES:
        cache.clear()


def cached_fit(fn: Callable[..., _T]) -> Callable[..., _T]:
    """Memoise a fit ``fn(t, y, **options)`` on the bytes of ``t`` and ``y`` (last 256 fits).

    Fits are pure functions of their data, so models that share a member (the ensembles
    and the member alone, in the backtest) fit each series once per process. Callers must
    not modify the returned object.
    """
    cache: OrderedDict[bytes, Any] = OrderedDict()
    _CACHES.append(cache)

    @wraps(fn)
    def wrapper(t: np.ndarray, y: np.ndarray, **options: Any) -> _T:
        key = (
            np.asarray(t, dtype=float).tobytes()
            + b"|"
            + np.asarray(y, dtype=float).tobytes()
            + repr(sorted(options.items())).encode()
        )
        if key in cache:
            cache.move_to_end(key)
            return cache[key]  # type: ignore[no-any-return]
        out = fn(t, y, **options)
        cache[key] = out
        if len(cache) > 256:
            cache.popitem(last=False)
        return out

    return wrapper
