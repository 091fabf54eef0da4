"""Changes of a new plan against the plan in force (re-planning with ``--previous``).

Every pair of either plan is listed once: ``kept`` (in both), ``dropped`` (only in the plan
in force: a deployed team would be withdrawn) or ``added`` (only in the new plan), each with
the reason in the planner's words. Nothing about a team in place may change silently
(case c0015; the same need is behind "track changed from the starting value" in
non-disruptive re-planning, TimefoldAI/timefold-solver#1484).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from pairaid.pairing.types import Pair

CHANGE_COLUMNS = ("donor_code", "recipient_code", "change", "sent", "reason")
"""Columns of the ``changes`` table: codes, ``kept`` / ``dropped`` / ``added``, staff the
new plan sends along the pair [staff] (0 for a dropped pair), reason (text)."""
CHANGE_ORDER = ("dropped", "added", "kept")


def plan_changes(previous: Iterable[Pair], pairs: pd.DataFrame, *,
                 capacity: Mapping[str, float], peak_gap: Mapping[str, float],
                 change_cost: float | None, fixed: Iterable[Pair] = (),
                 forbidden: Iterable[Pair] = ()) -> pd.DataFrame:
    """The ``changes`` table of a plan against the plan in force.

    Parameters
    ----------
    previous : iterable of (donor_code, recipient_code)
        Pairs of the plan in force.
    pairs : DataFrame
        The new plan's ``pairs`` (``donor_code``, ``recipient_code``, ``sent`` [staff]).
    capacity : mapping donor_code -> float
        Staff each donor can send in this run (all resources) [staff].
    peak_gap : mapping recipient_code -> float
        Each recipient's largest staff gap over the horizon [staff on the day].
    change_cost : float or None
        Objective cost of each pair dropped or added (``--change-cost``); None when the
        pairs of the plan in force are kept as a rule.
    fixed, forbidden : iterable of (donor_code, recipient_code)
        The run's fixed (``--fix``) and forbidden (``--forbid``) pairs: a pair dropped
        because it is forbidden, added because it is fixed, or dropped from a recipient
        that gets a new fixed pair says so, not "serves the cities better".

    Returns
    -------
    DataFrame
        Columns :data:`CHANGE_COLUMNS`, dropped pairs first, then added, then kept; within
        each, by recipient and donor.
    """
    prev = {(str(d), str(r)) for d, r in previous}
    fix = {(str(d), str(r)) for d, r in fixed}
    ban = {(str(d), str(r)) for d, r in forbidden}
    sent = {(str(d), str(r)): float(s) for d, r, s in
            zip(pairs["donor_code"], pairs["recipient_code"], pairs["sent"], strict=True)}

    def why_idle(d: str, r: str) -> str:
        if capacity.get(d, 0.0) <= 0:
            return f"{d} has no staff left to send"
        if peak_gap.get(r, 0.0) <= 0:
            return f"{r} has no staff gap"
        return ("the staff available is used where it lowers the shortfall most")

    rows = []
    for d, r in sorted(prev | set(sent), key=lambda p: (p[1], p[0])):
        if (d, r) in prev and (d, r) in sent:
            if sent[(d, r)] > 0:
                reason = "kept from the plan in force"
            else:
                let_go = ("; use --change-cost to let it go" if change_cost is None
                          else f"; dropping it would cost {change_cost:g} (--change-cost)")
                reason = (f"kept from the plan in force but sends no staff: "
                          f"{why_idle(d, r)}{let_go}")
            rows.append((d, r, "kept", sent[(d, r)], reason))
        elif (d, r) in prev:
            at_r = sorted(f"{fd}→{fr}" for fd, fr in fix - prev if fr == r)
            at_d = sorted(f"{fd}→{fr}" for fd, fr in fix - prev if fd == d and fr != r)
            new_fixed = [f"{', '.join(x)} (--fix) took a place of {who} ({flag})"
                         for x, who, flag in ((at_r, r, "--k"), (at_d, d, "--m")) if x]
            if (d, r) in ban:
                cause = "the pair is forbidden (--forbid)"
            elif capacity.get(d, 0.0) <= 0 or peak_gap.get(r, 0.0) <= 0:
                cause = why_idle(d, r)
            elif new_fixed:
                cause = "fixed pair " + "; fixed pair ".join(new_fixed)
            else:
                cause = "another pairing serves the cities better"
            rows.append((d, r, "dropped", 0.0,
                         f"withdrawn: {cause}" + (f" (each change costs {change_cost:g}, "
                                                  "--change-cost)" if change_cost else "")))
        else:
            rows.append((d, r, "added", sent[(d, r)],
                         "new pair: fixed (--fix)" if (d, r) in fix else
                         "new pair" + (f" (worth more than its change cost {change_cost:g})"
                                       if change_cost else "")))
    out = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    order = {c: i for i, c in enumerate(CHANGE_ORDER)}
    return (out.sort_values(["change", "recipient_code", "donor_code"],
                            key=lambda s: s.map(order) if s.name == "change" else s)
            .reset_index(drop=True))


def change_counts(changes: pd.DataFrame) -> dict[str, int]:
    """``pairs_kept``, ``pairs_dropped``, ``pairs_added`` and ``changed_pairs`` (dropped +
    added) of a ``changes`` table."""
    n = changes["change"].value_counts()
    kept, dropped, added = (int(n.get(c, 0)) for c in ("kept", "dropped", "added"))
    return {"pairs_kept": kept, "pairs_dropped": dropped, "pairs_added": added,
            "changed_pairs": dropped + added}
