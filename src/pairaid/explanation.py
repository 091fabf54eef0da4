"""Why a plan is what it is: the plan of a run re-solved with one thing changed.

:func:`explain` over a :class:`pairaid.pipeline.PlanRun` (what forbidding each pair would
cost, what one more team would save, the stable pairing, and why each transfer was chosen).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pairaid.pairing import check_stability, forbid_costs, marginal_values, stable_pairs
from pairaid.pairing.analysis.transfer_explain import TransferExplanation, explain_transfers
from pairaid.pairing.formulations.transfer import TransferOptions
from pairaid.pipeline import PlanRun, in_plan_terms


@dataclass(frozen=True, eq=False)
class Explanation:
    """Why the plan is what it is.

    Attributes
    ----------
    forbid_costs : pandas.DataFrame
        Per chosen pair: objective and shortfall change if it were forbidden
        (:func:`pairaid.pairing.forbid_costs`).
    marginal_values : pandas.DataFrame
        Per recipient: objective decrease from one more team of ``team`` staff
        (:func:`pairaid.pairing.marginal_values`).
    stable_pairs : list of (donor_code, recipient_code)
        Deferred-acceptance pairing from rankings by distance, gap and capacity.
    official_blocking_pairs : list of (donor_code, recipient_code) or None
        Pairs that would rather be matched to each other than keep the official pairing
        (empty = the official pairing is stable under those rankings).
    transfers : TransferExplanation or None
        Why the ICU transfer plan moves what it moves
        (:func:`pairaid.pairing.analysis.transfer_explain.explain_transfers`), for a run with
        transfers.
    """

    forbid_costs: pd.DataFrame
    marginal_values: pd.DataFrame
    stable_pairs: list[tuple[str, str]]
    official_blocking_pairs: list[tuple[str, str]] | None
    team: dict[str, int]
    transfers: TransferExplanation | None = None


TEAM = {"doctors": 30, "nurses": 100}
"""Size of "one more team" in :func:`explain` [staff]: an assumed typical provincial team
of 130 (the Chongqing team of 2020-02-12 had 46 doctors and 96 nurses, medical_teams.csv)."""


def explain(run: PlanRun, *, team: dict[str, int] | None = None) -> Explanation:
    """Explain a plan by re-solving the same model (see :mod:`pairaid.pairing.analysis.explain`).

    Parameters
    ----------
    run : PlanRun
        A finished run.
    team : dict of str to int, optional
        Staff per resource of "one more team" [staff]; default :data:`TEAM`.

    Returns
    -------
    Explanation
    """
    team = dict(team or TEAM)
    forbid = forbid_costs(run.problem, run.options, run.plan)
    forbid["reason"] = forbid["reason"].map(in_plan_terms)
    marginal = marginal_values(run.problem, run.options, team=team, result=run.plan)
    stable = stable_pairs(run.problem, run.options)
    blocking = None
    if run.official is not None:
        official = list(zip(run.official.pairs["donor_code"], run.official.pairs[
            "recipient_code"], strict=True))
        blocking = check_stability(run.problem, official, run.options)
    moves = None
    if run.transfers is not None:
        tp = run.transfers
        moves = explain_transfers(tp.problem, tp.options or TransferOptions(), tp.plan)
    return Explanation(forbid_costs=forbid, marginal_values=marginal, stable_pairs=stable,
                       official_blocking_pairs=blocking, team=team, transfers=moves)
