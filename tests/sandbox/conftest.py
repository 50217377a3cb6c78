"""Clients on the ``sandbox_server`` fixture: ``api`` through Maton, ``direct`` with Api-Token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sandbox_server import RunningSandbox


@pytest.fixture
def api(sandbox_server: RunningSandbox) -> Iterator[httpx.Client]:
    with sandbox_server.client() as client:
        yield client


@pytest.fixture
def direct(sandbox_server: RunningSandbox) -> Iterator[httpx.Client]:
    with sandbox_server.direct_client() as client:
        yield client
