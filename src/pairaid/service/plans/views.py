"""Routes of plan import."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from pairaid.service.deps import WriteDep
from pairaid.service.errors import Invalid
from pairaid.service.plans import service
from pairaid.service.plans.schemas import PlanCreate, PlanRead

router = APIRouter(prefix="/plans", tags=["plans"])


@router.post("", response_model=PlanRead, status_code=201)
def import_plan(body: PlanCreate, w: WriteDep) -> Any:
    """Import a run folder's pairs and flows (as JSON rows) as proposed pledges
    (coordinator)."""
    return w.run(lambda s: service.import_plan(s, actor=w.actor, data=body,
                                               regions=w.regions),
                 body=body, status_code=201)


def _text(upload: UploadFile, name: str) -> str:
    data = upload.file.read(20_000_001)
    if len(data) > 20_000_000:
        raise Invalid(f"{name}: larger than 20 MB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid(f"{name}: not UTF-8 text; upload the run folder's CSV file") from None


@router.post("/files", response_model=PlanRead, status_code=201)
def import_plan_files(name: Annotated[str, Form(min_length=1, max_length=200,
                                                pattern=r"^[^\x00]*$")],
                      pairs: Annotated[UploadFile, File(description="run folder's pairs.csv")],
                      flows: Annotated[UploadFile, File(description="run folder's flows.csv")],
                      w: WriteDep) -> Any:
    """Import a run folder's ``pairs.csv`` and ``flows.csv`` as uploaded files
    (``curl -F name=... -F pairs=@RUN/pairs.csv -F flows=@RUN/flows.csv``)."""
    body = service.plan_from_files(name=name, pairs_csv=_text(pairs, "pairs.csv"),
                                   flows_csv=_text(flows, "flows.csv"))
    return w.run(lambda s: service.import_plan(s, actor=w.actor, data=body,
                                               regions=w.regions),
                 body=body, status_code=201)
