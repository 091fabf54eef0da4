"""Patient-transfer pairing: move patients from regions over capacity to paired donors.

A second pairing model next to staff pairing (:mod:`pairaid.pairing.formulations.model`),
built with the same HiGHS bridge (:class:`pairaid.pairing.highs.MipBuilder`) and reporting the same
certificates (status, objective, bound, gap).

Model (days ``t = 0 … H−1``, candidate pairs ``p = (d, r)`` within the distance limit)::

    x[p, t] ∈ ℤ≥0        patients moved from r to d on day t
    u[r, t] ≥ 0          patients of r without a bed on day t
    Σ_{p∋r} Σ_{s=t−L+1..t} x[p, s] + u[r, t] ≥ overflow[r, t]     (each recipient, day)
    Σ_{p∋d} Σ_{s=t−L+1..t} x[p, s]            ≤ spare[d, t]        (each donor, day)
    Σ_p x[p, t]                               ≤ max_per_day         (each day)
    x[p, t] ≤ M y[p],  Σ_{d} y[d, r] ≤ k,  Σ_{r} y[d, r] ≤ m           (pairing limits)

A moved patient occupies the donor's bed for ``L`` days (the ICU stay), and frees one of
the recipient's for as long. The objective is lexicographic: first the patient-days without
a bed ``Σ u``, then the patient-km ``Σ distance[p] · x[p, t]`` at that optimum (two solves;
the second fixes ``Σ u`` to the first's optimum).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pairaid.errors import ConfigError
from pairaid.pairing.highs import INF, MipBuilder, MipSolution, SolveStatus


@dataclass(frozen=True)
class TransferProblem:
    """Input of the patient-transfer model.

    Attributes
    ----------
    overflow : pandas.DataFrame
        ``recipient_code``, ``day`` (0 … H−1), ``overflow`` [patients]: need above the
        recipient's own beds on that day (0 when within them).
    spare : pandas.DataFrame
        ``donor_code``, ``day``, ``spare`` [beds]: beds a donor can give on that day.
    distances : pandas.DataFrame
        ``donor_code``, ``recipient_code``, ``distance_km`` [km]: the candidate pairs.
    stay_days : int
        Days a moved patient occupies the donor's bed (and frees the recipient's) [days].
    """

    overflow: pd.DataFrame
    spare: pd.DataFrame
    distances: pd.DataFrame
    stay_days: int


@dataclass(frozen=True)
class TransferOptions:
    """Limits of the transfer plan.

    Attributes
    ----------
    max_per_day : int or None
        Most patients moved per day, all pairs together [patients/day].
    max_km : float or None
        Pairs farther apart are not candidates [km].
    max_donors_per_recipient, max_recipients_per_donor : int or None
        Pairing limits (``k``, ``m``); ``None`` = none.
    allowed_pairs : list of (donor_code, recipient_code) or None
        Only these pairs are candidates (e.g. a fixed-cluster rule).
    time_limit : float
        Solver time limit per solve [s].
    """

    max_per_day: int | None = None
    max_km: float | None = None
    max_donors_per_recipient: int | None = None
    max_recipients_per_donor: int | None = None
    allowed_pairs: list[tuple[str, str]] | None = None
    time_limit: float = 60.0


@dataclass(frozen=True, eq=False)
class TransferResult:
    """A transfer plan with its certificate.

    Attributes
    ----------
    status : SolveStatus
        ``optimal`` = both levels proven optimal; otherwise the status of the first level
        not proven (unserved patient-days first, then patient-km).
    unserved_patient_days : float
        Σ patient-days without a bed (first objective) [patient-days].
    unserved_bound : float
        Solver's lower bound on it [patient-days].
    patient_km : float
        Σ patients × km of the plan (second objective) [patient-km].
    patient_km_bound : float
        Lower bound on it given the first level [patient-km].
    mip_gap : float
        Relative gap of the level ``status`` describes: of the first (unserved
        patient-days) solve when that one stopped on the time limit, else of the second
        (patient-km) solve; inf when the second found no plan in time.
    transfers : pandas.DataFrame
        ``donor_code``, ``recipient_code``, ``day``, ``patients`` [patients],
        ``distance_km`` [km]; rows with patients > 0.
    unserved : pandas.DataFrame
        ``recipient_code``, ``day``, ``overflow``, ``moved_out`` (patients of the
        recipient in donor beds that day), ``unserved`` [patients].
    occupancy : pandas.DataFrame
        ``donor_code``, ``day``, ``received`` (transferred patients in its beds that day),
        ``spare`` [beds].
    seconds : float
    """

    status: SolveStatus
    unserved_patient_days: float
    unserved_bound: float
    patient_km: float
    patient_km_bound: float
    mip_gap: float
    transfers: pd.DataFrame
    unserved: pd.DataFrame
    occupancy: pd.DataFrame
    seconds: float
    notes: list[str] = field(default_factory=list)


def candidate_pairs(problem: TransferProblem, options: TransferOptions) -> pd.DataFrame:
    """Pairs that may move patients: a donor with spare-bed rows and a recipient with an
    overflow on some day, within ``max_km`` and ``allowed_pairs``; columns ``donor_code``,
    ``recipient_code``, ``distance_km`` [km]."""
    pairs = problem.distances[["donor_code", "recipient_code", "distance_km"]].copy()
    donors = set(problem.spare["donor_code"])
    needy = set(problem.overflow.loc[problem.overflow["overflow"] > 0, "recipient_code"])
    pairs = pairs[pairs["donor_code"].isin(donors) & pairs["recipient_code"].isin(needy)]
    if options.max_km is not None:
        pairs = pairs[pairs["distance_km"] <= options.max_km]
    if options.allowed_pairs is not None:
        allowed = set(options.allowed_pairs)
        pairs = pairs[[(d, r) in allowed for d, r in zip(pairs["donor_code"],
                                                         pairs["recipient_code"],
                                                         strict=True)]]
    return pairs.reset_index(drop=True)


def _build(problem: TransferProblem, options: TransferOptions, pairs: pd.DataFrame,
           days: int, *, unserved_cap: float | None) -> tuple[MipBuilder, np.ndarray,
                                                            np.ndarray]:
    """Model of the module docstring; cost = Σu (``unserved_cap`` None) or patient-km with
    Σu ≤ ``unserved_cap``."""
    b = MipBuilder()
    recips = sorted(set(problem.overflow["recipient_code"]))
    donors = sorted(set(problem.spare["donor_code"]))
    n_p, L = len(pairs), max(int(problem.stay_days), 1)
    km = pairs["distance_km"].to_numpy(float)
    second = unserved_cap is not None
    x = b.add_vars(n_p * days, cost=np.repeat(km, days) if second else 0.0, integer=True)
    u = b.add_vars(len(recips) * days, cost=0.0 if second else 1.0)
    xi = x.reshape(n_p, days)
    over = problem.overflow.pivot_table(index="recipient_code", columns="day",
                                        values="overflow", aggfunc="sum").reindex(
        index=recips, columns=range(days)).fillna(0.0).to_numpy(float)
    spare = problem.spare.pivot_table(index="donor_code", columns="day", values="spare",
                                      aggfunc="sum").reindex(
        index=donors, columns=range(days)).fillna(0.0).to_numpy(float)
    r_of = pairs["recipient_code"].map({c: i for i, c in enumerate(recips)}).to_numpy()
    d_of = pairs["donor_code"].map({c: i for i, c in enumerate(donors)}).to_numpy()

    def window(t: int) -> range:
        return range(max(0, t - L + 1), t + 1)

    def in_bed(of: np.ndarray, n: int) -> tuple[list[int], list[int]]:
        """COO triplets of one row per (region i, day t), row i * days + t: the patients
        moved along region i's pairs on the days they are still in bed on day t."""
        rows: list[int] = []
        cols: list[int] = []
        for i in range(n):
            ps = np.flatnonzero(of == i)
            for t in range(days):
                for p in ps:
                    for s in window(t):
                        rows.append(i * days + t)
                        cols.append(xi[p, s])
        return rows, cols

    # a recipient's overflow is moved out or left unserved (u), every day
    rows, cols = in_bed(r_of, len(recips))
    n_r = len(recips) * days
    b.add_rows(rows=rows + list(range(n_r)), cols=cols + list(u[:n_r]), vals=1.0,
               lower=over.ravel(), upper=INF)
    # a donor's spare beds hold the patients moved in, every day
    rows, cols = in_bed(d_of, len(donors))
    if len(donors) * days:
        b.add_rows(rows=rows, cols=cols, vals=1.0, lower=np.full(len(donors) * days, -INF),
                   upper=spare.ravel())
    if options.max_per_day is not None and n_p:
        b.add_rows(rows=np.tile(np.arange(days), n_p), cols=xi.ravel(), vals=1.0,
                   lower=np.full(days, -INF), upper=float(options.max_per_day))
    k_lim, m_lim = options.max_donors_per_recipient, options.max_recipients_per_donor
    if (k_lim is not None or m_lim is not None) and n_p:
        y = b.add_vars(n_p, upper=1.0, integer=True)
        big = float(max(spare.max(initial=0.0), over.max(initial=0.0), 1.0))
        # x[p, t] − M y[p] ≤ 0
        b.add_rows(rows=np.concatenate([np.arange(n_p * days), np.arange(n_p * days)]),
                   cols=np.concatenate([xi.ravel(), np.repeat(y, days)]),
                   vals=np.concatenate([np.ones(n_p * days), np.full(n_p * days, -big)]),
                   lower=np.full(n_p * days, -INF), upper=0.0)
        if k_lim is not None:
            b.add_rows(rows=r_of, cols=y, vals=1.0, lower=np.full(len(recips), -INF),
                       upper=float(k_lim))
        if m_lim is not None:
            b.add_rows(rows=d_of, cols=y, vals=1.0, lower=np.full(len(donors), -INF),
                       upper=float(m_lim))
    if unserved_cap is not None:
        b.add_rows(rows=np.zeros(u.size, dtype=int), cols=u, vals=1.0, lower=[-INF],
                   upper=float(unserved_cap) + 1e-6)
    return b, xi, u


def solve_transfers(problem: TransferProblem,
                    options: TransferOptions | None = None) -> TransferResult:
    """Solve the patient-transfer model (lexicographic, two HiGHS solves).

    Returns
    -------
    TransferResult

    Raises
    ------
    pairaid.errors.ConfigError
        If ``stay_days`` < 1 or a table lacks its columns.
    """
    options = options or TransferOptions()
    if problem.stay_days < 1:
        raise ConfigError(f"the stay of a moved patient must be ≥ 1 day, not "
                          f"{problem.stay_days}")
    days = int(max(problem.overflow["day"].to_numpy().max(initial=-1),
                   problem.spare["day"].to_numpy().max(initial=-1))) + 1
    pairs = candidate_pairs(problem, options)
    b1, _, _ = _build(problem, options, pairs, days, unserved_cap=None)
    # moving nobody is always a plan (every overflow unserved): HiGHS starts from it, so a
    # short time limit returns that plan or a better one, never none (the c0014 kind)
    nobody = np.where(np.concatenate(b1.integer), 0.0, np.nan) if b1.integer else None
    first: MipSolution = b1.solve(time_limit=options.time_limit, start=nobody)
    if first.x is None and first.status == SolveStatus.TIME_LIMIT_NO_SOLUTION:
        # stopped before HiGHS even read the start: the plan that moves nobody it is
        unserved = float(problem.overflow["overflow"].sum())
        bound = max(float(first.bound), 0.0) if np.isfinite(first.bound) else 0.0
        gap = (unserved - bound) / unserved if unserved > 0 else 0.0
        stop = MipSolution(SolveStatus.TIME_LIMIT_FEASIBLE, None, unserved, bound, gap,
                           first.seconds)
        result = _result(problem, pairs, np.zeros((len(pairs), days)), days, stop, stop,
                         SolveStatus.TIME_LIMIT_FEASIBLE, gap)
        result.notes.append(f"the time limit ({options.time_limit:g} s) ran out before any "
                            "transfer plan was found: no patient is moved; raise the time "
                            "limit (--time-limit)")
        return result
    if first.x is None:
        raise ConfigError(f"the transfer model found no plan (status {first.status.value})")
    b2, xi, u = _build(problem, options, pairs, days, unserved_cap=first.objective)
    second = b2.solve(time_limit=options.time_limit, start=first.x)
    sol = second if second.x is not None else first
    x = np.rint(sol.x[xi]) if sol.x is not None else np.zeros(xi.shape)
    if not first.status.proven:
        # the first level (unserved patient-days) is the one not proven: its status and gap
        # describe the plan, not the second level's (proven given the first's plan) (c0019)
        # unserved patient-days are never negative: 0 bounds them when HiGHS has no bound
        low = max(float(first.bound), 0.0) if np.isfinite(first.bound) else 0.0
        status = first.status
        gap = (first.objective - low) / first.objective if first.objective > 0 else 0.0
    elif second.x is None:  # the first level's plan stands; patient-km not optimised
        status, gap = SolveStatus.TIME_LIMIT_FEASIBLE, float("inf")
    else:
        status, gap = second.status, second.mip_gap
    return _result(problem, pairs, x, days, first, second, status, gap)


def _result(problem: TransferProblem, pairs: pd.DataFrame, x: np.ndarray, days: int,
            first: MipSolution, second: MipSolution, status: SolveStatus,
            gap: float) -> TransferResult:
    L = max(int(problem.stay_days), 1)
    rows = [{"donor_code": d, "recipient_code": r, "day": t, "patients": int(x[p, t]),
             "distance_km": float(km)}
            for p, (d, r, km) in enumerate(zip(pairs["donor_code"], pairs["recipient_code"],
                                               pairs["distance_km"], strict=True))
            for t in range(days) if x[p, t] > 0]
    transfers = pd.DataFrame(rows, columns=["donor_code", "recipient_code", "day",
                                            "patients", "distance_km"])
    in_beds = np.zeros_like(x)
    for t in range(days):
        in_beds[:, t] = x[:, max(0, t - L + 1):t + 1].sum(axis=1)
    placed = pd.DataFrame({"donor_code": np.repeat(pairs["donor_code"].to_numpy(), days),
                           "recipient_code": np.repeat(pairs["recipient_code"].to_numpy(),
                                                       days),
                           "day": np.tile(np.arange(days), len(pairs)),
                           "in_beds": in_beds.ravel()})
    out = problem.overflow.groupby(["recipient_code", "day"], as_index=False)["overflow"].sum()
    moved = placed.groupby(["recipient_code", "day"], as_index=False)["in_beds"].sum()
    out = out.merge(moved, on=["recipient_code", "day"], how="left").fillna({"in_beds": 0.0})
    out = out.rename(columns={"in_beds": "moved_out"})
    out["unserved"] = np.maximum(out["overflow"] - out["moved_out"], 0.0)
    occ = problem.spare.merge(placed.groupby(["donor_code", "day"], as_index=False)[
        "in_beds"].sum(), on=["donor_code", "day"], how="left").fillna({"in_beds": 0.0})
    occ = occ.rename(columns={"in_beds": "received"})[["donor_code", "day", "received",
                                                        "spare"]]
    km = float((transfers["patients"] * transfers["distance_km"]).sum())
    return TransferResult(
        status=status, unserved_patient_days=float(out["unserved"].sum()),
        unserved_bound=float(first.bound), patient_km=km,
        patient_km_bound=float(second.bound) if second.x is not None else float("nan"),
        mip_gap=float(gap), transfers=transfers, unserved=out, occupancy=occ,
        seconds=first.seconds + second.seconds)


def pairs_within(groups: dict[str, str], donors: Sequence[str],
                 recipients: Sequence[str]) -> list[tuple[str, str]]:
    """Donor-recipient pairs inside the same group (fixed-cluster rule).

    Parameters
    ----------
    groups : dict of str to str
        Region code -> cluster name.
    """
    return [(d, r) for d in donors for r in recipients
            if d in groups and groups.get(d) == groups.get(r)]
