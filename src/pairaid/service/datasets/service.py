"""Which data set a database belongs to: its region codes checked against the data set
the service starts with.

A database keeps needs, capacities, pledges and users by region code. Opened with a data
set that does not have some of those codes (a Hubei database started with ``--data
italy-2020``), the board would show codes without names and no such user could act again:
the service refuses to start, naming the codes, the data set recorded in the database and
how to start it (:func:`check_dataset`). A data set that has every stored code is
accepted, and recorded when it differs from the last one (:func:`record_dataset`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pairaid.errors import ConfigError
from pairaid.service.capacities.models import Capacity
from pairaid.service.datasets.models import DatasetRecord
from pairaid.service.needs.models import Need
from pairaid.service.pledges.models import Pledge
from pairaid.service.regions import ServiceRegions
from pairaid.service.users.models import User

SHOWN = 6  # codes named in a refusal [codes]


@dataclass(frozen=True)
class StoredRegion:
    """A region code the database holds: as which ``kind`` and in how many rows per table."""

    code: str
    kind: str
    rows: dict[str, int]

    def describe(self) -> str:
        """``420900 (needs 2, users 1)``."""
        return f"{self.code} ({', '.join(f'{t} {n}' for t, n in sorted(self.rows.items()))})"


def stored_regions(session: Session) -> list[StoredRegion]:
    """Every region code in the database by kind: recipients (users, needs) and donors
    (users, capacities, pledges), with row counts per table, sorted by code."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for code, role, n in session.execute(
        select(User.region_code, User.role, func.count())
        .where(User.role.in_(("donor", "recipient")))
        .group_by(User.region_code, User.role)
    ):
        counts[(str(code), str(role))]["users"] = int(n)
    for table, kind, column in (
        ("needs", "recipient", Need.region_code),
        ("capacities", "donor", Capacity.donor_code),
        ("pledges", "donor", Pledge.donor_code),
    ):
        for code, n in session.execute(select(column, func.count()).group_by(column)):
            counts[(str(code), kind)][table] = int(n)
    return [StoredRegion(code, kind, rows) for (code, kind), rows in sorted(counts.items())]


def recorded(session: Session) -> DatasetRecord | None:
    """The data set last recorded in the database (``None``: none yet)."""
    return session.scalars(select(DatasetRecord).order_by(DatasetRecord.id.desc()).limit(1)).first()


def _label(record: DatasetRecord) -> str:
    return record.name if record.source == "built-in" else f"{record.name} (folder {record.source})"


def check_dataset(session: Session, *, regions: ServiceRegions, where: str) -> list[str]:
    """Check that ``regions`` has every region code the database holds.

    Parameters
    ----------
    regions : ServiceRegions
        The data set the service starts with.
    where : str
        The database as messages name it (its URL, password hidden).

    Returns
    -------
    list of str
        Notes: codes the data set has but no longer as the kind they are stored as (their
        rows are kept and shown; new ones of that kind are refused), and a change of data
        set with every code known.

    Raises
    ------
    pairaid.errors.ConfigError
        Some stored codes are not regions of ``regions``; the message names them (with
        their tables), the data set recorded in the database and how to start it.
    """
    stored = stored_regions(session)
    last = recorded(session)
    unknown = [s for s in stored if s.code not in regions.regions]
    if unknown:
        codes = sorted({s.code for s in unknown})
        shown = "; ".join(s.describe() for s in unknown[:SHOWN])
        more = f"; and {len(unknown) - SHOWN} more" if len(unknown) > SHOWN else ""
        if last is not None:
            was = (
                f"it was used with data set {_label(last)}: start the service with "
                f"--data {last.name if last.source == 'built-in' else last.source}, or"
            )
        else:
            was = "it was used with another data set: start the service with that one, or"
        raise ConfigError(
            f"database {where} holds {len(codes)} region code(s) that data set "
            f"{regions.label} does not have ({shown}{more}); {was} give a new database "
            "with --db (nothing was changed)"
        )
    notes = [
        f"database {where}: {s.code} ({regions.name(s.code)}) is stored as a "
        f"{s.kind} but is not a {s.kind} region of data set {regions.label}; its rows "
        f"are kept and shown, new ones are refused"
        for s in stored
        if regions.kinds.get(s.code) != s.kind
    ]
    if last is not None and (last.name, last.source) != (regions.dataset, regions.source):
        notes.append(
            f"database {where} was used with data set {_label(last)}; now with "
            f"{regions.label}, which has every region it holds"
        )
    return notes


def record_dataset(session: Session, *, regions: ServiceRegions) -> bool:
    """Record ``regions``'s data set unless it is the one last recorded (no commit).

    Returns
    -------
    bool
        Whether a row was added.
    """
    last = recorded(session)
    if last is not None and (last.name, last.source) == (regions.dataset, regions.source):
        return False
    session.add(DatasetRecord(name=regions.dataset, source=regions.source))
    session.flush()
    return True
