"""Running a form: parse it into the API's request schema, run the service function.

Every page write goes through :func:`pairaid.service.unit.run_write`, exactly as the JSON
API does (one transaction, audit entries, the same rules); refusals come back as the
service's own :class:`~pairaid.service.errors.ServiceError` and are shown on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from pairaid.service.db import Database
from pairaid.service.errors import Forbidden, Invalid
from pairaid.service.unit import log_forbidden, run_write
from pairaid.service.users.service import Actor

M = TypeVar("M", bound=BaseModel)
WHOLE = re.compile(r"^[+-]?\d{1,12}$")


def describe(err: ValidationError) -> str:
    """A validation error in the API's words (``invalid request: field: message; ...``)."""
    problems = [f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg']}"
                for e in err.errors()]
    return "invalid request: " + "; ".join(problems)


def parse(model: type[M], form: Mapping[str, Any]) -> M:
    """The request schema ``model`` built from form fields (empty fields left out).

    Raises
    ------
    Invalid
        A field is missing or malformed (the message names it, as the API's 422 does).
    """
    data = {k: _whole(model, k, v) for k, v in form.items()
            if not (isinstance(v, str) and v.strip() == "")}
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise Invalid(describe(err)) from None


def _whole(model: type[BaseModel], name: str, value: Any) -> Any:
    """A form's text of digits as an integer for an integer field (forms carry only text;
    the JSON API takes integers strictly); anything else unchanged, for the schema to judge.
    """
    field = model.model_fields.get(name)
    if field is None or not isinstance(value, str) or not WHOLE.match(value.strip()):
        return value
    annotation = field.annotation
    if annotation is int or int in get_args(annotation):
        return int(value.strip())
    return value


def perform(db: Database, actor: Actor, work: Callable[[Session], Any], *,
            what: str, key: str | None = None, fingerprint: str | None = None) -> Any:
    """Run ``work(session)`` as ``actor`` and return its answer (JSON-ready).

    ``key`` and ``fingerprint`` make it idempotent as the API's ``Idempotency-Key``: the
    same key with the same form answers the first result again and changes nothing.

    A :class:`Forbidden` refusal is written to the audit log (as the API does) and
    re-raised; other service errors are re-raised unchanged.
    """
    try:
        return run_write(db, actor=actor, work=work, status_code=200, key=key,
                         fingerprint=fingerprint).body
    except Forbidden as err:
        log_forbidden(db, actor=actor, method="POST", path=what, message=str(err))
        raise
