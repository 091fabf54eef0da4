"""Routes of the dashboard (``/ui``): sign-in, the board, pages by role, forms.

Reads call the service's list functions, writes go through :mod:`.actions` to the same
service functions as the JSON API; a refusal re-renders the page with the server's message
and the refusal's HTTP status.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from pairaid.service.audit import service as audit
from pairaid.service.board import service as board_service
from pairaid.service.capacities import service as capacities
from pairaid.service.capacities.schemas import CapacitySet
from pairaid.service.db import Database
from pairaid.service.dispatches import service as dispatches
from pairaid.service.dispatches.schemas import DispatchCreate, ReceiptCreate
from pairaid.service.errors import Forbidden, Invalid, ServiceError
from pairaid.service.idempotency.service import fingerprint
from pairaid.service.needs import service as needs
from pairaid.service.needs.schemas import NeedAmend, NeedCreate
from pairaid.service.plans import service as plans
from pairaid.service.plans.views import _text as plan_text
from pairaid.service.pledges import service as pledges
from pairaid.service.pledges.schemas import PledgeCreate
from pairaid.service.regions import ServiceRegions
from pairaid.service.unit import log_forbidden
from pairaid.service.users.service import Actor, authenticate, require
from pairaid.service.web.actions import parse, perform
from pairaid.service.web.board import LEVELS, SORT_KEYS, city_levels, shown_rows
from pairaid.service.web.i18n import Lang, lang_of, t
from pairaid.service.web.mapfig import board_map

router = APIRouter(prefix="/ui", include_in_schema=False)
TOKEN_COOKIE = "pairaid_token"
LANG_COOKIE = "pairaid_lang"
RESOURCES = ("beds", "icu_beds", "doctors", "nurses")
AUDIT_SHOWN = 200  # newest audit entries on the audit page [entries]


class SignInNeeded(Exception):
    """The request carries no valid session cookie (answered with a redirect)."""


@cache
def _env() -> Environment:
    return Environment(loader=PackageLoader("pairaid.service.web", "templates"),
                       autoescape=select_autoescape(["html"]), trim_blocks=True,
                       lstrip_blocks=True)


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _regions(request: Request) -> ServiceRegions:
    regions: ServiceRegions = request.app.state.regions
    return regions


def _lang(request: Request) -> Lang:
    return lang_of(request.cookies.get(LANG_COOKIE))


def web_actor(request: Request) -> Actor | None:
    """The user whose token the session cookie holds, or ``None``."""
    token = request.cookies.get(TOKEN_COOKIE)
    if not token:
        return None
    with _db(request).read() as session:
        return authenticate(session, token=token)


def _signed_in(request: Request) -> Actor:
    actor = web_actor(request)
    if actor is None:
        raise SignInNeeded
    return actor


def _may(actor: Actor, *roles: str) -> bool:
    return actor.role in roles


def render(request: Request, template: str, *, actor: Actor | None, status: int = 200,
           **context: Any) -> HTMLResponse:
    """Render ``template`` with the common context (language, user, navigation)."""
    lang = _lang(request)
    settings = request.app.state.settings
    regions = _regions(request)
    html = _env().get_template(template).render(
        lang=lang, t=lambda key, **f: t(key, lang, **f), actor=actor, path=request.url.path,
        name=lambda code: regions.name(code, lang), dataset=regions.dataset,
        resources=RESOURCES, levels=LEVELS,
        refresh_s=settings.board_refresh_s, key=lambda: secrets.token_urlsafe(16),
        may=lambda *r: actor is not None and _may(actor, *r),
        done=request.query_params.get("done"), **context)
    return HTMLResponse(html, status_code=status)


def _forbidden_page(request: Request, actor: Actor, err: Forbidden) -> HTMLResponse:
    log_forbidden(_db(request), actor=actor, method=request.method, path=request.url.path,
                  message=str(err))
    return render(request, "forbidden.html", actor=actor, error=str(err), status=403)


# --- sign-in, language, assets ---------------------------------------------------------

@router.get("/signin")
def signin_page(request: Request) -> HTMLResponse:
    return render(request, "signin.html", actor=web_actor(request),
                  next=request.query_params.get("next", "/ui/board"))


def _safe_next(value: object) -> str:
    text = str(value or "")
    return text if text.startswith("/ui/") and "//" not in text else "/ui/board"


@router.post("/signin")
async def signin(request: Request) -> Response:
    form = await request.form()
    token = str(form.get("token", "")).strip()
    with _db(request).read() as session:
        actor = authenticate(session, token=token) if token else None
    if actor is None:
        return render(request, "signin.html", actor=None, next=_safe_next(form.get("next")),
                      error="unknown API token" if token else "enter your API token",
                      status=401)
    response = RedirectResponse(_safe_next(form.get("next")), status_code=303)
    response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/signout")
def signout() -> Response:
    response = RedirectResponse("/ui/signin", status_code=303)
    response.delete_cookie(TOKEN_COOKIE, path="/")
    return response


@router.get("/lang/{lang}")
def switch_language(lang: str, request: Request) -> Response:
    response = RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    response.set_cookie(LANG_COOKIE, lang_of(lang), samesite="strict", path="/",
                        max_age=365 * 86400)
    return response


@cache
def _plotly_js() -> str:
    import plotly.offline

    return str(plotly.offline.get_plotlyjs())


def _geo_js(regions: ServiceRegions) -> str:
    from pairaid.report.boundaries import load_boundaries
    from pairaid.service.web.mapfig import GEO_KEYS

    # plotly.js looks string geojson values up here before fetching anything; the
    # base-map topology it would otherwise download is replaced by an empty one (the map
    # draws no base layers), as in the report
    out = ("window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};\n"
           "window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};\n"
           "window.PlotlyGeoAssets.topojson.world_110m = "
           "{type: 'Topology', objects: {}, arcs: []};\n")
    layers: dict[str, Any] = {}
    if regions.uses_gb2260:
        bounds = load_boundaries()
        layers = {"provinces": bounds.provinces, "hubei": bounds.hubei}
    elif regions.boundaries is not None:
        layers = {"dataset": regions.boundaries}
    for layer, geojson in layers.items():
        out += (f"window.PlotlyGeoAssets[{json.dumps(GEO_KEYS[layer])}] = "
                f"{json.dumps(geojson, separators=(',', ':'))};\n")
    return out


_CACHED = {"Cache-Control": "public, max-age=86400"}


@router.get("/plotly.js")
def plotly_js() -> Response:
    return Response(_plotly_js(), media_type="text/javascript", headers=_CACHED)


@router.get("/geo.js")
def geo_js(request: Request) -> Response:
    state = request.app.state
    if getattr(state, "geo_js", None) is None:  # built once per app (its data set)
        state.geo_js = _geo_js(_regions(request))
    return Response(state.geo_js, media_type="text/javascript", headers=_CACHED)


# --- the board ---------------------------------------------------------------------------

def _board_context(request: Request, session: Session) -> dict[str, Any]:
    settings = request.app.state.settings
    q = request.query_params
    yellow, red = settings.escalation_yellow, settings.escalation_red
    rows = board_service.board(session)
    sort = q.get("sort", "level")
    descending = q.get("desc", "1") != "0"
    shown = shown_rows(rows, yellow=yellow, red=red, regions=_regions(request),
                       query=q.get("q", ""), resource=q.get("resource", ""),
                       level=q.get("level", ""), sort=sort, descending=descending)
    active: dict[tuple[str, str], int] = {}
    for p in pledges.list_pledges(session, status="accepted"):
        key = (p.donor_code, p.recipient_code)
        active[key] = active.get(key, 0) + p.quantity
    figure = board_map(city_levels(rows, yellow=yellow, red=red),
                       [(d, r, n) for (d, r), n in sorted(active.items())], _lang(request),
                       regions=_regions(request))
    filters = {k: q.get(k, "") for k in ("q", "resource", "level")}

    def sort_link(column: str) -> str:
        desc = "0" if column == sort and descending else "1"
        return "/ui/board?" + urlencode({**filters, "sort": column, "desc": desc})

    from pairaid.report.html import script_json  # loaded with the first board page

    # every < > & escaped (report.html's rule): '</' alone is not enough (case c0020)
    return {"rows": shown, "figure": script_json(figure),
            "filters": filters, "sort": sort,
            "descending": descending, "sort_keys": SORT_KEYS, "sort_link": sort_link,
            "yellow": yellow, "red": red, "query": str(request.url.query),
            "updated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")}


@router.get("/board")
def board_page(request: Request) -> HTMLResponse:
    actor = _signed_in(request)
    with _db(request).read() as session:
        context = _board_context(request, session)
    return render(request, "board.html", actor=actor, **context)


@router.get("/board/live")
def board_live(request: Request) -> HTMLResponse:
    actor = _signed_in(request)
    with _db(request).read() as session:
        context = _board_context(request, session)
    return render(request, "board_live.html", actor=actor, **context)


# --- pages by role -----------------------------------------------------------------------

def _recipient_context(session: Session, actor: Actor) -> dict[str, Any]:
    region = actor.region_code if actor.role == "recipient" else None
    own_needs = needs.list_needs(session, region_code=region)
    sent = [d for d in dispatches.list_dispatches(session)
            if region is None or d.recipient_code == region]
    return {"needs": own_needs, "dispatches": sent, "writable": actor.role == "recipient"}


def _donor_context(session: Session, actor: Actor) -> dict[str, Any]:
    region = actor.region_code if actor.role == "donor" else None
    return {"open_needs": [n for n in needs.list_needs(session) if n.open > 0],
            "capacities": capacities.list_capacities(session, donor_code=region),
            "pledges": pledges.list_pledges(session, donor_code=region),
            "writable": actor.role == "donor"}


def _coordinator_context(session: Session, actor: Actor) -> dict[str, Any]:
    return {"pledges": pledges.list_pledges(session),
            "capacities": capacities.list_capacities(session),
            "writable": actor.role == "coordinator"}


def _audit_context(session: Session, actor: Actor) -> dict[str, Any]:
    check = audit.verify(session)
    shown = audit.entries(session, after_seq=max(0, check.entries - AUDIT_SHOWN),
                          limit=AUDIT_SHOWN)
    return {"entries": list(reversed(shown)), "check": check}


PAGES: dict[str, tuple[str, tuple[str, ...], Callable[[Session, Actor], dict[str, Any]]]] = {
    "recipient": ("recipient.html", ("recipient", "coordinator", "auditor"),
                  _recipient_context),
    "donor": ("donor.html", ("donor", "coordinator", "auditor"), _donor_context),
    "coordinator": ("coordinator.html", ("coordinator", "auditor"), _coordinator_context),
    "audit": ("audit.html", ("coordinator", "auditor"), _audit_context),
}


def page(request: Request, actor: Actor, which: str, *, error: str | None = None,
         status: int = 200, form: dict[str, Any] | None = None) -> HTMLResponse:
    """Render page ``which`` (:data:`PAGES`) for ``actor``, with an error if given."""
    template, roles, build = PAGES[which]
    try:
        require(actor, roles, what=f"open the {which} page")
    except Forbidden as err:
        if error is not None:  # a refused form of a page the user may not open either
            return render(request, "forbidden.html", actor=actor, error=error,
                          status=status)
        return _forbidden_page(request, actor, err)
    with _db(request).read() as session:
        context = build(session, actor)
    return render(request, template, actor=actor, error=error, status=status,
                  form=form or {}, **context)


def _page_view(which: str) -> Callable[[Request], HTMLResponse]:
    """The GET view of page ``which`` for the signed-in user (named ``<which>_page``)."""

    def view(request: Request) -> HTMLResponse:
        return page(request, _signed_in(request), which)

    view.__name__ = view.__qualname__ = f"{which}_page"
    return view


for _which in PAGES:  # /ui/recipient, /ui/donor, /ui/coordinator, /ui/audit
    router.add_api_route(f"/{_which}", _page_view(_which), methods=["GET"])


# --- forms -------------------------------------------------------------------------------

async def _submit(request: Request, which: str,
                  work: Callable[[Actor, dict[str, Any]], Callable[[Session], Any]],
                  done: str = "done") -> Response:
    """Run a form's write and go back to page ``which``; on refusal show it there.

    Each form carries a fresh ``idempotency_key`` (as the API's ``Idempotency-Key``), so a
    form sent twice (a double click, a reload) is applied once.
    """
    actor = _signed_in(request)
    form = {k: v for k, v in (await request.form()).items()}
    key = form.pop("idempotency_key", None)
    try:
        job = work(actor, form)
        perform(_db(request), actor, job, what=request.url.path,
                key=key if isinstance(key, str) and key else None,
                fingerprint=fingerprint("POST", request.url.path,
                                        {k: v for k, v in form.items()
                                         if isinstance(v, str)}))
    except ServiceError as err:
        shown = {k: v for k, v in form.items() if isinstance(v, str)}
        shown["_action"] = request.url.path
        return page(request, actor, which, error=str(err), status=err.status, form=shown)
    return RedirectResponse(f"/ui/{which}?done={done}", status_code=303)


@router.post("/needs")
async def post_need(request: Request) -> Response:
    def work(a: Actor, f: dict[str, Any]) -> Callable[[Session], Any]:
        data = parse(NeedCreate, {**f, "region_code": a.region_code or f.get("region_code")})
        return lambda s: needs.create_need(s, actor=a, data=data, regions=_regions(request))
    return await _submit(request, "recipient", work)


@router.post("/needs/{need_id}/amend")
async def post_amendment(need_id: int, request: Request) -> Response:
    return await _submit(request, "recipient", lambda a, f: lambda s: needs.amend_need(
        s, actor=a, need_id=need_id, data=parse(NeedAmend, f)))


@router.post("/dispatches/{dispatch_id}/receipt")
async def post_receipt(dispatch_id: int, request: Request) -> Response:
    return await _submit(request, "recipient", lambda a, f: lambda s: dispatches.receive(
        s, actor=a, dispatch_id=dispatch_id, data=parse(ReceiptCreate, f)))


@router.post("/capacities")
async def post_capacity(request: Request) -> Response:
    def work(a: Actor, f: dict[str, Any]) -> Callable[[Session], Any]:
        body = parse(CapacitySet, {"quantity": f.get("quantity", "")})
        resource = str(f.get("resource", ""))
        if resource not in RESOURCES:
            raise Invalid(f"resource {resource!r} is not one of {', '.join(RESOURCES)}")
        donor = str(f.get("donor_code") or a.region_code or "")
        return lambda s: capacities.set_capacity(s, actor=a, donor_code=donor,
                                                 resource=resource, quantity=body.quantity,
                                                 regions=_regions(request))
    return await _submit(request, "donor", work)


@router.post("/pledges")
async def post_pledge(request: Request) -> Response:
    return await _submit(request, "donor", lambda a, f: lambda s: pledges.create_pledge(
        s, actor=a, data=parse(PledgeCreate, f)))


@router.post("/dispatches")
async def post_dispatch(request: Request) -> Response:
    return await _submit(request, "donor", lambda a, f: lambda s: dispatches.create_dispatch(
        s, actor=a, data=parse(DispatchCreate, f)))


@router.post("/pledges/{pledge_id}/cancel")
async def post_cancel(pledge_id: int, request: Request) -> Response:
    actor = _signed_in(request)
    which = "donor" if actor.role == "donor" else "coordinator"
    return await _submit(request, which, lambda a, f: lambda s: pledges.cancel_pledge(
        s, actor=a, pledge_id=pledge_id))


@router.post("/pledges/{pledge_id}/accept")
async def post_accept(pledge_id: int, request: Request) -> Response:
    return await _submit(request, "coordinator", lambda a, f: lambda s: pledges.accept_pledge(
        s, actor=a, pledge_id=pledge_id))


def _upload(upload: Any, name: str) -> str:
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise Invalid(f"choose the run folder's {name}")
    return plan_text(upload, name)


@router.post("/plans")
async def post_plan(request: Request) -> Response:
    def work(a: Actor, f: dict[str, Any]) -> Callable[[Session], Any]:
        data = plans.plan_from_files(name=str(f.get("name", "")),
                                     pairs_csv=_upload(f.get("pairs"), "pairs.csv"),
                                     flows_csv=_upload(f.get("flows"), "flows.csv"))
        return lambda s: plans.import_plan(s, actor=a, data=data,
                                           regions=_regions(request))
    return await _submit(request, "coordinator", work, done="plan")
