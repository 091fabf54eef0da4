"""Mounting the dashboard on the service app: routes, static files, sign-in redirect."""

from __future__ import annotations

from importlib import resources
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from pairaid.service.web.views import SignInNeeded, router


def install(app: FastAPI) -> None:
    """Add the dashboard to ``app``: ``/ui/...`` pages, ``/static`` (htmx, the page script
    and style) and ``/`` redirecting to the board."""
    static = resources.files("pairaid.service") / "static"
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.exception_handler(SignInNeeded)
    def _sign_in(request: Request, _: SignInNeeded) -> Response:
        target = request.url.path
        if request.headers.get("HX-Request"):  # an htmx poll after sign-out: whole page
            return Response(status_code=204, headers={"HX-Redirect": "/ui/signin"})
        return RedirectResponse(f"/ui/signin?next={quote(target)}", status_code=303)

    @app.get("/", include_in_schema=False)
    def _root() -> Response:
        return RedirectResponse("/ui/board", status_code=303)
