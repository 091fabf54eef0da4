"""Importing a plan: each flow becomes a proposed pledge against the recipient's open need."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from pairaid.rounding import whole_floor
from pairaid.service.audit.service import stage
from pairaid.service.errors import Invalid
from pairaid.service.needs import service as needs
from pairaid.service.needs.models import Need
from pairaid.service.plans.models import Plan
from pairaid.service.plans.schemas import PlanCreate, PlanRead, SkippedFlow
from pairaid.service.pledges import service as pledges
from pairaid.service.regions import ServiceRegions
from pairaid.service.users.service import Actor, require


def import_plan(session: Session, *, actor: Actor, data: PlanCreate,
                regions: ServiceRegions) -> PlanRead:
    """Store a plan and propose one pledge per flow (coordinator).

    ``regions`` is the service's data set (:func:`pairaid.service.regions.load_regions`).

    Each flow's quantity is rounded to whole units [beds or persons] and capped at what the
    recipient's needs of that resource still have open (need quantity minus live pledges);
    it is pledged against the need with most left open, and what that need cannot take
    against the next (one pledge per need, so no part of a flow is lost while any of the
    recipient's needs of that resource is open: the c0008 kind). Flows of zero, with no
    such need, from a code that is not a donor region of ``regions``, or
    the part above all that is open, are skipped with a reason. Proposed
    pledges are accepted as usual (``POST /pledges/{id}/accept``), which checks capacities.

    Raises
    ------
    Forbidden
        Unless the actor is the coordinator.
    """
    require(actor, ("coordinator",), what="import a plan")
    plan = Plan(name=data.name, created_by=actor.id,
                pairs=json.dumps([[p.donor_code, p.recipient_code] for p in data.pairs]))
    session.add(plan)
    session.flush()
    stage(session, action="plan.import", entity="plans", entity_id=plan.id,
          after={"name": data.name, "pairs": len(data.pairs), "flows": len(data.flows)})
    left: dict[int, int] = {}
    for need in needs.list_needs(session):
        live = sum(p.quantity for p in pledges.list_pledges(session, need_id=need.id)
                   if p.status != "cancelled")
        left[need.id] = max(need.quantity - live, 0)
    by_target: dict[tuple[str, str], list[int]] = {}
    for need in needs.list_needs(session):
        by_target.setdefault((need.region_code, need.resource), []).append(need.id)
    made, skipped = [], []
    for flow in data.flows:
        # to the nearest whole person, halves up (Python's round() takes 0.5 to 0, 2.5 to 2)
        quantity = int(whole_floor(abs(flow.quantity) + 0.5))
        if regions.kinds.get(flow.donor_code) != "donor":
            skipped.append(SkippedFlow(flow=flow, reason=(
                f"{flow.donor_code} is not a donor region of the service's data set "
                f"{regions.label}")))
            continue
        if quantity == 0:
            skipped.append(SkippedFlow(flow=flow, reason="rounds to 0"))
            continue
        ids = by_target.get((flow.recipient_code, flow.resource), [])
        if not ids or max(left[i] for i in ids) <= 0:
            skipped.append(SkippedFlow(flow=flow, reason=(
                f"{flow.recipient_code} has no open need of {flow.resource}")))
            continue
        rest = quantity
        before = {i: left[i] for i in ids}
        for need_id in sorted(ids, key=lambda i: (-left[i], i)):
            amount = min(rest, left[need_id])
            if amount <= 0:
                break
            left[need_id] -= amount
            rest -= amount
            target = session.get(Need, need_id)
            assert target is not None
            made.append(pledges.propose(session, actor=actor, need=target,
                                        donor_code=flow.donor_code, quantity=amount,
                                        plan_id=plan.id,
                                        reason=f"plan {plan.id}: {data.name}"))
        if rest > 0:
            skipped.append(SkippedFlow(flow=flow, reason=(
                f"{rest} of {quantity} above what {flow.recipient_code} has open of "
                f"{flow.resource} ("
                + "; ".join(f"need {i} had {before[i]} open" for i in sorted(ids)) + ")")))
    return PlanRead(id=plan.id, name=plan.name, pairs=data.pairs, pledges=made,
                    skipped=skipped)


def read_rows(text: str, *, source: str, columns: tuple[str, ...],
              optional: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Rows of an uploaded CSV file (``pairs.csv`` or ``flows.csv`` of a run folder).

    Raises
    ------
    Invalid
        Not UTF-8 CSV, a required column missing, a column named twice in the header or
        a row with more or fewer fields than the header
        (:func:`pairaid.io.check_csv_text`); the message names the file (and line).
    """
    import csv
    import io

    from pairaid.errors import InputError
    from pairaid.io import check_csv_text

    try:
        check_csv_text(text, source)
    except InputError as err:
        raise Invalid("; ".join(str(p) for p in err.problems)) from None
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:  # reading the header can fail too (a bare carriage return: schemathesis)
        fields = list(reader.fieldnames or [])
        missing = [c for c in columns if c not in fields]
        if missing:
            raise Invalid(f"{source}: required column(s) {', '.join(missing)} missing (has "
                          f"{', '.join(fields) or 'no header'})")
        return [{c: row[c] for c in fields if c in columns + optional} for row in reader]
    except csv.Error as err:
        raise Invalid(f"{source}, line {reader.line_num}: not well-formed CSV ({err})") \
            from None


def plan_from_files(*, name: str, pairs_csv: str, flows_csv: str) -> PlanCreate:
    """A :class:`PlanCreate` from the text of a run folder's ``pairs.csv`` and
    ``flows.csv``.

    Raises
    ------
    Invalid
        A file is not CSV, misses a column, or a value is invalid (names file, line and
        column).
    """
    from pydantic import ValidationError

    pairs = read_rows(pairs_csv, source="pairs.csv",
                      columns=("donor_code", "recipient_code"), optional=("distance_km",))
    flows = read_rows(flows_csv, source="flows.csv",
                      columns=("donor_code", "recipient_code", "resource", "quantity"))
    try:
        return PlanCreate.model_validate({
            "name": name,
            "pairs": [{k: _number(v) if k == "distance_km" else v or None
                       for k, v in p.items()} for p in pairs],
            "flows": [{k: _number(v) if k == "quantity" else v for k, v in f.items()}
                      for f in flows]})
    except ValidationError as err:
        first = err.errors()[0]
        loc = first["loc"]
        where = (f"{loc[0]}.csv, line {int(loc[1]) + 2}, column '{loc[2]}'"
                 if len(loc) >= 3 else ".".join(map(str, loc)))
        raise Invalid(f"{where}: {first['msg']} (got {first.get('input')!r})") from None


def _number(text: str | None) -> float | str | None:
    """A CSV cell as a number (the schemas take numbers strictly); empty is ``None``, and
    text that is no number is kept so that validation names its line and column."""
    if text is None or not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        return text
