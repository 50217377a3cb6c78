"""The apply journal: every write sent to the account, one JSON line each.

``.acr/journal/<start>-<target>.jsonl`` gets, for each POST, PUT, PATCH or DELETE the client
sends (retries included): the time, method, path, the plan change it belongs to, the HTTP
status (null when no answer came) and the body with every secret masked. Lines are flushed as
they are written, so the journal survives an interrupted or failed apply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from reconciler.plan import Plan
from reconciler.secrets import mask_text, shown

JOURNAL_DIR = Path(".acr/journal")
# The plan change being run by the current task: apply sets it, the journal reads it.
CURRENT_CHANGE: ContextVar[str] = ContextVar("acr_current_change", default="")


def secret_forms(plan: Plan) -> dict[str, str]:
    """Every whole string a ``${env.NAME}`` substitution produced in the plan's desired
    objects, with the form it is shown in (``https://h/x?t=${env.T}``)."""
    forms: dict[str, str] = {}

    def walk(real: Any, form: Any) -> None:
        if isinstance(real, str) and isinstance(form, str) and real != form:
            forms[real] = form
        elif isinstance(real, Mapping) and isinstance(form, Mapping):
            for name in real:
                walk(real[name], form.get(name))
        elif isinstance(real, list | tuple) and isinstance(form, list | tuple):
            for one, other in zip(real, form, strict=False):
                walk(one, other)

    for change in plan.changes:
        if change.desired is not None:
            walk(dict(change.desired.attrs), dict(shown(change.desired)))
    return forms


def mask_secrets(value: Any, forms: Mapping[str, str]) -> Any:
    """``value`` as the journal keeps it: a string that a substitution produced becomes, whole,
    its shown form (never a replacement inside other text), and the credentials of every URL
    are masked (``secrets.mask_text``)."""
    if isinstance(value, str):
        return forms[value] if value in forms else mask_text(value)
    if isinstance(value, Mapping):
        return {k: mask_secrets(v, forms) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_secrets(v, forms) for v in value]
    return value


class Journal:
    """An open journal file; ``record`` is the client's ``on_write`` hook."""

    def __init__(self, path: Path, secrets: Mapping[str, str], base_url: str = "") -> None:
        self.path = path
        self._secrets = secrets
        self._base = base_url
        self._file: IO[str] | None = None

    @classmethod
    def start(
        cls,
        target: str,
        secrets: Mapping[str, str],
        *,
        base_url: str = "",
        root: Path = JOURNAL_DIR,
        now: datetime | None = None,
    ) -> Journal:
        stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", target) or "default"
        return cls(root / f"{stamp}-{safe}.jsonl", secrets, base_url)

    def record(self, method: str, url: str, body: Any, status: int | None) -> None:
        path = url[len(self._base) :] if self._base and url.startswith(self._base) else url
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": method,
            "path": mask_secrets(path, self._secrets),
            "object": mask_secrets(CURRENT_CHANGE.get(), self._secrets),
            "status": status,
            "body": mask_secrets(body, self._secrets),
        }
        if self._file is None:
            self.open()
        assert self._file is not None
        self._file.write(json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n")
        self._file.flush()

    def open(self) -> None:
        """Create the file (empty until the first write), so the report can name it."""
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
