"""Validate a :class:`PairingProblem` with its options and index it as numpy arrays.

Every check collects all problems of a table and raises once (:class:`InputError`);
settings that cannot be honoured raise :class:`ConfigError` (or
:class:`UnknownCodeError`, which is both a configuration and a feasibility error).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pairaid.errors import ConfigError, InfeasibleError, InputError, Problem
from pairaid.pairing.teams import TeamRule, team_rule
from pairaid.pairing.types import Pair, PairingOptions, PairingProblem
from pairaid.schemas import ISO_DATE


class UnknownCodeError(ConfigError, InfeasibleError):
    """A pairing setting names a donor or recipient that is not in the problem.

    It is a configuration error (a typo or stale code) and makes the setting impossible
    to satisfy, so it derives from both :class:`ConfigError` and :class:`InfeasibleError`.
    """


@dataclass(frozen=True, eq=False)
class Instance:
    """A validated pairing problem as arrays (D donors, R recipients, S resources, T days).

    Candidate pairs are indexed ``p = 0..P-1`` with donor ``pair_d[p]`` and recipient
    ``pair_r[p]``.
    """

    donors: tuple[str, ...]
    recipients: tuple[str, ...]
    resources: tuple[str, ...]
    dates: NDArray[np.datetime64]
    capacity: NDArray[np.float64]  # (D, S) effective capacity after reserves [staff]
    raw_capacity: NDArray[np.float64]  # (D, S) capacity as given [staff]
    gaps: NDArray[np.float64]  # (R, S, T) [staff on the day]
    demand_rows: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]
    weights: NDArray[np.float64]  # (S,)
    pair_d: NDArray[np.int64]
    pair_r: NDArray[np.int64]
    pair_dist: NDArray[np.float64]
    fixed: NDArray[np.bool_]
    previous: NDArray[np.bool_]
    n_previous: int  # previous pairs in total, candidates or not
    k: NDArray[np.int64]  # (R,) max donors
    m: NDArray[np.int64]  # (D,) max recipients
    lo: NDArray[np.int64]  # (R,) min donors
    exact: bool
    team: TeamRule | None = None  # nurses travel with doctors (pairaid.pairing.teams)

    @property
    def needs(self) -> NDArray[np.bool_]:
        """Recipients with a positive gap on some day for some resource."""
        return np.asarray(self.gaps.reshape(len(self.recipients), -1).max(axis=1) > 0)


def strict_dates(values: pd.Series) -> pd.Series:
    """Days of a ``date`` column, read without guessing; NaT where a value is no date.

    datetime64 values, ``datetime.date`` / ``datetime`` / ``Timestamp`` objects and ISO
    text ``YYYY-MM-DD`` are dates. Other text (``01/02/2020``, which pandas' inference reads
    month-first without a word: the case c0004 kind) and numbers (an Excel serial such as
    43862 would be read as nanoseconds after 1970) are not.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values).dt.normalize()
    text = values.map(lambda v: v.strip() if isinstance(v, str) else None)
    iso = text.str.fullmatch(ISO_DATE).fillna(False).astype(bool)
    objects = values.map(lambda v: isinstance(v, date) and not pd.isna(v)).astype(bool)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if iso.any():
        out[iso] = pd.to_datetime(text[iso], format="%Y-%m-%d", errors="coerce")
    if objects.any():
        out[objects] = pd.to_datetime(values[objects].map(pd.Timestamp)).dt.normalize()
    return out


def _table_problems(
    df: object, name: str, columns: Sequence[str], numeric: Sequence[str], key: Sequence[str]
) -> list[Problem]:
    if not isinstance(df, pd.DataFrame):
        return [Problem(name, f"expected a pandas DataFrame, got {type(df).__name__}")]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        return [Problem(name, f"missing column(s) {missing}", column=missing[0])]
    problems: list[Problem] = []
    for col in columns:
        if col in numeric:
            values = pd.to_numeric(df[col], errors="coerce")
            bad = np.flatnonzero(values.isna().to_numpy() | ~np.isfinite(values.to_numpy()))
            for i in bad[:20]:
                problems.append(Problem(name, f"not a finite number: {df[col].iloc[i]!r}",
                                        row=int(i) + 2, column=col))
            neg = np.flatnonzero((values < 0).to_numpy())
            for i in neg[:20]:
                problems.append(Problem(name, f"must be >= 0, got {values.iloc[i]}",
                                        row=int(i) + 2, column=col))
        elif col != "date":
            bad = np.flatnonzero(df[col].isna().to_numpy())
            for i in bad[:20]:
                problems.append(Problem(name, "empty code", row=int(i) + 2, column=col))
    if "date" in columns:
        dates = strict_dates(df["date"])
        for i in np.flatnonzero(dates.isna().to_numpy())[:20]:
            problems.append(Problem(name, f"not a date: '{df['date'].iloc[i]}' (give "
                                    "datetime64, date objects or ISO text YYYY-MM-DD)",
                                    row=int(i) + 2, column="date"))
    if not problems:
        dup = df.duplicated(subset=list(key), keep="first").to_numpy()
        for i in np.flatnonzero(dup)[:20]:
            vals = ", ".join(f"{c}={df[c].iloc[i]}" for c in key)
            problems.append(Problem(name, f"duplicate key ({vals})", row=int(i) + 2))
    return problems


UNLIMITED = 1_000_000
"""Limits on donors per recipient or recipients per donor above this are clipped to it (no
pairing problem has this many regions on one side, so the clipped limit never binds)."""


def _limits(
    value: int | Mapping[str, int], default: int, codes: Sequence[str], setting: str
) -> NDArray[np.int64]:
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - set(codes))
        if unknown:
            raise UnknownCodeError(f"{setting} names unknown code(s) {unknown}")
        raw = [value.get(c, default) for c in codes]
    else:
        raw = [value] * len(codes)
    for v in [*raw, default]:
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise ConfigError(f"{setting} must be a non-negative integer, got {v!r}")
    # a limit above the number of regions on the other side cannot bind: clip it so that
    # any integer (however large) fits the int64 arrays
    return np.asarray([min(int(v), UNLIMITED) for v in raw], dtype=np.int64)


def _pair_list(pairs: Iterable[Pair] | None, setting: str) -> list[Pair]:
    out: list[Pair] = []
    for pair in pairs or ():
        if (not isinstance(pair, (tuple, list)) or len(pair) != 2
                or not all(isinstance(c, str) for c in pair)):
            raise ConfigError(f"{setting}: each pair must be (donor_code, recipient_code), "
                              f"got {pair!r}")
        out.append((pair[0], pair[1]))
    return out


def _check_codes(pairs: list[Pair], donors: set[str], recipients: set[str],
                 setting: str) -> None:
    bad_d = sorted({d for d, _ in pairs if d not in donors})
    bad_r = sorted({r for _, r in pairs if r not in recipients})
    parts = []
    if bad_d:
        parts.append(f"unknown donor(s) {bad_d} (not in supply)")
    if bad_r:
        parts.append(f"unknown recipient(s) {bad_r} (not in demand)")
    if parts:
        raise UnknownCodeError(f"{setting} names " + " and ".join(parts))


def _check_options(o: PairingOptions) -> None:
    def nonneg(name: str, v: float | None, allow_none: bool = False) -> None:
        if v is None and allow_none:
            return
        if v is None or not np.isfinite(v) or v < 0:
            raise ConfigError(f"{name} must be a finite number >= 0, got {v!r}")

    nonneg("distance_weight", o.distance_weight)
    nonneg("burden_max_weight", o.burden_max_weight)
    nonneg("burden_deviation_weight", o.burden_deviation_weight)
    nonneg("change_cost", o.change_cost)
    nonneg("max_total_sent", o.max_total_sent, allow_none=True)
    nonneg("max_distance_km", o.max_distance_km, allow_none=True)
    nonneg("mip_rel_gap", o.mip_rel_gap)
    if not (o.time_limit > 0):
        raise ConfigError(f"time_limit must be > 0 seconds, got {o.time_limit!r}")
    if o.formulation not in ("auto", "compact", "subsets", "assignment", "transport"):
        raise ConfigError("formulation must be auto, compact, subsets, assignment or transport, "
                          f"got {o.formulation!r}")
    if not (0 <= o.reserve_share < 1):
        raise ConfigError(f"reserve_share must be in [0, 1), got {o.reserve_share!r}")
    if (isinstance(o.min_donors_per_recipient, bool)
            or not isinstance(o.min_donors_per_recipient, (int, np.integer))
            or o.min_donors_per_recipient < 0):
        raise ConfigError("min_donors_per_recipient must be a non-negative integer, "
                          f"got {o.min_donors_per_recipient!r}")


def build_instance(problem: PairingProblem, options: PairingOptions) -> Instance:
    """Validate ``problem`` and ``options`` and index them as arrays.

    Raises
    ------
    InputError
        A table lacks a column, holds a non-number, a negative value, an empty code, a bad
        date or a duplicated key (every problem is listed).
    ConfigError
        An option value is out of range, a pair is both fixed and forbidden, a weight
        is missing for a resource with demand, or ``team_doctors_per_nurse`` is positive
        in a problem with nurses and no doctors.
    UnknownCodeError
        A pair option or per-code limit names a code not in the problem.
    InfeasibleError
        A fixed or exact pair is not a candidate (no distance, or beyond
        ``max_distance_km``).
    """
    _check_options(options)
    problems = (
        _table_problems(problem.supply, "supply", ["donor_code", "resource", "capacity"],
                        ["capacity"], ["donor_code", "resource"])
        + _table_problems(problem.demand, "demand",
                          ["recipient_code", "resource", "date", "gap"], ["gap"],
                          ["recipient_code", "resource", "date"])
        + _table_problems(problem.distances, "distances",
                          ["donor_code", "recipient_code", "distance_km"], ["distance_km"],
                          ["donor_code", "recipient_code"])
    )
    if problems:
        raise InputError(problems)
    supply = problem.supply.astype({"donor_code": str, "resource": str})
    demand = problem.demand.astype({"recipient_code": str, "resource": str})
    dist = problem.distances.astype({"donor_code": str, "recipient_code": str})

    donors = tuple(pd.unique(supply["donor_code"]))
    recipients = tuple(pd.unique(demand["recipient_code"]))
    resources = tuple(pd.unique(pd.concat([demand["resource"], supply["resource"]])))
    weights_map = dict(problem.weights)
    missing_w = sorted(set(demand["resource"]) - set(weights_map))
    if missing_w:
        raise ConfigError(f"weights: no weight given for resource(s) {missing_w} "
                          f"(weights cover {sorted(weights_map)})")
    for res, w in weights_map.items():
        if not np.isfinite(w) or w < 0:
            raise ConfigError(f"weights[{res!r}] must be a finite number >= 0, got {w!r}")
    weights = np.asarray([float(weights_map.get(s, 0.0)) for s in resources])
    team = team_rule(resources, options.team_doctors_per_nurse)

    d_index = {c: i for i, c in enumerate(donors)}
    r_index = {c: i for i, c in enumerate(recipients)}
    s_index = {c: i for i, c in enumerate(resources)}
    D, R, S = len(donors), len(recipients), len(resources)

    raw_cap = np.zeros((D, S))
    raw_cap[supply["donor_code"].map(d_index).to_numpy(),
            supply["resource"].map(s_index).to_numpy()] = pd.to_numeric(
                supply["capacity"]).to_numpy(dtype=float)
    reserve = np.zeros((D, S))
    for (dc, res), val in dict(options.reserves).items():
        if dc not in d_index or res not in s_index:
            raise UnknownCodeError(f"reserves names unknown donor/resource ({dc!r}, {res!r})")
        if not np.isfinite(val) or val < 0:
            raise ConfigError(f"reserves[({dc!r}, {res!r})] must be >= 0, got {val!r}")
        reserve[d_index[dc], s_index[res]] = val
    capacity = np.maximum(raw_cap * (1.0 - options.reserve_share) - reserve, 0.0)

    dates_all = strict_dates(demand["date"])
    dates = np.sort(pd.unique(dates_all.to_numpy()))
    t_index = {t: i for i, t in enumerate(dates)}
    ri = demand["recipient_code"].map(r_index).to_numpy().astype(np.int64)
    si = demand["resource"].map(s_index).to_numpy().astype(np.int64)
    ti = np.asarray([t_index[t] for t in dates_all.to_numpy()], dtype=np.int64)
    gaps = np.zeros((R, S, len(dates)))
    gaps[ri, si, ti] = pd.to_numeric(demand["gap"]).to_numpy(dtype=float)

    keep = dist["donor_code"].isin(d_index) & dist["recipient_code"].isin(r_index)
    keep &= dist["donor_code"] != dist["recipient_code"]
    dist = dist.loc[keep]
    pair_d = dist["donor_code"].map(d_index).to_numpy().astype(np.int64)
    pair_r = dist["recipient_code"].map(r_index).to_numpy().astype(np.int64)
    # candidate pairs in donor, then recipient order, whatever the order of the distance
    # table's rows: among equally good plans the solver's choice, and so the plan, must
    # not depend on how the rows of distances.csv happen to be sorted (c0012 kind)
    order = np.lexsort((pair_r, pair_d))
    dist, pair_d, pair_r = dist.iloc[order], pair_d[order], pair_r[order]
    pair_dist = pd.to_numeric(dist["distance_km"]).to_numpy(dtype=float)
    all_dist = {(donors[d], recipients[r]): x
                for d, r, x in zip(pair_d, pair_r, pair_dist, strict=True)}

    dset, rset = set(donors), set(recipients)
    fixed = _pair_list(options.fixed_pairs, "fixed_pairs")
    forbidden = _pair_list(options.forbidden_pairs, "forbidden_pairs")
    _check_codes(fixed, dset, rset, "fixed_pairs")
    _check_codes(forbidden, dset, rset, "forbidden_pairs")
    both = sorted(set(fixed) & set(forbidden))
    if both:
        raise ConfigError(f"pair(s) {both} are both in fixed_pairs and forbidden_pairs")
    previous = _pair_list(options.previous_pairs, "previous_pairs")
    exact = options.exact_pairs is not None
    if exact:
        exact_list = _pair_list(options.exact_pairs, "exact_pairs")
        _check_codes(exact_list, dset, rset, "exact_pairs")
        must = list(dict.fromkeys(exact_list))
        setting = "exact_pairs"
    else:
        kept = [p for p in previous if p[0] in dset and p[1] in rset
                and p not in set(forbidden)] if options.keep_previous else []
        must = list(dict.fromkeys(fixed + kept))
        setting = "fixed_pairs"
    max_km = options.max_distance_km
    for pair in must:
        where = setting if exact or pair in set(fixed) else "previous_pairs"
        if pair not in all_dist:
            raise InfeasibleError(f"{where}: pair {pair[0]} -> {pair[1]} has no distance "
                                  "in the distances table, so it cannot be used")
        if max_km is not None and all_dist[pair] > max_km:
            raise InfeasibleError(f"{where}: pair {pair[0]} -> {pair[1]} is "
                                  f"{all_dist[pair]:.0f} km apart, beyond max_distance_km="
                                  f"{max_km:g}")

    names = list(zip((donors[d] for d in pair_d), (recipients[r] for r in pair_r),
                     strict=True))
    must_set, forbid_set, prev_set = set(must), set(forbidden), set(previous)
    is_fixed = np.asarray([p in must_set for p in names], dtype=bool)
    if exact:
        cand = is_fixed.copy()
    else:
        cand = np.asarray([p not in forbid_set for p in names], dtype=bool)
        if max_km is not None:
            cand &= pair_dist <= max_km
        cand |= is_fixed
    is_prev = np.asarray([p in prev_set for p in names], dtype=bool)

    k = _limits(options.max_donors_per_recipient, options.default_max_donors_per_recipient,
                recipients, "max_donors_per_recipient")
    m = _limits(options.max_recipients_per_donor, options.default_max_recipients_per_donor,
                donors, "max_recipients_per_donor")
    needs = gaps.reshape(R, -1).max(axis=1, initial=0.0) > 0
    lo = np.where(needs, options.min_donors_per_recipient, 0).astype(np.int64)
    if exact:
        k = np.full(R, len(donors), dtype=np.int64)
        m = np.full(D, len(recipients), dtype=np.int64)
        lo = np.zeros(R, dtype=np.int64)
    return Instance(
        donors=donors, recipients=recipients, resources=resources, dates=dates,
        capacity=capacity, raw_capacity=raw_cap, gaps=gaps, demand_rows=(ri, si, ti),
        weights=weights, pair_d=pair_d[cand], pair_r=pair_r[cand],
        pair_dist=pair_dist[cand], fixed=is_fixed[cand], previous=is_prev[cand],
        n_previous=len(set(previous)), k=k, m=m, lo=lo, exact=exact, team=team,
    )
