"""One exception tree for acr. Only ``cli.py`` turns these into messages and exit codes.

::

    ReconcilerError                 anything acr reports to the user (exit code 1)
    ├── ManifestError               manifests or acr.yaml are invalid: a list of located Problems
    ├── ConfigError                 credentials, endpoints, targets, command-line combinations
    ├── PlanError                   the plan cannot be made safely (deals would be lost, cycles)
    │   └── SafetyError             the safety gate refuses the plan: every reason, listed
    ├── ApiError                    the API answered with an error status
    │   ├── AuthError               401/403: the key, token or connection is wrong
    │   ├── NotFoundError           404 or "No Result found ..."
    │   ├── RateLimitError          429 (or 503) still failing after the retries
    │   └── ValidationError         400/422: the API refused the payload
    ├── TransportError              no answer: timeouts, refused connections
    ├── ApplyError                  apply stopped: what was done, what failed, what was not tried
    ├── VerifyError                 apply ran, but reading back shows writes that did not take
    └── RegistryError               the kinds registered do not fit together (a kind's bug)

Every message names the object and says what to do. Anything that is not a ReconcilerError
is a bug and is shown with a traceback only under ``--debug``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, order=True)
class Location:
    """A place in a YAML file (1-based line and column)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.col}" if self.col else f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the manifests, with where it is and what to do."""

    message: str
    location: Location | None = None
    path: str = ""  # the field path inside the document, e.g. "tags[2].type"

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        at = f"{self.path}: " if self.path else ""
        return f"{where}{at}{self.message}"


class ReconcilerError(Exception):
    """Base of every error acr reports to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ManifestError(ReconcilerError):
    """The manifests (or the project file) are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(
            problems, key=lambda p: (p.location or Location(""), p.path, p.message)
        )
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the manifests:"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class ConfigError(ReconcilerError):
    """Credentials, endpoints, targets or options are missing or contradict each other."""


class PlanError(ReconcilerError):
    """The plan cannot be made safely; nothing was sent."""


class SafetyError(PlanError):
    """The safety gate refuses to apply the plan (``safety.enforce``); nothing was sent.
    ``refusals`` are the plan's ``Refusal`` objects, each with its rule and message."""

    def __init__(self, message: str, refusals: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.refusals = refusals


class TransportError(ReconcilerError):
    """The API did not answer (timeout, refused connection) after the retries."""


class ApiError(ReconcilerError):
    """The API answered a request with an error status."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        method: str = "",
        path: str = "",
        body: Any = None,
    ) -> None:
        self.status = status
        self.method = method
        self.path = path
        self.body = body
        where = f"{method} {path}: " if method else ""
        super().__init__(f"{where}{status} {message}")


class AuthError(ApiError):
    """401 or 403: the API key, token or connection is not accepted."""


class NotFoundError(ApiError):
    """404, or any answer that says "No Result found"."""


class RateLimitError(ApiError):
    """The rate limit was still exceeded after the retries."""


class ValidationError(ApiError):
    """400 or 422: the API refused the payload."""


@dataclass
class ApplyReport:
    """What an apply did: the changes done, the one that failed, and those not attempted."""

    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # "+ tag \"VIP\": <the API's message>"
    not_attempted: list[str] = field(default_factory=list)
    journal: str | None = None  # the journal file of the writes sent, when any was

    @property
    def changed(self) -> bool:
        """Whether anything may have changed on the account (a failed write may have)."""
        return bool(self.done or self.failed)


class ApplyError(ReconcilerError):
    """Apply stopped at a failed change; ``report`` says what happened to every change."""

    exit_code = 1

    def __init__(self, report: ApplyReport, head: str | None = None) -> None:
        self.report = report
        failed = len(report.failed)
        lines = [head or f"apply stopped: {failed} change{'' if failed == 1 else 's'} failed:"]
        lines += [f"    {item}" for item in report.failed]
        lines.append(f"  done ({len(report.done)}):")
        lines += [f"    {item}" for item in report.done] or ["    nothing"]
        lines.append(f"  not attempted ({len(report.not_attempted)}):")
        lines += [f"    {item}" for item in report.not_attempted] or ["    nothing"]
        if report.journal:
            lines.append(f"  journal of the writes sent: {report.journal}")
        lines.append(self.advice)
        super().__init__("\n".join(lines))

    @property
    def advice(self) -> str:
        return "Fix the cause and run apply again: it picks up from the account as it is now."


class ApplyInterruptedError(ApplyError):
    """Apply stopped on SIGINT or SIGTERM: no new change started, those in flight finished.
    The exit code is 128 + the signal (130, 143)."""

    def __init__(self, report: ApplyReport, signal_name: str, exit_code: int) -> None:
        self.exit_code = exit_code
        changed = "" if report.changed else " Nothing was changed."
        head = f"apply interrupted by {signal_name}: no new change was started.{changed}"
        if report.failed:
            head += f" {len(report.failed)} change(s) in flight failed:"
        super().__init__(report, head)

    @property
    def advice(self) -> str:
        return "Run plan to see what is left, and apply again to finish."


class VerifyError(ReconcilerError):
    """Every change was applied, but the account read back afterwards does not show some."""

    def __init__(self, problems: list[str], report: ApplyReport) -> None:
        self.problems = problems
        self.report = report
        lines = [
            f"apply ran all {len(report.done)} change(s), but reading the account back shows "
            f"{len(problems)} problem(s):",
            *(f"    {p}" for p in problems),
            "ActiveCampaign accepted these writes without keeping them (or another run "
            "changed the same objects). Check them in ActiveCampaign and run plan again.",
        ]
        super().__init__("\n".join(lines))


class RegistryError(ReconcilerError):
    """The kinds given to a registry do not fit together: two share a name or a section, one
    names a kind that is not registered, or their dependencies form a cycle."""
