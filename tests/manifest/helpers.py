"""Helpers shared by the manifest tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from reconciler.errors import ManifestError
from reconciler.kinds import standard_kinds
from reconciler.manifest import Desired, load_manifests

KINDS = standard_kinds()

Write = Callable[[str, str], Path]
DATA = Path(__file__).parent / "data"

# The example manifest of design.md section 2, as written there.
EXAMPLE = (DATA / "design-manifest.yaml").read_text(encoding="utf-8")

LIST = """\
  - stringid: {stringid}
    name: {stringid}
    sender_url: https://example.com
    sender_reminder: You signed up
"""


def load(
    *paths: str | Path, vars: dict[str, str] | None = None, env: dict[str, str] | None = None
) -> Desired:
    return load_manifests(list(paths), vars=vars, env=env if env is not None else {}, kinds=KINDS)


def problems(
    *paths: str | Path, vars: dict[str, str] | None = None, env: dict[str, str] | None = None
) -> list[str]:
    """The problems ``load_manifests`` reports, as the lines users see, in report order."""
    with pytest.raises(ManifestError) as caught:
        load(*paths, vars=vars, env=env)
    return [str(problem) for problem in caught.value.problems]


def keys(desired: Desired, kinds: Sequence[str] | None = None) -> list[tuple[str, str]]:
    return [(o.kind, o.key) for o in desired.objects if kinds is None or o.kind in kinds]
