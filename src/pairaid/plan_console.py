"""Terminal side of ``pairaid plan``: the plan, its comparison with the official pairing,
what changed from a previous plan, the solver's note, ``--explain`` and ``--sensitivity``
printed (the plan itself is :func:`pairaid.pipeline.plan`)."""

from __future__ import annotations

import math
from typing import Any

from rich.markup import escape
from rich.table import Table

from pairaid.cli import console


def _print_plan(run: Any) -> None:
    names = run.dataset.region_names("en")
    flows = run.plan.flows.pivot_table(index=["donor_code", "recipient_code"],
                                       columns="resource", values="quantity",
                                       aggfunc="sum", fill_value=0)
    short = run.plan.shortfall.groupby("recipient_code")["shortfall"].sum()
    gap = run.plan.shortfall.groupby("recipient_code")["gap"].sum()
    k = run.options.default_max_donors_per_recipient
    m = run.options.default_max_recipients_per_donor
    limits = [f"k≤{k}", f"m≤{m}"]
    limits += [f"k({c})≤{v}" for c, v in run.options.max_donors_per_recipient.items()] \
        if isinstance(run.options.max_donors_per_recipient, dict) else []
    limits += [f"m({c})≤{v}" for c, v in run.options.max_recipients_per_donor.items()] \
        if isinstance(run.options.max_recipients_per_donor, dict) else []
    if run.config.max_distance_km is not None:
        limits.append(f"≤{run.config.max_distance_km:g} km")
    table = Table(title=f"pairaid plan · {run.dataset.name} · {run.config.decision_date} + "
                  f"{run.config.horizon_days} d · {', '.join(limits)}")
    for col in ("donor", "recipient", "doctors", "nurses", "city gap covered", "km"):
        table.add_column(col, justify="right" if col not in ("donor", "recipient") else "left")
    for row in run.plan.pairs.itertuples():
        key = (row.donor_code, row.recipient_code)
        doc = float(flows.loc[key].get("doctors", 0)) if key in flows.index else 0.0
        nur = float(flows.loc[key].get("nurses", 0)) if key in flows.index else 0.0
        g = float(gap.get(row.recipient_code, 0.0))
        covered = "no gap" if g <= 0 else f"{1 - float(short[row.recipient_code]) / g:.0%}"
        table.add_row(escape(f"{names[row.donor_code]} ({row.donor_code})"),
                      escape(f"{names[row.recipient_code]} ({row.recipient_code})"),
                      f"{abs(doc):,.0f}", f"{abs(nur):,.0f}", covered,
                      f"{row.distance_km:,.0f}")
    console.print(table)
    pairs = run.plan.pairs
    # a pair kept from the plan in force gets its own reason under "Changes" below
    empty = pairs[(pairs["sent"] <= 0) & ~pairs["previous"].astype(bool)]
    if not empty.empty:
        console.print(escape(
            "Pairs that send no staff: " + ", ".join(
                f"{names[d]} → {names[r]}" for d, r in zip(empty["donor_code"],
                                                           empty["recipient_code"],
                                                           strict=True))
            + ". Every city with a gap gets a partner (responsibility is assigned), but the "
            "staff available (donor capacity, or the staff cap) is used up where it lowers "
            "the shortfall most."))
    no_gap = [names[c] for c in run.recipients if float(gap.get(c, 0.0)) <= 0]
    if no_gap:
        console.print(escape(f"No staff gap forecast at the planning quantile: "
                             f"{', '.join(no_gap)}"))
    if run.changes is not None:
        _print_changes(run.changes, names)
    _print_reported_gaps(run, names)


def _print_changes(changes: Any, names: dict[str, str]) -> None:
    """Every pair dropped or added against the plan in force, and kept pairs that send no
    staff, with the reason (kept pairs that send staff are only counted)."""
    n = changes["change"].value_counts()
    console.print(escape(
        f"Changes against the plan in force (--previous): {n.get('kept', 0)} kept, "
        f"{n.get('dropped', 0)} dropped, {n.get('added', 0)} added (changes.csv)."),
        style="yellow" if n.get("dropped", 0) else None)
    shown = changes[(changes["change"] != "kept") | (changes["sent"] <= 0)]
    for row in shown.itertuples(index=False):
        console.print(escape(f"  {row.change}: {names.get(row.donor_code, row.donor_code)} "
                             f"({row.donor_code}) → "
                             f"{names.get(row.recipient_code, row.recipient_code)} "
                             f"({row.recipient_code}): {row.reason}"))


def _print_reported_gaps(run: Any, names: dict[str, str]) -> None:
    """Gaps of resources that are reported but not paired (beds, ICU beds), at their peak."""
    import pandas as pd

    from pairaid.gaps import REPORTED_ONLY

    rows = run.gaps[run.gaps["resource"].isin(REPORTED_ONLY) & (run.gaps["gap"] > 0)]
    if rows.empty:
        return
    peaks = rows.loc[rows.groupby(["resource", "region_code"])["gap"].idxmax()]
    label = {"beds": "beds", "icu_beds": "ICU beds"}
    parts = [f"{label.get(res, res)} in {names.get(code, code)}: {gap:,.0f} short on the "
             f"worst day, {day:%Y-%m-%d} (need {need:,.0f}, available {avail:,.0f})"
             for res, code, gap, need, avail, day in zip(
                 peaks["resource"], peaks["region_code"], peaks["gap"], peaks["need"],
                 peaks["available"], pd.to_datetime(peaks["date"]), strict=True)]
    console.print(escape("Gaps that pairing does not close (donors send staff, not beds): "
                         + "; ".join(parts)), style="yellow")


def _print_comparison(run: Any) -> None:
    keys = [k for k in run.metrics if k == "pairaid" or k.startswith("official_")]
    table = Table(title="Comparison on the same forecast")
    table.add_column("metric")
    for k in keys:  # the official round's pairs, with flows from pairaid's model
        label = k if k == "pairaid" else \
            f"official pairs {k.removeprefix('official_').replace('_', '-')}, modelled flows"
        table.add_column(label, justify="right")
    rows = [("shortfall_staff_days", "{:,.0f}"), ("gap_staff_days", "{:,.0f}"),
            ("gap_covered_share", "{:.1%}"), ("staff_sent", "{:,.0f}"),
            ("max_donor_burden", "{:.2f}"), ("total_distance_km", "{:,.0f}"),
            ("mean_distance_km", "{:,.0f}"),
            ("pairs", "{}"), ("donors_used", "{}"), ("status", "{}"),
            ("objective", "{:,.3f}"), ("bound", "{:,.3f}"), ("mip_gap", "{:.2e}"),
            ("solve_seconds", "{:.2f}")]
    for name, fmt in rows:
        cells = []
        for k in keys:
            v = run.metrics[k].get(name)
            cells.append("—" if v is None else fmt.format(v))
        table.add_row(name, *cells)
    console.print(table)
    _print_solver_note(run)
    cap = run.metrics.get("staff_cap")
    if cap is None and run.config.staff_cap_to_official:
        console.print("No staff cap: there is no official pairing to compare with.")
    if cap is not None:
        teams = ""
        if run.config.team_doctors_per_nurse > 0:
            teams = (f" The cap leaves out the teams' own doctors (at least "
                     f"{run.config.team_doctors_per_nurse:g} per nurse, team_doctors_per_nurse):"
                     " they come on top.")
        console.print(f"pairaid may send at most {cap:,.0f} staff: the staff the official "
                      "pairing would send under the same model and forecast (its flows are "
                      "optimised too; this is not a historical head count). Lift with "
                      f"--no-staff-cap.{teams} 'city gap covered' is per recipient, over "
                      "the horizon, from all its donors.")


def _print_solver_note(run: Any) -> None:
    """Say what the solver proved when pairaid's plan is not proven optimal."""
    result = run.plan
    status = result.status.value
    if status == "optimal":
        return
    if status == "optimal_within_gap":
        console.print(escape(
            f"Note: pairaid's plan is optimal only within the requested gap: the solver "
            f"stopped once it was within {run.config.mip_rel_gap:.2%} of the best possible "
            f"(mip_rel_gap); the plan is within {result.mip_gap:.2%} of the bound "
            f"{result.bound:,.3f}. Use --mip-rel-gap 0 to prove optimality."))
        return
    if not status.startswith("time_limit"):
        # e.g. the transportation method at large scale: a repaired plan with a certified gap
        console.print(escape(
            f"Note: pairaid's plan is not proven optimal (status {status}, "
            f"method {result.formulation}); it is within {result.mip_gap:.2%} of the bound "
            f"{result.bound:,.3f}."))
        return
    slow = (" Fairness terms (--fairness) make the model much harder; a smaller weight or a"
            " longer limit helps." if run.config.burden_max_weight > 0
            or run.config.burden_deviation_weight > 0 else "")
    within = (f"within {result.mip_gap:.2%} of the bound {result.bound:,.3f}"
              if math.isfinite(result.mip_gap) else "not bounded yet (no bound proven)")
    console.print(escape(
        f"Note: pairaid's plan is not proven optimal: the solver stopped at its time limit "
        f"({run.config.time_limit:g} s) with status {status} (method "
        f"{result.formulation}); the best plan found is {within}. Raise --time-limit for "
        f"a smaller gap.{slow}"))


def _print_explanation(run: Any, why: Any) -> None:
    names = run.dataset.region_names("en")
    table = Table(title="Cost of forbidding each chosen pair (re-solved)")
    for col in ("donor", "recipient", "objective +", "shortfall + [staff-days]", "status"):
        table.add_column(col)
    for row in why.forbid_costs.itertuples():
        fixed = row.status == "fixed"  # not re-solved: the pair may not be forbidden
        table.add_row(escape(names[row.donor_code]), escape(names[row.recipient_code]),
                      "—" if fixed or not math.isfinite(row.cost) else f"{row.cost:,.3f}",
                      "—" if fixed or not math.isfinite(row.shortfall_change)
                      else f"{row.shortfall_change:,.0f}",
                      escape(f"fixed ({row.reason})" if fixed else str(row.status)))
    console.print(table)
    top = why.marginal_values[why.marginal_values["value"] > 1e-9].head(5)
    team = ", ".join(f"{v} {k}" for k, v in why.team.items())
    if top.empty:
        console.print(f"One more team ({team}) would not reduce the objective anywhere.")
    else:
        console.print(f"Where one more team ({team}) helps most: " + ", ".join(
            f"{escape(names[r])} (objective −{v:,.2f}; " + (
                f"shortfall −{-s:,.0f} staff-days)" if s < -0.5
                else "no shortfall change: shorter travel only)")
            for r, v, s in zip(top["recipient_code"], top["value"], top["shortfall_change"],
                               strict=True)))
    unproven = sorted({str(x) for x in why.marginal_values["status"]} - {"optimal"})
    if run.plan.status.value != "optimal" or unproven:
        # values are differences of two objectives; one not proven makes them estimates
        console.print(escape(
            "Note: the plan or its re-solves with one more team are not proven optimal "
            f"(status {', '.join(unproven or [run.plan.status.value])}): these values are "
            "estimates (explain_marginal_values.csv, column status); raise --time-limit "
            "for proven ones."))
    console.print("Stable matching (deferred acceptance; rankings by distance, gap, "
                  "capacity; ties broken by code): "
                  + ", ".join(f"{d}→{r}" for d, r in why.stable_pairs))
    if why.official_blocking_pairs is not None:
        n = len(why.official_blocking_pairs)
        console.print("Official pairing: " + (
                      "weakly stable under these rankings (a tie is no preference)" if n == 0 else
                      f"{n} blocking pair(s), e.g. " + ", ".join(
                          f"{d}→{r}" for d, r in why.official_blocking_pairs[:5])))


#: Commands kept in their own modules, imported only when one runs: name -> (module,
#: attribute, one-line help shown by ``pairaid --help`` without importing the module;
#: tests/test_cli.py checks each line against the command's own help).


def _print_sensitivity(swings: Any) -> None:
    base = swings.iloc[0]
    table = Table(title=f"Sensitivity: one parameter at a time at its low and high value "
                  f"(base gap {base['gap_staff_days']:,.0f} staff-days, shortfall "
                  f"{base['shortfall_staff_days']:,.0f})")
    for col in ("parameter", "end", "value", "gap staff-days", "change", "cities with gap",
                "shortfall", "pairs changed"):
        table.add_column(col, justify="left" if col in ("parameter", "end") else "right")
    for row in swings.iloc[1:].itertuples():
        if str(row.status).startswith("failed"):
            table.add_row(str(row.parameter), str(row.end), f"{row.value:g}",
                          escape(str(row.status)), "", "", "", "")
            continue
        table.add_row(str(row.parameter), str(row.end), f"{row.value:g}",
                      f"{row.gap_staff_days:,.0f}", f"{row.gap_change_share:+.0%}",
                      str(row.cities_with_gap), f"{row.shortfall_staff_days:,.0f}",
                      str(row.pairs_changed))
    console.print(table)
    console.print("Parameters sorted by how far they move the total staff gap; ranges and "
                  "sources in parameters.csv (columns low, high, source) and "
                  "sensitivity.csv.", markup=False)
