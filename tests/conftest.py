"""Fixtures shared by the whole suite.

``sandbox_server`` serves a fresh sandbox over real HTTP on loopback for one test; options
come from ``@pytest.mark.sandbox(seed=..., rate_limit=..., latency_ms=...)``. Without options
the rate limits are off so tests run fast. ``sandbox_factory`` starts more sandboxes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from sandbox_server import RunningSandbox, run_sandbox

FAST = {"rate_limit": None, "maton_rate_limit": None}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sandbox(seed=None, state=None, rate_limit=None, maton_rate_limit=None, latency_ms=0): "
        "options of the sandbox_server fixture",
    )


@pytest.fixture
def sandbox_server(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    """A fresh sandbox for this test, served on a free 127.0.0.1 port."""
    marker = request.node.get_closest_marker("sandbox")
    options: dict[str, Any] = {**FAST, **(marker.kwargs if marker else {})}
    with run_sandbox(**options) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., RunningSandbox]]:
    """Start sandboxes with ``run_sandbox`` options (limits off unless given); all stop at
    the end of the test."""
    with ExitStack() as stack:

        def start(**options: Any) -> RunningSandbox:
            return stack.enter_context(run_sandbox(**{**FAST, **options}))

        yield start
