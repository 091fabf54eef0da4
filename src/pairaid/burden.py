"""Donor burden: the one definition used by the model, the plan measures, metrics and report.

A donor's *burden* is its **largest share over resources**: for each staff resource it has
(capacity > 0), staff sent ÷ capacity; the burden is the maximum of these shares (the
"dominant share" of dominant resource fairness, Ghodsi et al. 2011). Adding doctors and
nurses into one ratio instead would let a donor give all of its doctors while a large,
unneeded nurse capacity kept its pooled burden near 0 (case c0018). A donor with no capacity
in any resource has no burden (NaN).

The *burden deviation* (the target "burden proportional to capacity") is also taken per
resource: the sum over donors and resources of |share[d, s] − overall share[s]|, where the
overall share of resource s is total sent ÷ total capacity of the donors that have some.

References
----------
A. Ghodsi, M. Zaharia, B. Hindman, A. Konwinski, S. Shenker, I. Stoica, "Dominant Resource
Fairness: Fair Allocation of Multiple Resource Types", NSDI 2011, 323-336.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray


def resource_shares(sent: NDArray[np.float64], capacity: NDArray[np.float64]
                    ) -> NDArray[np.float64]:
    """Share of each resource's capacity sent, (D, S); NaN where the capacity is 0."""
    sent, capacity = np.asarray(sent, dtype=float), np.asarray(capacity, dtype=float)
    out = np.full(capacity.shape, np.nan)
    has = capacity > 0
    out[has] = sent[has] / capacity[has]
    return out


def dominant_burden(sent: NDArray[np.float64], capacity: NDArray[np.float64]
                    ) -> NDArray[np.float64]:
    """Burden of each donor, (D,): its largest share over resources (NaN without capacity).

    Parameters
    ----------
    sent, capacity : float arrays (D, S)
        Staff sent and capacity per donor and resource [staff].

    Examples
    --------
    >>> dominant_burden(np.array([[10.0, 0.0], [10.0, 0.0]]),
    ...                 np.array([[10.0, 1000.0], [100.0, 100.0]])).tolist()
    [1.0, 0.1]
    """
    shares = resource_shares(sent, capacity)
    out = np.full(shares.shape[0], np.nan)
    has = ~np.isnan(shares).all(axis=1)
    out[has] = np.nanmax(shares[has], axis=1)
    return out


def largest_burden(burdens: ArrayLike) -> float:
    """``max_donor_burden``: the largest burden over donors (see module).

    Parameters
    ----------
    burdens : array-like of float
        Burden of each donor (:func:`dominant_burden`, or ``burden_table(...)["burden"]``);
        NaN for a donor without capacity, which is skipped.

    Returns
    -------
    float
        The largest burden; 0.0 when no donor has one (nothing sent, or no capacity).

    Examples
    --------
    >>> largest_burden([0.25, float("nan"), 1.0])
    1.0
    >>> largest_burden([float("nan")])
    0.0
    """
    values = np.asarray(burdens, dtype=float)
    values = values[~np.isnan(values)]
    return float(values.max()) if values.size else 0.0


def burden_deviation(sent: NDArray[np.float64], capacity: NDArray[np.float64]) -> float:
    """Sum over donors and resources of |share[d, s] − overall share[s]| (see module)."""
    shares = resource_shares(sent, capacity)
    capacity = np.asarray(capacity, dtype=float)
    total_cap = capacity.sum(axis=0)
    overall = np.divide(np.asarray(sent, dtype=float).sum(axis=0), total_cap,
                        out=np.zeros_like(total_cap), where=total_cap > 0)
    dev = np.abs(shares - overall[None, :])
    return float(np.nansum(dev))


def burden_table(flows: pd.DataFrame, capacities: pd.DataFrame,
                 resources: Sequence[str]) -> pd.DataFrame:
    """Burden of each donor that appears in ``flows``.

    Parameters
    ----------
    flows : DataFrame
        ``donor_code``, ``resource``, ``quantity`` [staff] of one plan.
    capacities : DataFrame
        ``donor_code``, ``resource``, ``capacity`` [staff].
    resources : sequence of str
        The resources counted (e.g. doctors and nurses).

    Returns
    -------
    DataFrame
        ``donor_code``, ``sent``, ``capacity`` [staff, all ``resources`` added, for
        display], ``burden`` (largest share over resources, see module; NaN without
        capacity), ``dominant_resource`` (the resource of that share), in ``flows``' donor
        order.
    """
    res = list(resources)
    donors = list(dict.fromkeys(flows["donor_code"].astype(str)))
    f = flows[flows["resource"].isin(res)]
    sent = (f.groupby(["donor_code", "resource"])["quantity"].sum().unstack()
            .reindex(index=donors, columns=res).fillna(0.0).to_numpy(float))
    c = capacities[capacities["resource"].isin(res)]
    cap = (c.groupby(["donor_code", "resource"])["capacity"].sum().unstack()
           .reindex(index=donors, columns=res).fillna(0.0).to_numpy(float))
    shares = resource_shares(sent, cap)
    burden = dominant_burden(sent, cap)
    dominant = [res[int(np.nanargmax(row))] if not np.isnan(row).all() else None
                for row in shares] if len(donors) else []
    return pd.DataFrame({"donor_code": donors, "sent": sent.sum(axis=1),
                         "capacity": cap.sum(axis=1), "burden": burden,
                         "dominant_resource": dominant})
