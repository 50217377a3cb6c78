"""The sandbox ASGI application: Maton and direct access, rate limits, latency, persistence.

Paths:

- ``/active-campaign/api/3/...`` with ``Authorization: Bearer <maton key>``; the account is
  the connection named by ``Maton-Connection``, else the oldest active one [V-2nd MATON].
- ``/connections`` and ``/connections/{id}``: Maton's connection management.
- ``/api/3/...`` with ``Api-Token: <token>``: direct access, the token selects the account.

Maton's own error bodies are not documented; the sandbox answers ``{"error", "message"}`` with
Maton's documented statuses (400 no connection, 401 bad key, 429 rate limit) [INF].
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reconciler.sandbox.faults import FaultOptions, Faults
from reconciler.sandbox.http import SCOPE_CONNECTION, ApiProblem
from reconciler.sandbox.limits import SlidingWindow
from reconciler.sandbox.routes import api_routes
from reconciler.sandbox.store import MATON_APP, Connection, SandboxStore

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The endpoints that need Deals access [R2: "The user should belong to a user group that has the
# Deals permission"; the 403 and its body are INF, in the reference's permission shape].
DEALS_PATH = re.compile(r"/api/3/deal(Groups|Stages|s|Group|CustomFieldMeta)(/|$)")


def check_deals_access(connection: Connection, path: str) -> None:
    if DEALS_PATH.search(path) and not connection.account.settings.get("deals_access", True):
        detail = "You do not have permission to access deals."
        raise ApiProblem(403, {"errors": [{"status": 403, "title": "Forbidden", "detail": detail}]})


def maton_error(status: int, error: str, message: str, **headers: str) -> ApiProblem:
    return ApiProblem(status, {"error": error, "message": message}, headers)


class Limits:
    """ActiveCampaign's limit per account and Maton's per key; ``None`` disables either."""

    def __init__(self, rate_limit: float | None, maton_rate_limit: float | None) -> None:
        self.account = SlidingWindow(rate_limit) if rate_limit else None
        self.maton = SlidingWindow(maton_rate_limit) if maton_rate_limit else None

    def check_maton(self, key: str) -> None:
        wait = self.maton.admit(key) if self.maton else None
        if wait is not None:
            raise maton_error(
                429, "Too Many Requests", "Maton rate limit exceeded.", **{"Retry-After": str(wait)}
            )

    def check_account(self, connection: Connection) -> None:
        # [V-2nd RL] 5 requests/second per account, 429 with Retry-After seconds; the body
        # is not documented [INF].
        wait = self.account.admit(connection.connection_id) if self.account else None
        if wait is not None:
            raise ApiProblem(
                429,
                {
                    "message": f"Too Many Requests: the account allows {self.rate} requests "
                    f"per second; retry after {wait} second(s)."
                },
                {"Retry-After": str(wait)},
            )

    @property
    def rate(self) -> str:
        window = self.account
        return f"{window.capacity / window.window:g}" if window else "unlimited"


def check_maton_key(store: SandboxStore, request: Request, limits: Limits) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or key.strip() != store.maton_key:
        raise maton_error(401, "Unauthorized", "Invalid or missing Maton API key.")
    limits.check_maton(store.maton_key)


def select_connection(store: SandboxStore, request: Request) -> Connection:
    wanted = request.headers.get("maton-connection")
    if wanted is None:
        found = store.oldest_active()
        if found is None:
            raise maton_error(400, "Bad Request", f"No active connection for {MATON_APP}.")
        return found
    connection = store.connection(wanted.strip())
    if connection is None or connection.status != "ACTIVE":
        state = "is not active" if connection else "does not exist"
        raise maton_error(400, "Bad Request", f"Connection {wanted.strip()} {state}.")
    return connection


class Gate:
    """Authenticates, rate-limits and selects the account, then runs the API router; saves
    the store after every successful write."""

    def __init__(self, store: SandboxStore, app: ASGIApp, limits: Limits, *, direct: bool):
        self.store = store
        self.app = app
        self.limits = limits
        self.direct = direct

    def admit(self, request: Request) -> Connection:
        if self.direct:
            found = self.store.by_token(request.headers.get("api-token", ""))
            if found is None:
                raise ApiProblem(403, {"message": "Forbidden"})  # [V-docs] 403, not 401
            connection = found
        else:
            check_maton_key(self.store, request, self.limits)
            connection = select_connection(self.store, request)
        self.limits.check_account(connection)
        check_deals_access(connection, request.url.path)
        return connection

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        writes = scope["method"] in WRITES

        async def save_then_send(message: Message) -> None:
            # The state is on disk before the client sees the answer to its write.
            if writes and message["type"] == "http.response.start" and message["status"] < 400:
                self.store.save()
            await send(message)

        try:
            scope[SCOPE_CONNECTION] = self.admit(Request(scope, receive))
            await self.app(scope, receive, save_then_send)
        except ApiProblem as problem:
            await problem.response()(scope, receive, send)
        except HTTPException as exc:
            await route_error(exc)(scope, receive, send)


def route_error(exc: HTTPException) -> Response:
    """Unknown paths and methods. [INF] the body follows AC's newer error shape."""
    body = {"errors": [{"status": exc.status_code, "title": exc.detail}]}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


class Latency:
    """Delays every response by ``latency_ms``."""

    def __init__(self, app: ASGIApp, latency_ms: int) -> None:
        self.app = app
        self.delay = latency_ms / 1000

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.delay > 0:
            await asyncio.sleep(self.delay)
        await self.app(scope, receive, send)


def connection_routes(store: SandboxStore, limits: Limits) -> list[Route]:
    async def list_connections(request: Request) -> Response:
        check_maton_key(store, request, limits)
        app = request.query_params.get("app")
        status = request.query_params.get("status")
        rows = [
            c.data()
            for c in sorted(store.connections, key=lambda c: c.creation_time)
            if (app is None or app == MATON_APP) and (status is None or status == c.status)
        ]
        return JSONResponse({"connections": rows})

    async def get_connection(request: Request) -> Response:
        check_maton_key(store, request, limits)
        found = store.connection(request.path_params["connection_id"])
        if found is None:
            raise maton_error(404, "Not Found", "Connection not found.")
        return JSONResponse({"connection": found.data()})

    return [
        Route("/connections", list_connections, methods=["GET"]),
        Route("/connections/{connection_id}", get_connection, methods=["GET"]),
    ]


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiProblem)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return route_error(exc)


def create_app(
    store: SandboxStore,
    *,
    latency_ms: int = 0,
    rate_limit: float | None = 5.0,
    maton_rate_limit: float | None = 10.0,
    faults: FaultOptions | None = None,
) -> Starlette:
    """The sandbox as an ASGI app serving ``store``.

    ``rate_limit`` is requests per second per account and ``maton_rate_limit`` per Maton key
    (``None`` disables either); ``latency_ms`` delays every response; ``faults`` injects
    failures (``sandbox.faults``; ``faults.met`` counts them).
    """
    limits = Limits(rate_limit, maton_rate_limit)
    api = Router(routes=api_routes())
    handlers: dict[Any, Any] = {ApiProblem: _problem, HTTPException: _http_error}
    app = Starlette(
        routes=[
            *connection_routes(store, limits),
            Mount("/active-campaign/api/3", app=Gate(store, api, limits, direct=False)),
            Mount("/api/3", app=Gate(store, api, limits, direct=True)),
        ],
        exception_handlers=handlers,
    )
    if latency_ms > 0:
        app.add_middleware(Latency, latency_ms=latency_ms)
    if faults is not None and faults.rate > 0:
        app.add_middleware(Faults, options=faults)
    app.state.store = store
    return app
