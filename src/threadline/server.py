"""The server: the API under ``/api/v1`` and the workbench's pages, on one store.

`create_app` builds it; `threadline serve` runs it with uvicorn. The app holds one Store (one
connection pool) for its life; each request opens its own transaction through the acting
user's View (see `threadline.api.deps`).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from threadline.api.deps import NotSignedIn
from threadline.api.explainers import Explainers
from threadline.api.graphs import GraphCache
from threadline.api.routers import API_ROUTERS
from threadline.api.settings import Settings
from threadline.errors import ThreadlineError, ValidationError
from threadline.graph.vocabulary import NodeNotFound
from threadline.jobs import work
from threadline.read.search import warm_up
from threadline.security.errors import AccessDenied
from threadline.store import Store
from threadline.web import STATIC, page_router, render_error

__all__ = ["API_PREFIX", "create_app"]

API_PREFIX = "/api/v1"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
"""Sent with every answer: no third-party code, no framing, and nothing cached on a shared
computer (intelligence must not linger in a browser's cache)."""


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(API_PREFIX)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The workbench and API over the store `settings.database`."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store(settings.database)
        store.require_current()
        app.state.store = store
        app.state.settings = settings
        app.state.graphs = GraphCache()
        app.state.explainers = Explainers()
        warm_up()  # the name comparators' tables, so the first search is as quick as the rest
        stop = threading.Event()
        worker = None
        if settings.worker == "inline":
            worker = threading.Thread(
                target=work, args=(store,), kwargs={"stop": stop}, name="threadline-jobs",
                daemon=True,
            )  # fmt: skip
            worker.start()
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                worker.join(timeout=30)
            app.state.explainers.close()
            store.close()

    app = FastAPI(
        title="Threadline",
        summary="Intelligence analysis for modern slavery and human trafficking investigations.",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(page_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def _error(request: Request, status: int, message: str) -> Response:
        if _wants_html(request):
            return render_error(request, status, message)
        return JSONResponse({"detail": message}, status_code=status)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
        if _wants_html(request):
            target = request.url.path
            return RedirectResponse(f"/login?next={target}", status_code=303)
        return JSONResponse(
            {"detail": "sign in first"}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(AccessDenied)
    async def denied(request: Request, exc: AccessDenied) -> Response:
        return _error(request, 403, str(exc))

    @app.exception_handler(NodeNotFound)
    async def not_found(request: Request, _exc: NodeNotFound) -> Response:
        return _error(request, 404, "nothing you may see matches")

    @app.exception_handler(ValidationError)
    async def invalid(request: Request, exc: ValidationError) -> Response:
        return _error(request, 422, str(exc))

    @app.exception_handler(ThreadlineError)
    async def refused(request: Request, exc: ThreadlineError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if _wants_html(request):
            return render_error(request, 422, "; ".join(_messages(exc)))
        detail = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")).removeprefix(
                "Value error, "), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]  # fmt: skip
        return JSONResponse({"detail": detail}, status_code=422)

    return app


def _messages(exc: RequestValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in error.get('loc', ()) if p != 'body')}: {error.get('msg', '')}"
        for error in exc.errors()
    ]
