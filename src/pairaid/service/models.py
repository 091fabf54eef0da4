"""Every table of the service, imported so that ``Base.metadata`` knows them all."""

from __future__ import annotations

from pairaid.service.audit.models import AuditEntry
from pairaid.service.capacities.models import Capacity, CapacityVersion
from pairaid.service.datasets.models import DatasetRecord
from pairaid.service.db import Base
from pairaid.service.dispatches.models import Dispatch, DispatchVersion, Receipt
from pairaid.service.idempotency.models import IdempotencyKey
from pairaid.service.needs.models import Need, NeedVersion
from pairaid.service.plans.models import Plan
from pairaid.service.pledges.models import Pledge, PledgeVersion
from pairaid.service.users.models import User

__all__ = ["AuditEntry", "Base", "Capacity", "CapacityVersion", "DatasetRecord", "Dispatch",
           "DispatchVersion", "IdempotencyKey", "Need", "NeedVersion", "Plan", "Pledge",
           "PledgeVersion", "Receipt", "User"]
