"""Where the account is and how to authenticate: Maton gateway or direct, from the
environment (design.md section 4). Key and token values never appear in reprs or messages."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import httpx

from reconciler.errors import ConfigError

DEFAULT_GATEWAY = "https://api.maton.ai"
MATON_APP = "active-campaign"


@dataclass(frozen=True)
class Endpoint:
    """Where requests go and how they authenticate. ``headers`` hold the secret: they are
    left out of ``repr`` and never put in a message."""

    base_url: str  # up to and including /api/3
    headers: Mapping[str, str] = field(repr=False, hash=False)
    account: str  # the rate-limit key: the connection id, or the account URL
    description: str  # safe to print
    gateway: str | None = None  # Maton gateway root (for /connections); None in direct mode
    # The Maton key's rate-limit key (a digest, never the key): the accounts reached with one
    # key share its budget. None in direct mode.
    key_id: str | None = field(default=None, compare=False)

    @property
    def maton(self) -> bool:
        return self.gateway is not None


def endpoint_from_env(
    env: Mapping[str, str],
    *,
    connection: str | None = None,
    url: str | None = None,
    token_env: str = "ACTIVECAMPAIGN_API_TOKEN",
) -> Endpoint:
    """The endpoint for a target (its ``connection`` or ``url``, if any) from ``env``.

    ``url`` means direct mode with the token in ``token_env``. Otherwise MATON_API_KEY means the
    Maton gateway (MATON_GATEWAY_URL, connection or MATON_CONNECTION; without either the
    gateway uses the oldest active connection [V-2nd MATON]). Without MATON_API_KEY,
    ACTIVECAMPAIGN_URL and ACTIVECAMPAIGN_API_TOKEN together mean direct mode.
    """

    def var(name: str) -> str:
        return (env.get(name) or "").strip()

    connection = (connection or "").strip() or None
    if url is not None:
        return _target_url(url, connection, var(token_env), token_env)
    key = var("MATON_API_KEY")
    if key:
        gateway = _root(var("MATON_GATEWAY_URL") or DEFAULT_GATEWAY, "MATON_GATEWAY_URL")
        return _maton(key, gateway, connection or var("MATON_CONNECTION") or None)
    if connection:
        raise ConfigError(
            f"connection {connection!r} is a Maton connection: set MATON_API_KEY "
            "(maton.ai/settings)"
        )
    return _direct_from_env(var("ACTIVECAMPAIGN_URL"), var("ACTIVECAMPAIGN_API_TOKEN"))


def _target_url(url: str, connection: str | None, token: str, token_env: str) -> Endpoint:
    """A target's own ``url``: direct mode with the token in ``token_env``."""
    if connection:
        raise ConfigError(
            f"a target names either a connection or a url, not both (connection "
            f"{connection!r}, url {url!r})"
        )
    if not token:
        raise ConfigError(
            f"the target url {url!r} calls ActiveCampaign directly: set "
            f"{token_env} to that account's API token (Settings > Developer)"
        )
    return _direct(url, token, "the target url")


def _direct_from_env(url: str, token: str) -> Endpoint:
    """Direct mode from ACTIVECAMPAIGN_URL and ACTIVECAMPAIGN_API_TOKEN, which go together."""
    if url and token:
        return _direct(url, token, "ACTIVECAMPAIGN_URL")
    if url:
        raise ConfigError(
            "ACTIVECAMPAIGN_URL is set but ACTIVECAMPAIGN_API_TOKEN is not: set "
            "ACTIVECAMPAIGN_API_TOKEN to the account's API token (Settings > Developer), or set "
            "MATON_API_KEY to go through the Maton gateway"
        )
    if token:
        raise ConfigError(
            "ACTIVECAMPAIGN_API_TOKEN is set but ACTIVECAMPAIGN_URL is not: set "
            "ACTIVECAMPAIGN_URL to the account's API URL (https://<account>.api-us1.com, "
            "Settings > Developer)"
        )
    raise ConfigError(
        "no ActiveCampaign credentials: set MATON_API_KEY (and optionally MATON_CONNECTION) "
        "to go through the Maton gateway, or ACTIVECAMPAIGN_URL and ACTIVECAMPAIGN_API_TOKEN "
        "to call ActiveCampaign directly"
    )


def _root(raw: str, name: str) -> str:
    """``raw`` as scheme://host[:port][/path], without credentials, query or trailing slash."""
    try:
        parsed = httpx.URL(raw)
    except httpx.InvalidURL as exc:
        raise ConfigError(f"{name} {raw!r} is not a URL: {exc}") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigError(f"{name} {raw!r} is not an http(s) URL such as https://host")
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.scheme}://{parsed.host}{port}{parsed.path}".rstrip("/")


def _direct(url: str, token: str, name: str) -> Endpoint:
    root = _root(url, name)
    if root.endswith("/api/3"):
        root = root[: -len("/api/3")]
    return Endpoint(
        base_url=f"{root}/api/3",
        headers=MappingProxyType({"Api-Token": token}),
        account=root.lower(),
        description=root,
    )


def _maton(key: str, gateway: str, connection: str | None) -> Endpoint:
    headers = {"Authorization": f"Bearer {key}"}
    if connection:
        headers["Maton-Connection"] = connection
        short = f"{connection[:4]}…{connection[-3:]}" if len(connection) > 12 else connection
        description = f"Maton connection {short}"
    else:
        description = "Maton default connection"
    if gateway != DEFAULT_GATEWAY:
        description += f" via {gateway}"
    return Endpoint(
        base_url=f"{gateway}/{MATON_APP}/api/3",
        headers=MappingProxyType(headers),
        account=f"maton:{connection}" if connection else f"maton:{gateway}:default",
        description=description,
        gateway=gateway,
        key_id=maton_key_id(key, gateway),
    )


def maton_key_id(key: str, gateway: str) -> str:
    """The rate-limit key of a Maton API key: a digest, so the key itself never leaves."""
    return "maton-key:" + hashlib.sha256(f"{gateway}\n{key}".encode()).hexdigest()[:16]
