"""Routes of the audit log (auditor and coordinator only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from pairaid.service.audit import service
from pairaid.service.audit.schemas import AuditRead, VerificationRead
from pairaid.service.deps import ReadDep
from pairaid.service.users.service import require

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=list[AuditRead])
def audit_log(r: ReadDep,
              after_seq: int = Query(0, ge=0, le=2**31 - 1),
              limit: int = Query(100, ge=1, le=1000)) -> Any:
    """Audit entries after ``after_seq``, oldest first."""
    require(r.actor, ("auditor", "coordinator"), what="read the audit log")
    return r.run(lambda s: [AuditRead.model_validate(e) for e in service.entries(
        s, after_seq=after_seq, limit=limit)])


@router.get("/verify", response_model=VerificationRead)
def verify(r: ReadDep) -> Any:
    """Recompute the hash chain and list every broken link."""
    require(r.actor, ("auditor", "coordinator"), what="verify the audit log")
    result = r.run(service.verify)
    return VerificationRead(ok=result.ok, entries=result.entries, problems=result.problems)
