"""``serve``: loopback only, announces where it listens, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from reconciler.errors import ConfigError
from reconciler.sandbox import open_store
from reconciler.sandbox.server import describe, is_loopback, serve

SCRIPT = """
from reconciler.sandbox import open_store
from reconciler.sandbox.server import serve
serve(open_store(), port=0, announce=lambda line: print(line, flush=True))
print("returned", flush=True)
"""


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::"])
def test_refuses_non_loopback_hosts(host: str) -> None:
    with pytest.raises(ConfigError, match="loopback"):
        serve(open_store(), host=host, announce=lambda line: None)


def test_loopback_hosts() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "localhost"))


def test_describe_names_url_key_connections_and_tokens() -> None:
    store = open_store()
    lines = "\n".join(describe(store, "http://127.0.0.1:8787"))
    assert "MATON_GATEWAY_URL=http://127.0.0.1:8787" in lines
    assert "MATON_API_KEY=sandbox-maton-key" in lines
    assert f"{store.default_connection} ACTIVE (default)" in lines
    assert "ACTIVECAMPAIGN_API_TOKEN=sandbox-api-token" in lines


def test_describe_lists_every_connection_of_a_seed_with_several() -> None:
    from reconciler.sandbox.seed import load_seed

    store = load_seed(
        {"connections": [{"account": "alpha"}, {"account": "beta", "status": "FAILED"}]}
    )
    lines = describe(store, "http://127.0.0.1:8787")
    assert [line.split(":")[0] for line in lines if line.startswith("connection ")] == [
        f"connection {store.connections[0].connection_id} ACTIVE (default), account alpha",
        f"connection {store.connections[1].connection_id} FAILED, account beta",
    ]


def test_serves_until_ctrl_c_then_returns_without_traceback() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 20
        while not any(line.startswith("MATON_GATEWAY_URL=") for line in lines):
            assert time.monotonic() < deadline, "the sandbox did not announce itself"
            lines.append(process.stdout.readline().strip())
        url = next(line for line in lines if line.startswith("MATON_GATEWAY_URL=")).split("=", 1)[1]
        assert url.startswith("http://127.0.0.1:")
        answer = httpx.get(
            f"{url}/active-campaign/api/3/users/me",
            headers={"Authorization": "Bearer sandbox-maton-key"},
        )
        assert answer.status_code == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "returned" in out
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
