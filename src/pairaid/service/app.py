"""The application factory: ``create_app(settings)`` builds the FastAPI app.

Nothing is created at import: the engine comes from the settings handed to the factory.
Routers are mounted under ``/api/v1``; later front ends (templates, static files) mount
beside them with :meth:`fastapi.FastAPI.mount` or their own routers.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from pairaid.service.common import json_safe, safe_repr
from pairaid.service.db import Database
from pairaid.service.errors import Forbidden, ServiceError
from pairaid.service.regions import ServiceRegions, load_regions
from pairaid.service.settings import Settings
from pairaid.service.unit import log_forbidden

API_PREFIX = "/api/v1"


def _routers() -> list[object]:
    from pairaid.service.audit.views import router as audit
    from pairaid.service.board.views import router as board
    from pairaid.service.capacities.views import router as capacities
    from pairaid.service.dispatches.views import router as dispatches
    from pairaid.service.needs.views import router as needs
    from pairaid.service.plans.views import router as plans
    from pairaid.service.pledges.views import router as pledges
    from pairaid.service.users.views import router as users

    return [users, capacities, needs, pledges, dispatches, board, plans, audit]


def create_app(settings: Settings | None = None, *, database: Database | None = None,
               regions: ServiceRegions | None = None) -> FastAPI:
    """Build the service.

    Parameters
    ----------
    settings : Settings or None
        Validated settings [default: :meth:`Settings.from_env`].
    database : Database or None
        An existing database object to share (tests); built from ``settings`` otherwise.
    regions : ServiceRegions or None
        The data set, already read; read from ``settings.dataset`` otherwise
        (:func:`pairaid.service.regions.load_regions`).

    Returns
    -------
    fastapi.FastAPI
        The app; its database is ``app.state.db``, its data set ``app.state.regions``.
        The schema must be migrated first (``pairaid db upgrade``); ``pairaid serve``
        checks the database against the data set before it builds the app
        (:func:`pairaid.service.datasets.service.check_dataset`).

    Raises
    ------
    pairaid.errors.InputError, pairaid.errors.ConfigError
        The data set cannot be read (:func:`pairaid.service.regions.load_regions`).
    """
    settings = settings or Settings.from_env()
    regions = regions or load_regions(settings.dataset)
    db = database or Database(settings)
    app = FastAPI(title="pairaid coordination service", version="1",
                  description="Needs, pledges, acceptance, dispatch and receipt of pairing "
                  "assistance (对口支援), shared by every province. See docs/service.md.")
    app.state.db = db
    app.state.settings = settings
    app.state.regions = regions
    for router in _routers():
        app.include_router(router, prefix=API_PREFIX)  # type: ignore[arg-type]

    @app.exception_handler(ServiceError)
    def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        actor = getattr(request.state, "actor", None)
        if isinstance(exc, Forbidden) and actor is not None:
            log_forbidden(db, actor=actor, method=request.method, path=request.url.path,
                          message=str(exc))
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse({"detail": str(exc)}, status_code=exc.status, headers=headers)

    @app.exception_handler(OperationalError)
    def _database_down(_: Request, exc: OperationalError) -> JSONResponse:
        return JSONResponse({"detail": "the database is unavailable or overloaded "
                             f"({type(exc.orig).__name__}); retry later"}, status_code=503,
                            headers={"Retry-After": "5"})

    @app.exception_handler(RequestValidationError)
    def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # the errors echo the caller's input, which may hold what JSON cannot (NaN, inf)
        errors = json_safe(jsonable(exc.errors()))
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                    + (f" (got {safe_repr(e['input'])})" if "input" in e
                       and not isinstance(e["input"], (dict, list)) else "")
                    for e in exc.errors()]
        return JSONResponse({"detail": "invalid request: " + "; ".join(problems),
                             "errors": errors}, status_code=422)

    from pairaid.service.web.mount import install

    install(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def jsonable(value: object) -> object:
    """``value`` made JSON-ready (validation errors may carry exceptions)."""
    from fastapi.encoders import jsonable_encoder

    try:
        return jsonable_encoder(value, custom_encoder={Exception: str})
    except Exception:  # noqa: BLE001 - an error answer must never fail
        return json_safe(value)
