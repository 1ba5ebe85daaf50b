"""The ASGI app: calculator, plan outputs, JSON API, province dashboard and feeds.

Read-only by construction: no route writes anything; files are served only when their name is
found in a listing of an allowed folder (feeds in the out folder, report files in the reports
folder, the app's own assets), never by joining a requested path.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import stat
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from web import calc
from web.i18n import t as texts
from web.security import SecurityMiddleware

STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".ttf": "font/ttf", ".svg": "image/svg+xml", ".png": "image/png",
                ".ico": "image/x-icon"}
REPORT_TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ".png": "image/png", ".pdf": "application/pdf", ".csv": "text/csv; charset=utf-8"}
FONT_FILES = ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf")


@dataclass(frozen=True)
class WebConfig:
    out_dir: Path
    reports_dir: Path
    token: str | None = None
    names: dict | None = None  # calendar key -> display name (settings), optional


# ------------------------------------------------------------------ templates and assets
@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("web", "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True, auto_reload=False)  # templates ship with the package
    env.filters["urlq"] = lambda s: quote(str(s), safe="")
    return env


def render(name: str, **ctx) -> str:
    return _env().get_template(name).render(**ctx)


@lru_cache(maxsize=1)
def _static() -> dict[str, tuple[bytes, str, str]]:
    """name -> (bytes, content type, etag) for the app's own assets and the Sarabun fonts."""
    import hashlib

    out: dict[str, tuple[bytes, str, str]] = {}
    root = resources.files("web") / "static"
    for entry in root.iterdir():
        suffix = Path(entry.name).suffix
        if entry.is_file() and suffix in STATIC_TYPES and not entry.name.startswith("."):
            data = entry.read_bytes()
            out[entry.name] = (data, STATIC_TYPES[suffix],
                               '"' + hashlib.sha256(data).hexdigest()[:20] + '"')
    fonts = resources.files("fontpkg_sarabun") / "files"
    for name in FONT_FILES:
        data = (fonts / name).read_bytes()
        out[name] = (data, "font/ttf", '"' + hashlib.sha256(data).hexdigest()[:20] + '"')
    return out


def static(request: Request) -> Response:
    item = _static().get(request.path_params["name"])
    if item is None:
        raise HTTPException(404)
    data, ctype, etag = item
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=ctype, headers=headers)


# ------------------------------------------------------------------ helpers
def _lang(request: Request) -> str:
    return "en" if request.query_params.get("lang", "").lower() == "en" else "th"


def _page_query(inp: calc.PlanInput, res: calc.PlanResult | None = None, **extra) -> str:
    """The canonical query string of a calculator state (what a bookmark keeps)."""
    pairs: list[tuple[str, str]] = []
    if inp.method:
        pairs.append(("method", inp.method))
    if inp.budget:
        pairs.append(("budget", inp.budget))
    if inp.name:
        pairs.append(("name", inp.name))
    if inp.date_text:
        pairs.append(("contract_by" if inp.mode == "contract_by" else "start", inp.date_text))
    defaults = {}
    if res is not None:
        defaults = {r.code: r.default_days for r in res.rules}
    for code, n in inp.days.items():
        if res is not None and code in defaults and str(n).strip() == str(defaults[code]) \
                and code not in inp.with_steps:
            continue  # unchanged default: keep links short
        pairs.append(("days", f"{code}={n}"))
    for code in inp.with_steps:
        pairs.append(("with", code))
    for code in inp.without_steps:
        pairs.append(("without", code))
    if inp.lang == "en":
        pairs.append(("lang", "en"))
    pairs += [(k, v) for k, v in extra.items() if v is not None]
    return urlencode(pairs)


def _host_base(request: Request) -> tuple[str, str]:
    """(scheme, host[:port]) for links a phone can open, from the request's Host header; never
    0.0.0.0 or a made-up name."""
    host = request.headers.get("host", "")
    if not re.fullmatch(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.\-]{1,253})(:\d{1,5})?", host):
        host = ""
    name = host.rsplit(":", 1)[0] if not host.startswith("[") else host
    if not host or name in ("0.0.0.0", "[::]"):
        server = request.scope.get("server") or ("127.0.0.1", 80)
        from web.addresses import reachable_addresses

        addr = reachable_addresses()[0] if server[0] in ("0.0.0.0", "::") else server[0]
        host = f"{addr}:{server[1]}" if server[1] not in (80, 443) else addr
    return request.url.scheme, host


# ------------------------------------------------------------------ calculator
def _calc_context(request: Request, inp: calc.PlanInput, res: calc.PlanResult | None) -> dict:
    lang = inp.lang
    T = texts(lang)
    ctx = {"T": T, "lang": lang, "inp": inp, "res": res, "groups": calc.method_groups(),
           "rows": [], "sum": None, "problems": [], "query": "",
           "other_lang_url": "", "nav": "calc"}
    if res is not None:
        ctx["problems"] = res.problems
        if res.timeline is not None or res.rules:
            ctx["rows"] = calc.rows(res, lang)
        if res.timeline is not None:
            ctx["sum"] = calc.summary(res, lang)
        ctx["query"] = _page_query(inp, res)
    other = calc.PlanInput(**{**inp.__dict__, "lang": "en" if lang == "th" else "th"})
    ctx["other_lang_url"] = "?" + (_page_query(other, res) if not inp.empty
                                   else ("lang=en" if lang == "th" else ""))
    return ctx


async def calculator(request: Request) -> Response:
    inp = calc.page_input(request.query_params)
    res = None if inp.empty else calc.compute(inp)
    ctx = _calc_context(request, inp, res)
    status = 422 if res is not None and res.problems else 200
    return HTMLResponse(render("calculator.html", **ctx), status_code=status)


def _plan_or_error(request: Request):
    inp = calc.page_input(request.query_params)
    res = calc.compute(inp)
    if res.timeline is None or res.problems:
        ctx = _calc_context(request, inp, res)
        return None, HTMLResponse(render("calculator.html", **ctx), status_code=422)
    return res, None


def print_view(request: Request) -> Response:
    res, err = _plan_or_error(request)
    if err:
        return err
    lang = res.inp.lang
    from schedule_engine import format_date, today_bangkok

    ctx = {"T": texts(lang), "lang": lang, "inp": res.inp, "rows": calc.rows(res, lang),
           "sum": calc.summary(res, lang), "query": _page_query(res.inp, res),
           "printed": format_date(today_bangkok(), lang, long=True)}
    return HTMLResponse(render("print.html", **ctx))


def _download_name(res: calc.PlanResult, ext: str) -> str:
    t = res.timeline
    base = f"procal-{t.method}-{t.start.isoformat()}"
    return f"{base}.{ext}"


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    return Response(data, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{filename}\"; "
                               f"filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store"})


def plan_pdf(request: Request) -> Response:
    res, err = _plan_or_error(request)
    if err:
        return err
    from web.outputs import plan_pdf as build

    return _attachment(build(res, res.inp.lang), "application/pdf", _download_name(res, "pdf"))


def plan_xlsx(request: Request) -> Response:
    res, err = _plan_or_error(request)
    if err:
        return err
    from web.outputs import plan_xlsx as build

    return _attachment(build(res, res.inp.lang),
                       REPORT_TYPES[".xlsx"], _download_name(res, "xlsx"))


def plan_ics(request: Request) -> Response:
    res, err = _plan_or_error(request)
    if err:
        return err
    from web.outputs import plan_ics as build

    return _attachment(build(res), "text/calendar; charset=utf-8", _download_name(res, "ics"))


# ------------------------------------------------------------------ JSON API
def _api_error(res: calc.PlanResult) -> JSONResponse:
    probs = [p.to_dict() for p in res.problems]
    first = probs[0] if probs else {"message_th": "ข้อมูลไม่ถูกต้อง", "message_en": "invalid input"}
    return JSONResponse({"error": {"status": 422, "message_th": first["message_th"],
                                   "message_en": first["message_en"], "problems": probs}},
                        status_code=422)


async def api_plan(request: Request) -> Response:
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            body = json.loads(await request.body() or b"{}")
        except (ValueError, UnicodeDecodeError):
            body = None
        if ctype not in ("application/json", "") or not isinstance(body, dict):
            return JSONResponse({"error": {"status": 422,
                                           "message_th": "ต้องส่งเป็น JSON object เช่น "
                                                         "{\"method\": \"e-bidding\", ...}",
                                           "message_en": "the body must be a JSON object with the "
                                                         "same names as the GET parameters"}},
                                status_code=422)
        inp = calc.json_input(body)
    else:
        inp = calc.api_input(request.query_params)
    res = calc.compute(inp)
    if res.timeline is None or res.problems:
        return _api_error(res)
    return Response(calc.plan_json(res.timeline) + "\n", media_type="application/json")


def api_methods(request: Request) -> Response:
    return Response(_methods_bytes(), media_type="application/json")


@lru_cache(maxsize=1)
def _methods_bytes() -> bytes:
    return json.dumps(calc.methods_json(), ensure_ascii=False, indent=2).encode()


def api_openapi(request: Request) -> Response:
    from web.openapi import spec

    return JSONResponse(spec())


def api_docs(request: Request) -> Response:
    from web.openapi import spec

    lang = _lang(request)
    return HTMLResponse(render("apidocs.html", T=texts(lang), lang=lang, spec=spec(), nav="api",
                               other_lang_url="?lang=" + ("en" if lang == "th" else "th")))


# ------------------------------------------------------------------ dashboard and reports
# each app's rendered pages of one summary version (app.state.pages): key -> (version, body,
# gzip body, etag), the most recently used _PAGES_MAX kept (the dashboard per language, pages of
# the late list)
_PAGES_MAX = 64
_PAGES_LOCK = threading.Lock()


def _dash_link(request: Request, path: str, lang: str, **params) -> str:
    """A link to a dashboard page keeping the language and the token (as the report links do)."""
    cfg: WebConfig = request.app.state.cfg
    pairs = [(k, str(v)) for k, v in params.items() if v not in (None, "")]
    if lang == "en":
        pairs.append(("lang", "en"))
    if cfg.token:
        pairs.append(("token", cfg.token))
    return path + ("?" + urlencode(pairs) if pairs else "")


def _cached_html(request: Request, key: tuple, version: tuple | None, build) -> Response:
    """A page that is a pure function of the summary version and ``key``: rendered and
    compressed once per version, sent with a strong ETag (a browser's revalidation is a 304)."""
    from calendar_sync.feeds import accepts_gzip

    pages: OrderedDict = request.app.state.pages
    hit = pages.get(key) if version is not None else None
    if hit is not None and hit[0] == version:
        _, body, gz_body, etag = hit
        with _PAGES_LOCK:
            if key in pages:
                pages.move_to_end(key)
    else:
        body = build().encode("utf-8")
        gz_body = gzip.compress(body, compresslevel=6, mtime=0)
        etag = '"' + hashlib.sha256(body).hexdigest()[:24] + '"'
        if version is not None:
            with _PAGES_LOCK:
                pages[key] = (version, body, gz_body, etag)
                pages.move_to_end(key)
                while len(pages) > _PAGES_MAX:
                    pages.popitem(last=False)
    gz = accepts_gzip(request.headers.get("accept-encoding"))
    headers = {"ETag": etag[:-1] + '-gz"' if gz else etag, "Cache-Control": "no-cache",
               "Vary": "Accept-Encoding"}
    inm = request.headers.get("if-none-match")
    if inm and headers["ETag"] in [t.strip().removeprefix("W/") for t in inm.split(",")]:
        return Response(status_code=304, headers=headers)
    if gz:
        headers["Content-Encoding"] = "gzip"
        body = gz_body
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)


SCORES_CHART = "charts/scores-ranking.png"  # the agency scores' ranking (docs/scoring.md)


def _png_version(path: Path) -> tuple | None:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else None


def _png_size(path: Path) -> tuple[int, int] | None:
    """(width, height) of a PNG file from its header; None when it is not one."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def province(request: Request) -> Response:
    from web.dashboard import dashboard_context, summary_version

    cfg: WebConfig = request.app.state.cfg
    lang = _lang(request)

    def build() -> str:
        ctx = dashboard_context(cfg.reports_dir, lang)
        return render("province.html", T=texts(lang), lang=lang, nav="province",
                      scores=_png_size(cfg.reports_dir / SCORES_CHART) and {
                          "src": SCORES_CHART, "size": _png_size(cfg.reports_dir / SCORES_CHART)},
                      token_q=_token_query(request),
                      late_url=_dash_link(request, "/province/late", lang),
                      agency_late_url=lambda name: _dash_link(request, "/province/late", lang,
                                                              agency=name),
                      other_lang_url="?" + urlencode(
                          [("lang", "en" if lang == "th" else "th")]), **ctx)

    version = summary_version(cfg.reports_dir)
    scores = _png_version(cfg.reports_dir / SCORES_CHART)  # written after the summary
    return _cached_html(request, ("province", lang),
                        (version, scores) if version is not None else None, build)


def province_late(request: Request) -> Response:
    """Every late milestone, worst first, a page at a time (optionally one agency's)."""
    from web.dashboard import late_page, summary_version

    cfg: WebConfig = request.app.state.cfg
    lang = _lang(request)
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        page = 1
    page = max(1, min(page, 1_000_000))
    agency = request.query_params.get("agency", "")[:200] or None

    def build() -> str:
        ctx = late_page(cfg.reports_dir, lang, page, agency)
        other = "en" if lang == "th" else "th"
        other_pairs = [("page", str(ctx.get("page", 1)))] + ([("agency", agency)] if agency else [])
        return render(
            "late.html", T=texts(lang), lang=lang, nav="province",
            back_url=_dash_link(request, "/province", lang),
            page_url=lambda n: _dash_link(request, "/province/late", lang, agency=agency, page=n),
            other_lang_url="?" + urlencode(other_pairs + [("lang", other)]), **ctx)

    version = summary_version(cfg.reports_dir)
    return _cached_html(request, ("late", lang, page, agency), version, build)


def _report_files(reports_dir: Path) -> dict[str, Path]:
    """Report files by their name relative to the reports folder: the folder itself and its
    ``charts`` folder, known types only, no dot-files, no symlinks."""
    out: dict[str, Path] = {}
    for sub in ("", "charts"):
        folder = reports_dir / sub if sub else reports_dir
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for e in entries:
            if e.is_file(follow_symlinks=False) and not e.name.startswith(".") \
                    and Path(e.name).suffix.lower() in REPORT_TYPES:
                out[f"{sub}/{e.name}" if sub else e.name] = Path(e.path)
    return out


def report_file(request: Request) -> Response:
    cfg: WebConfig = request.app.state.cfg
    path = _report_files(cfg.reports_dir).get(request.path_params["name"])
    if path is None:
        raise HTTPException(404)
    from starlette.responses import FileResponse

    suffix = path.suffix.lower()
    disp = "inline" if suffix == ".png" else "attachment"
    return FileResponse(path, media_type=REPORT_TYPES[suffix], headers={
        "Content-Disposition": f"{disp}; filename*=UTF-8''{quote(path.name)}"})


# ------------------------------------------------------------------ feeds
def _token_query(request: Request) -> str:
    cfg: WebConfig = request.app.state.cfg
    return ("?" + urlencode({"token": cfg.token})) if cfg.token else ""


def feeds_page(request: Request) -> Response:
    from calendar_sync.feeds import feed_file, list_feeds
    from web.qr import qr_svg

    cfg: WebConfig = request.app.state.cfg
    lang = _lang(request)
    scheme, host = _host_base(request)
    tq = _token_query(request)
    items = []
    for name, path in sorted(list_feeds(cfg.out_dir).items()):
        try:
            info = feed_file(path)
        except OSError:
            continue
        rel = "/feeds/" + quote(name)
        http_url = f"{scheme}://{host}{rel}{tq}"
        webcal = f"webcal://{host}{rel}{tq}" if scheme == "http" else \
            f"webcal://{host}{rel}{tq}"
        items.append({"name": name, "title": info.display_name, "events": info.events,
                      "size_kb": max(1, round(info.size / 1024)), "http": http_url,
                      "webcal": webcal, "qr": qr_svg(webcal), "path": rel + tq})
    return HTMLResponse(render("feeds.html", T=texts(lang), lang=lang, nav="feeds", feeds=items,
                               out_dir=str(cfg.out_dir), scheme=scheme,
                               other_lang_url="?lang=" + ("en" if lang == "th" else "th")))


_FEEDS: dict[str, object] = {}  # path -> the FeedFile last seen (validators of one version)


def _known_feed(path: Path):
    """The feed's validators when its version (inode, size, mtime in ns) is the one already
    hashed: a ``stat`` and a look-up, no read; None when it must be (re)read."""
    info = _FEEDS.get(str(path))
    if info is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return info if (st.st_ino, st.st_size, st.st_mtime_ns) == info.stat_key else None


async def feed(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    from calendar_sync.feeds import accepts_gzip, feed_file, gzip_body, list_feeds

    cfg: WebConfig = request.app.state.cfg
    name = request.path_params["name"] + ".ics"
    path = list_feeds(cfg.out_dir).get(name)
    if path is None:
        raise HTTPException(404)
    info = _known_feed(path)  # the common case (a phone asking again) stays on the event loop
    if info is None:
        try:  # a new version: read and hash it off the event loop (a feed can be 100 MB)
            info = await run_in_threadpool(feed_file, path)
        except OSError:
            raise HTTPException(404) from None
        _FEEDS[str(path)] = info
    gz = accepts_gzip(request.headers.get("accept-encoding"))
    headers = {"ETag": info.gzip_etag if gz else info.etag, "Last-Modified": info.last_modified,
               "Cache-Control": "max-age=300", "Vary": "Accept-Encoding"}
    if info.not_modified(request.headers.get("if-none-match"),
                         request.headers.get("if-modified-since")):
        return Response(status_code=304, headers=headers)
    body = await run_in_threadpool(gzip_body, info) if gz else None
    if body is not None:
        headers["Content-Encoding"] = "gzip"
        return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
    headers["ETag"] = info.etag
    from starlette.responses import FileResponse

    return FileResponse(path, media_type="text/calendar; charset=utf-8", headers=headers,
                        stat_result=None)


# ------------------------------------------------------------------ errors
def _error_page(request: Request, exc: HTTPException) -> Response:
    lang = _lang(request)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": {"status": exc.status_code,
                                       "message_th": "ไม่พบ" if exc.status_code == 404
                                       else "คำขอไม่ถูกต้อง",
                                       "message_en": exc.detail}}, status_code=exc.status_code,
                            headers=exc.headers)
    return HTMLResponse(render("error.html", T=texts(lang), lang=lang, status=exc.status_code,
                               nav="", other_lang_url=""),
                        status_code=exc.status_code, headers=exc.headers)


def create_app(out_dir: str | Path = "procal-out", *, reports_dir: str | Path | None = None,
               token: str | None = None) -> SecurityMiddleware:
    """The whole web app for the out folder of ``procal run`` (wrapped in the security layer)."""
    out = Path(out_dir).resolve()
    cfg = WebConfig(out_dir=out, reports_dir=Path(reports_dir).resolve() if reports_dir
                    else out / "reports", token=token)
    routes = [
        Route("/", calculator),
        Route("/print", print_view),
        Route("/plan.pdf", plan_pdf),
        Route("/plan.xlsx", plan_xlsx),
        Route("/plan.ics", plan_ics),
        Route("/api/plan", api_plan, methods=["GET", "POST"]),
        Route("/api/methods", api_methods),
        Route("/api/openapi.json", api_openapi),
        Route("/api/docs", api_docs),
        Route("/province", province),
        Route("/province/late", province_late),
        Route("/reports/{name:path}", report_file),
        Route("/feeds/", feeds_page),
        Route("/feeds", lambda r: Response(status_code=308, headers={"Location": "/feeds/"})),
        Route("/feeds/{name}.ics", feed),
        Route("/{name}.ics", feed),  # the URLs `procal serve` always printed
        Route("/static/{name}", static),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _error_page})
    app.state.cfg = cfg
    app.state.pages = OrderedDict()
    return SecurityMiddleware(app, token=token)
