"""Adopting one object at a time: a manifest may name a live object that no manifest
manages (a field's ``lists``, a webhook's ``list``). ``acr validate`` only warns, since it
cannot see the account; plan resolves each such reference against the account it read and
refuses, located, when the account has no such object or the plan deletes it (pure)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from reconciler.errors import ManifestError, Problem
from reconciler.kinds import Obj, Ref
from reconciler.manifest import Desired
from reconciler.plan import Change


def check_external(desired: Desired, live: Iterable[Obj], changes: Sequence[Change]) -> None:
    """Raise ``ManifestError`` for each external reference the account cannot satisfy."""
    if not desired.external:
        return
    have: dict[str, set[str]] = {}
    for obj in live:
        have.setdefault(obj.kind, set()).add(obj.key)
    deleted = {c.ref for c in changes if c.action == "delete"}
    problems = [_problem(ref, n, p, have, deleted) for ref, n, p in desired.external]
    found = [p for p in problems if p is not None]
    if found:
        raise ManifestError(found)


def _problem(
    ref: Ref, subject: str, warning: Problem, have: dict[str, set[str]], deleted: set[Ref]
) -> Problem | None:
    kind, key = ref
    if ref in deleted:
        message = (
            f'{subject}: {kind} "{key}" is on the account but this plan deletes it '
            "(policy.prune); define it in the manifests, or stop naming it"
        )
    elif key in have.get(kind, set()):
        return None
    else:
        close = difflib.get_close_matches(key, sorted(have.get(kind, set())), n=1)
        hint = f'did you mean "{close[0]}"?' if close else "define it in the manifests"
        message = (
            f'{subject}: {kind} "{key}" is neither in the manifests nor on the account; {hint}'
        )
    return Problem(message, warning.location, warning.path)
