"""Routes of the audit log (auditor and coordinator only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from pairaid.service.audit import service
from pairaid.service.audit.schemas import AuditRead, VerificationRead
from pairaid.service.deps import CurrentActor, ReadSession
from pairaid.service.users.service import require

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=list[AuditRead])
def audit_log(session: ReadSession, actor: CurrentActor,
              after_seq: int = Query(0, ge=0, le=2**62),
              limit: int = Query(100, ge=1, le=1000)) -> Any:
    """Audit entries after ``after_seq``, oldest first."""
    require(actor, ("auditor", "coordinator"), what="read the audit log")
    return service.entries(session, after_seq=after_seq, limit=limit)


@router.get("/verify", response_model=VerificationRead)
def verify(session: ReadSession, actor: CurrentActor) -> Any:
    """Recompute the hash chain and list every broken link."""
    require(actor, ("auditor", "coordinator"), what="verify the audit log")
    result = service.verify(session)
    return VerificationRead(ok=result.ok, entries=result.entries, problems=result.problems)
