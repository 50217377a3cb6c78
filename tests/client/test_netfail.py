"""Requests without an answer: DNS failures, refused connections, timeouts and dropped
connections are each sent again as often as they are worth; retries print one line a round."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from reconciler.client import Client
from reconciler.errors import TransportError
from reconciler.netfail import Failure, classify
from reconciler.retry import RetryRounds

from .conftest import DIRECT_API, Sleeps

OK = httpx.Response(200, json={"tags": []})


def call(client: Client, path: str = "/tags") -> Any:
    async def main() -> Any:
        async with client:
            return await client.get(path)

    return asyncio.run(main())


def dns_error() -> httpx.ConnectError:
    error = httpx.ConnectError("[Errno -2] Name or service not known")
    error.__cause__ = socket.gaierror(-2, "Name or service not known")
    return error


def test_a_host_that_does_not_resolve_is_not_retried(
    make_client: Callable[..., Client], sleeps: Sleeps
) -> None:
    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").side_effect = dns_error()
        with pytest.raises(TransportError) as caught:
            call(client)
    assert client.stats == {"GET": 1} and sleeps.waits == []
    assert str(caught.value) == (
        "GET /tags: cannot resolve the host name 'acct.api-us1.com' of https://acct.api-us1.com "
        "(ConnectError: [Errno -2] Name or service not known): check the URL and the network"
    )


def test_a_refused_connection_is_retried_twice(
    make_client: Callable[..., Client], sleeps: Sleeps
) -> None:
    messages: list[str] = []
    client = make_client(on_retry=messages.append)
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").side_effect = httpx.ConnectError("All connection attempts failed")
        with pytest.raises(TransportError, match="after 3 attempts") as caught:
            call(client)
    assert client.stats == {"GET": 3, "retries": 2}
    assert "no answer from https://acct.api-us1.com" in str(caught.value)
    assert [m.rsplit("(", 1)[1] for m in messages] == ["retry 1 of 2)", "retry 2 of 2)"]


def test_a_refused_connection_that_recovers(make_client: Callable[..., Client]) -> None:
    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").side_effect = [httpx.ConnectError("refused")] * 2 + [OK]
        assert call(client) == {"tags": []}
    assert client.stats == {"GET": 3, "retries": 2}


def test_a_timeout_before_any_answer_is_not_retried(make_client: Callable[..., Client]) -> None:
    client = make_client(timeout=3)
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").side_effect = httpx.ReadTimeout("timed out")
        with pytest.raises(TransportError, match="each waited 3 s"):
            call(client)
    assert client.stats == {"GET": 1}


def test_timeouts_after_an_answer_are_retried_twice(make_client: Callable[..., Client]) -> None:
    async def main(client: Client) -> Any:
        async with client:
            await client.get("/lists")  # the endpoint answered once: it is alive
            return await client.get("/tags")

    recovering, failing = make_client(), make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/lists").respond(json={"lists": []})
        mock.get("/tags").side_effect = [httpx.ReadTimeout("t")] * 2 + [OK]
        assert asyncio.run(main(recovering)) == {"tags": []}
        mock.get("/tags").side_effect = httpx.ReadTimeout("t")
        with pytest.raises(TransportError, match="after 3 attempts"):
            asyncio.run(main(failing))
    assert recovering.stats == failing.stats == {"GET": 4, "retries": 2}


def test_dropped_connections_use_every_retry(make_client: Callable[..., Client]) -> None:
    client = make_client()
    with respx.mock(base_url=DIRECT_API) as mock:
        mock.get("/tags").side_effect = [httpx.RemoteProtocolError("dropped")] * 5 + [OK]
        assert call(client) == {"tags": []}
    assert client.stats == {"GET": 6, "retries": 5}


def test_concurrent_reads_failing_together_print_one_line_a_round(
    make_client: Callable[..., Client],
) -> None:
    messages: list[str] = []
    client = make_client(on_retry=messages.append)
    paths = ["/tags", "/lists", "/fields", "/dealGroups", "/webhooks"]

    async def main() -> list[Any]:
        async with client:
            return await asyncio.gather(*(client.get(p) for p in paths))

    with respx.mock(base_url=DIRECT_API) as mock:
        for path in paths:
            mock.get(path).side_effect = [httpx.Response(503)] * 2 + [OK]
        assert len(asyncio.run(main())) == 5
    assert client.stats == {"GET": 15, "retries": 10}
    assert len(messages) == 2, messages
    assert "503 Service Unavailable, retrying in" in messages[0]
    assert messages[0].endswith("(retry 1 of 5)") and messages[1].endswith("(retry 2 of 5)")


def test_a_round_is_announced_again_once_its_wait_is_over() -> None:
    now = [0.0]
    lines: list[str] = []
    rounds = RetryRounds(lines.append, clock=lambda: now[0])
    assert rounds.notify("a", reason="503", retry=0, wait=2.0)
    assert not rounds.notify("b", reason="503", retry=0, wait=2.0)
    assert rounds.notify("c", reason="502", retry=0, wait=2.0)  # another reason
    assert rounds.notify("d", reason="503", retry=1, wait=2.0)  # the next round
    now[0] = 2.5
    assert rounds.notify("e", reason="503", retry=0, wait=2.0)
    assert lines == ["a", "c", "d", "e"]


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (dns_error(), Failure.DNS),
        (httpx.ConnectError("All connection attempts failed"), Failure.UNSENT),
        (httpx.ConnectTimeout("t"), Failure.UNSENT),
        (httpx.PoolTimeout("t"), Failure.UNSENT),
        (httpx.ReadTimeout("t"), Failure.TIMEOUT),
        (httpx.WriteTimeout("t"), Failure.TIMEOUT),
        (httpx.ReadError("reset"), Failure.DROPPED),
        (httpx.RemoteProtocolError("peer closed"), Failure.DROPPED),
        (httpx.UnsupportedProtocol("ftp"), Failure.OTHER),
    ],
)
def test_classify(error: httpx.TransportError, kind: Failure) -> None:
    assert classify(error) is kind


def test_the_timeout_applies_to_every_phase(make_client: Callable[..., Client]) -> None:
    client = make_client(timeout=2.5)
    timeout = client._sender.http.timeout
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (2.5,) * 4
