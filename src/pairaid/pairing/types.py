"""Problem, options and result of the pairing engine (plain frozen dataclasses)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from pairaid.pairing.highs import SolveStatus

Pair = tuple[str, str]
"""A ``(donor_code, recipient_code)`` pair."""

__all__ = ["Pair", "PairingOptions", "PairingProblem", "PairingResult", "SolveStatus"]


@dataclass(frozen=True, eq=False)
class PairingProblem:
    """The data of one pairing decision.

    Parameters
    ----------
    supply : DataFrame
        ``donor_code`` (str), ``resource`` (str), ``capacity`` [staff that the donor may
        send, >= 0]. Key: ``donor_code, resource``.
    demand : DataFrame
        ``recipient_code`` (str), ``resource`` (str), ``date`` (datetime64), ``gap``
        [staff on the day, >= 0]. Key: ``recipient_code, resource, date``. A recipient that
        has a positive gap for some resource on some day *needs* a donor.
    distances : DataFrame
        ``donor_code``, ``recipient_code``, ``distance_km`` [km]. Only the pairs listed here
        are candidate pairs; rows naming codes absent from ``supply``/``demand`` are
        ignored.
    weights : Mapping[str, float]
        Weight of one staff-day of shortfall, per resource [objective units per
        staff-day]; must cover every resource in ``demand``. Use it to express urgency
        (e.g. weigh ICU nurses above general doctors).
    """

    supply: pd.DataFrame
    demand: pd.DataFrame
    distances: pd.DataFrame
    weights: Mapping[str, float]


@dataclass(frozen=True)
class PairingOptions:
    """Settings of the pairing model (all keyword; defaults are the 2020 "one province,
    one city" rule with up to two donors per city).

    Parameters
    ----------
    max_donors_per_recipient : int or Mapping[str, int]
        k: at most this many donors per recipient (a mapping overrides
        ``default_max_donors_per_recipient`` per recipient code).
    max_recipients_per_donor : int or Mapping[str, int]
        m: at most this many recipients per donor (a mapping overrides
        ``default_max_recipients_per_donor`` per donor code). In 2020 Shanxi supported
        three small cities, so give it ``{"CN-SX": 3}``.
    min_donors_per_recipient : int
        Every recipient with a positive gap gets at least this many donors (default 1).
    fixed_pairs, forbidden_pairs : sequence of (donor_code, recipient_code)
        Pairs that must / must not be chosen.
    exact_pairs : sequence of pairs or None
        If given, exactly these pairs are used and the degree limits (k, m, at least one
        donor) are not imposed; the model then only finds the best flows. Used to
        evaluate a given plan such as the official 2020-02-10 pairing.
    max_total_sent : float or None
        Cap on the total staff sent, summed over donors, recipients and resources [staff];
        under the team rule each pair's team doctors (``ceil(rho n)``) are not counted
        (:func:`pairaid.pairing.teams.capped_staff`).
    distance_weight : float
        Objective weight of a chosen pair per km of distance [objective units per km].
    max_distance_km : float or None
        Pairs farther apart are not candidates [km].
    reserves : Mapping[(donor_code, resource), float]
        Staff each donor keeps for its own population on top of what ``capacity`` already
        excludes [staff]; the model never sends below this reserve.
    reserve_share : float
        Share of every donor's capacity kept back as a reserve, in [0, 1).
    burden_max_weight : float
        Weight of the largest donor burden in the objective: min-max fairness [objective
        units per unit burden]. A donor's burden is its largest share of one resource's
        capacity sent (dominant share; doctors and nurses are not added up), see
        :mod:`pairaid.burden`.
    burden_deviation_weight : float
        Weight of the sum over donors and resources of |share sent - overall share|, where
        the overall share of a resource is total sent / total capacity: a target
        proportional to capacity (the Wenchuan 2008 rule of each donor giving the same
        share) [objective units per unit burden].
    previous_pairs : sequence of pairs
        Pairs of the plan in force (teams already deployed).
    keep_previous : bool
        If true (default), previous pairs are kept as fixed pairs; if false, each changed
        pair (a previous pair dropped or a new pair added) costs ``change_cost``.
    change_cost : float
        Objective cost of one changed pair [objective units per pair].
    integer_flows : bool
        Staff flows are integers (default) or continuous.
    time_limit : float
        Solver time limit [s].
    mip_rel_gap : float
        Relative optimality gap at which the solver stops (0 = prove the optimum).
    threads : int or None
        Solver threads (None = solver default).
    team_doctors_per_nurse : float
        Team-composition rule: every pair that sends nurses sends at least this many
        doctors per nurse [doctors/nurse], as teams travel with doctors of their own (2020:
        0.60, the 17 provincial contingents of 2020-02-12, Xinhua 2020-02-13). Those
        doctors cover the recipient's doctor gap where it has one and are the team's own
        beyond it; they count against the donor's doctors, burden and ``max_total_sent``.
        0 (default; ``team_doctors_per_nurse`` in a plan's TOML) switches it off. Only the compact
        model honours it: with a positive value the assignment, subset and transportation
        methods do not apply, nor the column-generation bound (:mod:`pairaid.pairing.teams`).
    formulation : str
        ``"auto"`` (default) picks the fastest exact model: ``"assignment"`` (linear
        assignment, when k = m = 1 without max_total_sent and burden terms), else
        ``"subsets"`` (donor-subset set partitioning, when m <= 1 without burden terms
        and with few enough subsets), else, for large problems, ``"transport"``
        (transportation relaxation and repair, a plan with a certified gap), else
        ``"compact"`` (the MIP). Naming one forces it (ConfigError where it does not
        apply).
    """

    max_donors_per_recipient: int | Mapping[str, int] = 2
    max_recipients_per_donor: int | Mapping[str, int] = 1
    default_max_donors_per_recipient: int = 2
    default_max_recipients_per_donor: int = 1
    min_donors_per_recipient: int = 1
    fixed_pairs: Sequence[Pair] = ()
    forbidden_pairs: Sequence[Pair] = ()
    exact_pairs: Sequence[Pair] | None = None
    max_total_sent: float | None = None
    distance_weight: float = 1e-3
    max_distance_km: float | None = None
    reserves: Mapping[tuple[str, str], float] = field(default_factory=dict)
    reserve_share: float = 0.0
    burden_max_weight: float = 0.0
    burden_deviation_weight: float = 0.0
    previous_pairs: Sequence[Pair] = ()
    keep_previous: bool = True
    change_cost: float = 0.0
    integer_flows: bool = True
    time_limit: float = 60.0
    mip_rel_gap: float = 0.0
    threads: int | None = None
    team_doctors_per_nurse: float = 0.0
    formulation: str = "auto"

    @classmethod
    def for_mode(cls, mode: str, *, k: int = 2, m: int = 1, **kwargs: object) -> PairingOptions:
        """Options for a named pairing mode.

        ``"1:1"`` (each side at most one partner), ``"k:1"`` (up to ``k`` donors per
        recipient, one recipient per donor), ``"1:k"`` (one donor per recipient, a donor
        may take up to ``m`` recipients), ``"m:n"`` (up to ``k`` and ``m``).

        Raises
        ------
        ConfigError
            Unknown mode.
        """
        from pairaid.errors import ConfigError

        limits = {"1:1": (1, 1), "k:1": (k, 1), "1:k": (1, m), "m:n": (k, m)}
        if mode not in limits:
            raise ConfigError(f"pairing mode must be one of {sorted(limits)}, got {mode!r}")
        kk, mm = limits[mode]
        return cls(
            max_donors_per_recipient=kk, max_recipients_per_donor=mm, **kwargs  # type: ignore[arg-type]
        )


@dataclass(frozen=True, eq=False)
class PairingResult:
    """Result of :func:`pairaid.pairing.solve`.

    Attributes
    ----------
    status : SolveStatus
    objective : float
        Objective value of the plan returned [objective units].
    bound : float
        Best proven lower bound on the objective.
    mip_gap : float
        ``(objective - bound) / |objective|`` as reported by the solver (0 when proven).
    solve_seconds : float
        Wall-clock time of model building and solving [s].
    pairs : DataFrame
        ``donor_code``, ``recipient_code``, ``distance_km`` [km], ``fixed`` (bool: fixed,
        exact or kept previous pair), ``previous`` (bool: a pair of the previous plan),
        ``sent`` [staff, all resources].
    flows : DataFrame
        ``donor_code``, ``recipient_code``, ``resource``, ``quantity`` [staff], one row
        per chosen pair and resource of the problem (0 where nothing is sent).
    shortfall : DataFrame
        ``recipient_code``, ``resource``, ``date``, ``gap``, ``received``, ``shortfall``
        [staff on the day], one row per row of the demand table.
    burden : DataFrame
        ``donor_code``, ``capacity`` [staff, all resources], ``sent`` [staff], ``burden``
        (largest share of one resource's capacity sent, :mod:`pairaid.burden`; NaN when
        the donor has no capacity).
    terms : dict[str, float]
        Value of each objective term (``shortfall``, ``distance``, ``burden_max``,
        ``burden_deviation``, ``stability``); they sum to ``objective``.
    measures : dict[str, float]
        The same terms in natural units: ``shortfall_staff_days``, ``total_distance_km``,
        ``max_burden``, ``burden_deviation``, ``changed_pairs``, ``staff_sent``,
        ``staff_capped`` (the staff ``max_total_sent`` counts: all but the team doctors,
        :func:`pairaid.pairing.teams.capped_staff`).
    diagnosis : str or None
        Words on why no plan exists (only set on results that carry no plan).
    formulation : str
        The method used: ``"assignment"``, ``"subsets"``, ``"transport"`` or
        ``"compact"``.
    bound_source : str
        Where ``bound`` and ``mip_gap`` come from: ``"solver"`` (HiGHS' own bound and gap,
        for the plan HiGHS returned), ``"solver bound, gap recomputed"`` (HiGHS' bound; the
        gap recomputed for the plan re-evaluated from its pairs and flows, which differed
        from HiGHS' value), ``"transport bound, gap recomputed"`` (the transportation
        method's flow bound), ``"column-generation bound, gap
        recomputed"`` (m > 1: the bound of :mod:`pairaid.pairing.formulations.colgen`,
        tighter than HiGHS' own on the compact model),
        ``"exact method (no bound computed)"`` (the one-to-one assignment algorithm,
        optimal by construction: bound = objective, gap 0),
        ``"none"`` (no bound) or ``"not solved"`` (a plan given, not optimised).
    """

    status: SolveStatus
    objective: float
    bound: float
    mip_gap: float
    solve_seconds: float
    pairs: pd.DataFrame
    flows: pd.DataFrame
    shortfall: pd.DataFrame
    burden: pd.DataFrame
    terms: dict[str, float]
    measures: dict[str, float]
    diagnosis: str | None = None
    formulation: str = "compact"
    bound_source: str = "solver"
