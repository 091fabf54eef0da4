"""``pairaid export``: the live state as a folder of CSV tables.

Files (UTF-8 CSV, quantities in [beds or persons]):

- ``board.csv``: the board (:data:`pairaid.service.board.schemas.BOARD_COLUMNS`) and
  ``recipient_name``;
- ``donor_capacities.csv``: ``donor_code, resource, capacity, accepted, free, donor_name``;
- ``pledges.csv``: every pledge's current version, with ``donor_name`` and
  ``recipient_name``;
- ``pairs.csv``: ``donor_code, recipient_code, accepted`` for every pair with an accepted
  pledge: the plan in force, for ``pairaid plan --previous DIR/pairs.csv``.

Names (English) are those of the service's data set, in the last columns, so that readers
by column name or position of the earlier files still work.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from pairaid.errors import OutputExistsError
from pairaid.io import write_csv
from pairaid.service.board.schemas import BOARD_COLUMNS
from pairaid.service.board.service import board
from pairaid.service.capacities.service import list_capacities
from pairaid.service.pledges.service import list_pledges
from pairaid.service.regions import ServiceRegions

FILES = ("board.csv", "donor_capacities.csv", "pledges.csv", "pairs.csv")
PLEDGE_COLUMNS = ("id", "need_id", "donor_code", "recipient_code", "resource", "quantity",
                  "status", "dispatched", "plan_id", "version", "changed_at")


def _check_folder(out: Path, *, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"{out} is a file, not a folder; choose a folder")
    if not out.exists():
        return
    present = {p.name for p in out.iterdir()}
    foreign = sorted(present - set(FILES))
    if foreign:
        raise OutputExistsError(f"folder {out} holds files that are not an export "
                                f"({', '.join(foreign[:5])}); choose another folder")
    if present and not force:
        raise OutputExistsError(f"folder {out} holds an earlier export; choose another "
                                "folder or pass --force to replace it")


def export_state(session: Session, out: Path | str, *, regions: ServiceRegions,
                 force: bool = False) -> list[Path]:
    """Write the board, capacities, pledges and the accepted pairs to ``out``.

    ``regions`` is the service's data set, whose English names fill the name columns.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    pairaid.errors.OutputExistsError
        ``out`` is a file, holds files that are not an export, or holds an export and
        ``force`` is false (nothing a user put there is overwritten).
    """
    out = Path(out)
    _check_folder(out, force=force)
    out.mkdir(parents=True, exist_ok=True)
    rows = pd.DataFrame([r.model_dump() for r in board(session)], columns=list(BOARD_COLUMNS))
    caps = pd.DataFrame([{"donor_code": c.donor_code, "resource": c.resource,
                          "capacity": c.quantity, "accepted": c.accepted, "free": c.free}
                         for c in list_capacities(session)],
                        columns=["donor_code", "resource", "capacity", "accepted", "free"])
    pledges = pd.DataFrame([p.model_dump() for p in list_pledges(session)],
                           columns=list(PLEDGE_COLUMNS) + ["changed_by", "change"])
    pledges = pledges[list(PLEDGE_COLUMNS)]
    accepted = pledges[pledges["status"] == "accepted"]
    pairs = accepted.groupby(["donor_code", "recipient_code"], as_index=False)\
        .agg(accepted=("quantity", "sum"))
    rows["recipient_name"] = [regions.name(c) for c in rows["recipient_code"]]
    caps["donor_name"] = [regions.name(c) for c in caps["donor_code"]]
    pledges = pledges.assign(donor_name=[regions.name(c) for c in pledges["donor_code"]],
                             recipient_name=[regions.name(c)
                                             for c in pledges["recipient_code"]])
    written = []
    for name, frame in zip(FILES, (rows, caps, pledges, pairs), strict=True):
        write_csv(frame, out / name)
        written.append(out / name)
    return written
