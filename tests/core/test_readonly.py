"""The plan path can only read: by its type, and by the transport under it."""

from __future__ import annotations

import asyncio
import inspect

import httpx
import pytest

from reconciler.errors import PlanError
from reconciler.readonly import ReadOnlyApi, refuse_writes
from reconciler.sandbox import SandboxStore, create_app
from reconciler.sandbox.opening import open_store
from reconciler.session import Session

WRITES = ("create", "put", "patch", "post", "delete")


def _session(tmp_path) -> tuple[Session, SandboxStore]:
    store = open_store(tmp_path / "state.json")
    env = {"MATON_API_KEY": store.maton_key, "MATON_GATEWAY_URL": "http://sandbox.acr"}
    session = Session.open(None, sandbox=False, env=env)
    session.app = create_app(store)
    return session, store


def test_the_facade_offers_reads_only():
    public = {name for name, _ in inspect.getmembers(ReadOnlyApi) if not name.startswith("_")}
    assert public == {"get", "collect"}
    assert ReadOnlyApi.__slots__ == ("_client",)  # no other attribute can be added to it


def test_no_write_reaches_the_account_even_past_the_facade(tmp_path):
    session, store = _session(tmp_path)

    async def try_everything() -> list[str]:
        refused = []
        async with session.client(read_only=True) as client:
            api = ReadOnlyApi(client)
            await api.collect("/tags")  # reads work
            inner = api._client  # reaching past the facade on purpose
            calls = {
                "create": lambda: inner.create("/tags", {"tag": {"tag": "x"}}),
                "put": lambda: inner.put("/tags/1", {"tag": {"tag": "x"}}),
                "delete": lambda: inner.delete("/tags/1"),
                "post": lambda: inner._sender.http.post(
                    "http://sandbox.acr/active-campaign/api/3/tags"
                ),
            }
            for name, call in calls.items():
                with pytest.raises(PlanError, match="a plan only reads the account"):
                    await call()
                refused.append(name)
        return refused

    assert asyncio.run(try_everything()) == ["create", "put", "delete", "post"]
    account = store.oldest_active()
    assert account is not None and account.account.rows("tags") == []


def test_the_hook_refuses_every_method_but_get():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(200, json={})

    async def send(method: str) -> None:
        hooks = {"request": [refuse_writes]}
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(handler), event_hooks=hooks
        ) as c:
            await c.request(method, "http://x/y")

    asyncio.run(send("GET"))
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        with pytest.raises(PlanError):
            asyncio.run(send(method))
    assert seen == ["GET"]
