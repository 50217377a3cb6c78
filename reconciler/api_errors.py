"""Turning a failed request into an error of ``reconciler.errors``, with what to do about it.

Pure: ``ApiErrors`` maps an answer (an ``httpx.Response``) or a request that got none (the
httpx exception and its ``netfail.Failure``) to ``ApiError`` and its subclasses
(``AuthError``, ``NotFoundError``, ``RateLimitError``, ``ValidationError``) or
``TransportError``, for one endpoint. Every message is redacted: no key or token leaves in
one, even one the server echoed. Which failures are retried is ``retry``'s business; the
counts it passes in (``retries``, ``forbidden``) only change the wording.
"""

from __future__ import annotations

import httpx

from reconciler.endpoint import MATON_APP, Endpoint
from reconciler.errors import (
    ApiError,
    AuthError,
    NotFoundError,
    RateLimitError,
    TransportError,
    ValidationError,
)
from reconciler.netfail import Failure
from reconciler.responses import error_message, parse_json, shown_path, with_hint
from reconciler.retry import RETRY_STATUSES

__all__ = ["NO_RESULT", "ApiErrors", "exception_line", "says_not_found", "status_line"]

NO_RESULT = "no result found"  # ActiveCampaign's not-found text, sometimes on a 403 [V-docs OAS]
MAYBE_CREATED = "; the create may have been done: run plan again before retrying"


def status_line(response: httpx.Response) -> str:
    """``503 Service Unavailable``: the reason progress lines give for an answer."""
    return f"{response.status_code} {response.reason_phrase}".strip()


def exception_line(exc: Exception) -> str:
    """``ReadTimeout: timed out``: the reason progress lines give for no answer."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def says_not_found(response: httpx.Response) -> bool:
    """A 404, or an answer whose message says "No Result found", whatever its status."""
    if response.status_code == 404:
        return True
    text = error_message(parse_json(response), response.text, response.reason_phrase)
    return NO_RESULT in text.lower()


class ApiErrors:
    """The errors of one endpoint's requests; ``timeout`` is the client's, for the wording."""

    def __init__(self, endpoint: Endpoint, *, timeout: float) -> None:
        self.endpoint = endpoint
        self.timeout = timeout

    def answered(
        self, method: str, path: str, response: httpx.Response, *, retries: int, forbidden: int
    ) -> ApiError:
        """The error an answer is, after ``retries`` retries of which ``forbidden`` were 403s."""
        status = response.status_code
        body = parse_json(response)
        text = error_message(body, response.text, response.reason_phrase)
        kind, text = self._classified(method, path, response, text, retries, forbidden)
        if method == "POST" and status in RETRY_STATUSES:
            text += MAYBE_CREATED
        return kind(
            self.redact(text), status=status, method=method, path=shown_path(path), body=body
        )

    def _classified(
        self,
        method: str,
        path: str,
        response: httpx.Response,
        text: str,
        retries: int,
        forbidden: int,
    ) -> tuple[type[ApiError], str]:
        status = response.status_code
        if NO_RESULT in text.lower() or status == 404:
            return NotFoundError, text
        if status == 403 and method == "GET" and forbidden:
            return AuthError, with_hint(text, self._permission_hint(path, forbidden + 1))
        if status in (401, 403):
            return AuthError, with_hint(text, self._auth_hint(status))
        if status == 400 and self.endpoint.maton and "connection" in text.lower():
            # Maton's 400 = no connection for the app [V-2nd MATON]; its body is [UNK].
            return AuthError, with_hint(text, self._connection_hint())
        if status in (400, 422):
            return ValidationError, text
        if status == 429:
            note = f"; still rate limited after {retries} retries: wait a minute and run again"
            return RateLimitError, text + note
        if 300 <= status < 400:
            target = httpx.URL(response.headers.get("Location", "")).host or "elsewhere"
            where = self.endpoint.description
            return ApiError, f"redirected to {target}; check the account URL ({where})"
        if status == 500 and self.endpoint.maton:
            return ApiError, text + (  # commonly an expired upstream authorisation [V-2nd MATON]
                "; through Maton this often means the connection's ActiveCampaign authorisation "
                "expired: create a new connection (`acr connections`)"
            )
        return ApiError, text

    def unanswered(
        self, method: str, path: str, exc: Exception, failure: Failure, *, retries: int
    ) -> TransportError:
        """The error a request without an answer is, after ``retries`` retries."""
        where, reason = f"{method} {shown_path(path)}", exception_line(exc)
        if failure is Failure.OTHER:  # a bad URL, a proxy refusing...
            return TransportError(self.redact(f"{where}: {reason}"))
        if failure is Failure.DNS:
            host = httpx.URL(self.endpoint.base_url).host
            return TransportError(
                self.redact(
                    f"{where}: cannot resolve the host name {host!r} of "
                    f"{self.endpoint.description} ({reason}): check the URL and the network"
                )
            )
        text = f"{where}: no answer from {self.endpoint.description} ({reason})"
        if retries:
            text += f" after {retries + 1} attempts"
        if failure is Failure.TIMEOUT:
            text += f"; each waited {self.timeout:g} s (ACR_TIMEOUT or --timeout change that)"
        if method == "POST" and failure is not Failure.UNSENT:
            text += MAYBE_CREATED
        return TransportError(self.redact(text))

    def too_long(self, method: str, path: str, wait: float) -> RateLimitError:
        """A 429 whose Retry-After is too long to wait out."""
        return RateLimitError(
            f"the API asks to wait {wait:.0f} s before the next request; run again later",
            status=429,
            method=method,
            path=shown_path(path),
        )

    def _auth_hint(self, status: int) -> str:
        if not self.endpoint.maton:
            return (
                f"ActiveCampaign refused the token for {self.endpoint.description}: check "
                "ACTIVECAMPAIGN_API_TOKEN and that its user may do this"
            )
        if status == 401:
            return "the Maton gateway refused the key: check MATON_API_KEY"
        return (
            f"ActiveCampaign refused the request made through {self.endpoint.description}: check "
            "that the connection is authorised and its user may do this (`acr connections`)"
        )

    def _permission_hint(self, path: str, attempts: int) -> str:
        """A 403 that persisted over retries: not a glitch but a permission problem."""
        who = (
            "ACTIVECAMPAIGN_API_TOKEN's user"
            if not self.endpoint.maton
            else "the connection's user"
        )
        return (
            f"still forbidden after {attempts} attempts, so this is a permission problem: "
            f"{who} on {self.endpoint.description} may not read {shown_path(path)} (check the "
            "user's group permissions and the account's plan)"
        )

    def _connection_hint(self) -> str:
        return (
            f"the Maton gateway has no usable {MATON_APP} connection for "
            f"{self.endpoint.description}: check MATON_CONNECTION (or the target's connection) "
            "against `acr connections`"
        )

    def redact(self, text: str) -> str:
        """Belt and braces: no key or token ever leaves in a message, even one the server
        echoed. (The connection id is not a secret: users need it to fix a target.)"""
        for name, value in self.endpoint.headers.items():
            secret = value.removeprefix("Bearer ")
            if name.lower() != "maton-connection" and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text
