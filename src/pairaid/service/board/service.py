"""Computing the board from the current versions (read only)."""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from sqlalchemy import Executable, func, select
from sqlalchemy.orm import Session

from pairaid.service.board.schemas import BoardRow
from pairaid.service.dispatches.models import Dispatch, DispatchVersion
from pairaid.service.needs.models import Need, NeedVersion
from pairaid.service.pledges.models import Pledge, PledgeVersion
from pairaid.service.versions import current


def board(session: Session, *, recipient_code: str | None = None) -> list[BoardRow]:
    """The board, one row per recipient and resource with a need, sorted.

    Parameters
    ----------
    recipient_code : str or None
        Only this recipient's rows.
    """
    figures: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(("needed", "pledged", "accepted", "dispatched", "received"), 0))
    needed, pledged, sent = _statements()
    for region, resource, quantity, accepted in session.execute(needed):
        figures[(region, resource)]["needed"] = int(quantity or 0)
        figures[(region, resource)]["accepted"] = int(accepted or 0)
    for region, resource, quantity in session.execute(pledged):
        figures[(region, resource)]["pledged"] = int(quantity or 0)
    for region, resource, dispatched, received in session.execute(sent):
        figures[(region, resource)]["dispatched"] = int(dispatched or 0)
        figures[(region, resource)]["received"] = int(received or 0)
    out = [BoardRow(recipient_code=region, resource=resource, **f,
                    open=f["needed"] - f["accepted"])
           for (region, resource), f in sorted(figures.items())]
    if recipient_code is not None:
        out = [r for r in out if r.recipient_code == recipient_code]
    return out


@cache
def _statements() -> tuple[Executable, Executable, Executable]:
    """The board's three aggregate queries, built once (statements are immutable)."""
    needs = current(NeedVersion, NeedVersion.need_id).subquery()
    needed = (select(Need.region_code, Need.resource, func.sum(needs.c.quantity),
                     func.sum(needs.c.accepted))
              .join(needs, needs.c.need_id == Need.id)
              .group_by(Need.region_code, Need.resource))
    pledges = current(PledgeVersion, PledgeVersion.pledge_id).subquery()
    pledged = (select(Need.region_code, Need.resource, func.sum(pledges.c.quantity))
               .select_from(pledges).join(Pledge, Pledge.id == pledges.c.pledge_id)
               .join(Need, Need.id == Pledge.need_id)
               .where(pledges.c.status.in_(("proposed", "accepted")))
               .group_by(Need.region_code, Need.resource))
    sent = current(DispatchVersion, DispatchVersion.dispatch_id).subquery()
    dispatched = (select(Need.region_code, Need.resource, func.sum(sent.c.quantity),
                         func.sum(sent.c.received))
                  .select_from(sent).join(Dispatch, Dispatch.id == sent.c.dispatch_id)
                  .join(Pledge, Pledge.id == Dispatch.pledge_id)
                  .join(Need, Need.id == Pledge.need_id)
                  .group_by(Need.region_code, Need.resource))
    return needed, pledged, dispatched
