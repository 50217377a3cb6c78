"""How long `acr plan` takes to fail against a gateway that is down, over loopback only.

    .venv/bin/python benchmarks/dead_gateway.py [-- extra acr plan options, e.g. --timeout 3]

Three gateways: a port that refuses connections, a socket that accepts connections and never
answers, and a host name that does not resolve (``.invalid`` is reserved, RFC 2606; the
lookup is answered by the local resolver). Each run prints the wall time, the exit code and
the error message's first line.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MANIFEST = "tags:\n  - name: VIP\n"


@contextmanager
def refusing() -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now: connections are refused
    yield f"http://127.0.0.1:{port}"


@contextmanager
def silent() -> Iterator[str]:
    """Accepts every connection and reads what is sent, but never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


@contextmanager
def unresolvable() -> Iterator[str]:
    yield "http://acr-dead-gateway.invalid"


def run(gateway: str, extra: list[str]) -> tuple[float, int, str]:
    with tempfile.TemporaryDirectory() as root:
        Path(root, "tags.yaml").write_text(MANIFEST, encoding="utf-8")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("MATON_", "ACTIVECAMPAIGN_", "ACR_"))
        }
        env.update(MATON_API_KEY="benchmark-key", MATON_GATEWAY_URL=gateway)
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "reconciler", "plan", "tags.yaml", *extra],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return elapsed, done.returncode, (lines[-1] if lines else "") + f"  [{len(lines)} lines]"


def main() -> None:
    extra = sys.argv[1:]
    if extra[:1] == ["--"]:
        extra = extra[1:]
    for name, gateway in (("refused", refusing), ("silent", silent), ("dns", unresolvable)):
        with gateway() as url:
            elapsed, code, message = run(url, extra)
        print(f"{name:<8} {elapsed:7.2f} s  exit {code}  {message}")


if __name__ == "__main__":
    main()
