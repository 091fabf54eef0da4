"""Hand-made dispatch inputs and the invariants every schedule must satisfy."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from pairaid.schedule import CADRES, DispatchOptions, DispatchResult

START = date(2020, 2, 11)


def team_types(**over: int) -> pd.DataFrame:
    """One team type ``t``: 0 doctors, 10 nurses, tours 3..5 days, 2 days quarantine."""
    row = {"team_type": "t", "doctors": 0, "nurses": 10, "other_staff": 0, "icu": False,
           "min_tour_days": 3, "tour_days": 5, "quarantine_days": 2,
           "description": "test", "source": "test"}
    row.update(over)
    return pd.DataFrame([row])


def gaps(needs: dict[str, list[float]], resource: str = "nurses") -> pd.DataFrame:
    """Daily gaps from ``{recipient: [gap of day 0, day 1, ...]}`` (other cadre 0)."""
    rows = []
    for r, values in needs.items():
        for t, v in enumerate(values):
            for s in CADRES:
                rows.append((r, s, pd.Timestamp(START + timedelta(days=t)),
                             float(v) if s == resource else 0.0))
    return pd.DataFrame(rows, columns=["recipient_code", "resource", "date", "gap"])


def flows(pairs: dict[tuple[str, str], dict[str, float]]) -> pd.DataFrame:
    return pd.DataFrame([(d, r, s, q) for (d, r), by in pairs.items() for s, q in by.items()],
                        columns=["donor_code", "recipient_code", "resource", "quantity"])


def travel(pairs: dict[tuple[str, str], int]) -> pd.DataFrame:
    return pd.DataFrame([(d, r, 100.0, "road", days) for (d, r), days in pairs.items()],
                        columns=["donor_code", "recipient_code", "distance_km",
                                 "travel_mode", "travel_days"])


def day(t: int) -> date:
    return START + timedelta(days=t)


def check_invariants(result: DispatchResult, flows: pd.DataFrame, types: pd.DataFrame,
                     travel: pd.DataFrame, options: DispatchOptions, horizon_end: date
                     ) -> None:
    """Assert the schedule rules: limits, travel, one tour then quarantine, flows."""
    s = result.schedule
    assert s["team_id"].is_unique
    tau = {(d, r): int(v) for d, r, v in zip(travel["donor_code"], travel["recipient_code"],
                                             travel["travel_days"], strict=True)}
    by_type = types.set_index("team_type")
    for row in s.itertuples(index=False):
        k = by_type.loc[row.team_type]
        days = tau[(row.donor_code, row.recipient_code)]
        assert (row.arrive - row.depart).days == days == row.travel_days
        tour = (row.tour_end - row.arrive).days
        if row.tour_end <= horizon_end:  # ended inside the horizon: a decided tour
            assert k["min_tour_days"] <= tour <= k["tour_days"], row
        else:
            assert tour <= k["tour_days"], row
        assert (row.quarantine_end - row.tour_end).days == days + k["quarantine_days"]
        assert row.depart < row.arrive < row.tour_end < row.quarantine_end
        assert (row.doctors, row.nurses) == (k["doctors"], k["nurses"])
    dates = pd.date_range(s["depart"].min() if len(s) else START, horizon_end)
    for donor, g in s.groupby("donor_code"):
        away_limit = options.limit("max_teams_away", donor)
        dep_limit = options.limit("max_departures_per_day", donor)
        for d in dates:
            away = ((g["depart"] <= d.date()) & (d.date() < g["quarantine_end"])).sum()
            if away_limit is not None:
                assert away <= away_limit, (donor, d)
            if dep_limit is not None:
                assert (g["depart"] == d.date()).sum() <= dep_limit, (donor, d)
    cap = flows.set_index(["donor_code", "recipient_code", "resource"])["quantity"]
    for (d, r), g in s.groupby(["donor_code", "recipient_code"]):
        for t in dates:
            here = g[(g["arrive"] <= t.date()) & (t.date() < g["tour_end"])]
            for c in CADRES:
                allowed = float(cap.get((d, r, c), 0.0))
                assert here[c].sum() <= allowed + 1e-9, (d, r, c, t)
    o = result.on_site
    assert np.allclose(o["shortfall"], (o["gap"] - o["on_site"]).clip(lower=0))
    m = result.measures
    assert m["unmet_staff_days"] <= result.objective + 1e-6
    start = min(o["date"]).date()
    on_days = [max(0, (min(e, horizon_end + timedelta(days=1)) - max(a, start)).days)
               for a, e in zip(s["arrive"], s["tour_end"], strict=True)]
    staff = s["doctors"] + s["nurses"] + s["other_staff"]
    slack = (options.batch_cost * m["batches"] + options.travel_cost
             * m["travel_staff_days"] + options.on_site_cost * float((staff * on_days).sum()))
    # the objective is the unmet need plus the small terms as the schedule shows them, up
    # to what the solver's stopping gap leaves (a batch flag set without departures)
    extra = result.objective - m["unmet_staff_days"] - slack
    assert -1e-6 <= extra <= result.mip_gap * abs(result.objective) + 1e-6, extra
