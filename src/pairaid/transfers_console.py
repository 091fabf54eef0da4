"""Terminal output of a run's ICU patient transfers (``pairaid plan --transfer icu``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pairaid.pairing.analysis.transfer_explain import TransferExplanation


def _gap_text(figures: dict[str, Any]) -> str:
    """", within X % of the best possible" for a plan not proven optimal (c0019 kind)."""
    if figures["status"] == "optimal":
        return ""
    gap = figures.get("mip_gap")
    return (", distance to the best possible unknown" if gap is None
            else f", within {gap:.1%} of the best possible")


def print_transfers(console: Console, run: Any) -> None:
    """The transfer plan, its baselines and the recorded transfers, on the terminal."""
    names = run.dataset.region_names("en")
    tp = run.transfers
    moved = tp.plan.transfers.groupby(["recipient_code", "donor_code"], as_index=False).agg(
        patients=("patients", "sum"), km=("distance_km", "first"), first_day=("day", "min"))
    table = Table(title=f"ICU patient transfers (pairaid plan; ICU census at forecast "
                        f"quantile {tp.quantile} for recipients, {tp.donor_quantile} for "
                        f"donors; stay {tp.problem.stay_days} days)")
    for col in ("from", "to", "patients", "km", "first transfer"):
        table.add_column(col, justify="right" if col in ("patients", "km") else "left")
    for row in moved.sort_values(["recipient_code", "patients"],
                                 ascending=[True, False]).itertuples():
        first = run.config.decision_date + timedelta(days=int(row.first_day) + 1)
        table.add_row(f"{names.get(row.recipient_code, row.recipient_code)}",
                      f"{names.get(row.donor_code, row.donor_code)}", f"{row.patients:,}",
                      f"{row.km:,.0f}", first.isoformat())
    console.print(table)
    s = tp.summary()
    lines = [f"patient-days without an ICU bed: {s['no_transfer_unserved_patient_days']:,.0f} "
             f"with no transfer"]
    for key, label in (("pairaid", "pairaid"), ("cluster_rule", "five-cluster rule (NUTS-1, "
                                                                   "transfers only inside)")):
        if key in s:
            f = s[key]
            lines.append(f"{label}: {f['unserved_patient_days']:,.0f} ("
                         f"{f['peak_unserved']:,.0f} without a bed on the worst day), "
                         f"{f['patients_moved']:,} moved to {f['donors_used']} regions, "
                         f"{f['patient_km']:,.0f} patient-km, {f['status']}{_gap_text(f)}")
    console.print("; ".join(lines[:1]) + "\n  " + "\n  ".join(lines[1:]), markup=False)
    if len(tp.comparison):
        cmp = Table(title="Recorded transfers (CROSS, since the decision date) vs pairaid")
        for col in ("as of", "from", "recorded (cumulative)", "recorded since decision",
                    "pairaid", "source"):
            cmp.add_column(col)
        for row in tp.comparison.itertuples():
            cmp.add_row(row.as_of_date, names.get(row.from_region_code, row.from_region_code),
                        f"{row.recorded_cumulative:,}", f"{row.recorded_since_decision:,}",
                        f"{row.pairaid:,}", row.source)
        console.print(cmp)


def print_transfer_explanation(console: Console, run: Any, why: TransferExplanation) -> None:
    """``--explain`` for transfers: each chosen pair's worth, why other pairs move nobody,
    and the binding limits."""
    names = run.dataset.region_names("en")
    origin = run.config.decision_date
    chosen = why.pairs[why.pairs["status"] == "chosen"]
    table = Table(title="ICU transfers: what each chosen pair moved, and its cost if "
                        "forbidden (re-solved)")
    for col in ("from", "to", "patients", "km", "first transfer", "without a bed +",
                "patient-km +", "status"):
        table.add_column(col, justify="left" if col in ("from", "to", "status",
                                                        "first transfer") else "right")
    for row in chosen.itertuples():
        day: Any = row.first_day
        first = origin + timedelta(days=int(day) + 1)
        table.add_row(escape(names.get(row.recipient_code, row.recipient_code)),
                      escape(names.get(row.donor_code, row.donor_code)),
                      f"{row.patients:,}", f"{row.distance_km:,.0f}", first.isoformat(),
                      f"{row.unserved_change:,.0f}", f"{row.patient_km_change:+,.0f}",
                      escape(str(row.solve_status)))
    console.print(table)
    lim = why.limits
    if lim["max_per_day"] is not None:
        n = len(lim["days_at_daily_limit"])
        worth = lim["one_more_per_day"]
        console.print(f"Daily limit of {lim['max_per_day']} patients: used in full on {n} of "
                      f"{lim['days']} days; one more patient a day would change the "
                      f"patient-days without a bed by {worth:+,.0f}.", markup=False)
    full = lim["full_donor_days"]
    if full:
        console.print("Donors whose spare beds are all taken: " + ", ".join(
            f"{names.get(d, d)} ({k} days)" for d, k in sorted(full.items())), markup=False)
    others = why.pairs[why.pairs["status"] != "chosen"]
    if len(others):
        console.print("Why the other pairs move nobody (explain_transfers.csv has every "
                      "pair):", markup=False)
        by_reason = others.groupby(["recipient_code", "reason"], sort=True)
        for (r, reason), grp in by_reason:
            donors = ", ".join(names.get(d, d) for d in grp["donor_code"])
            console.print(f"  {names.get(r, r)} ← {donors}: {reason}", markup=False)
