"""The rendered forms of hand-made plans, compared byte for byte with golden files.

Regenerate after an intended change with ``ACR_UPDATE_GOLDEN=1 pytest tests/render`` and
review the diff of ``tests/render/golden/``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from render_samples import (
    HOOK_TOKEN,
    OLD_HOOK_TOKEN,
    check_golden,
    empty_plan,
    refused_plan,
    sample_plan,
)

from reconciler.plan import Plan
from reconciler.render import FORMATS, render

SUFFIX = {"text": "txt", "json": "json", "markdown": "md"}
PLANS: dict[str, Callable[[], Plan]] = {
    "plan": sample_plan,
    "empty": empty_plan,
    "refused": refused_plan,
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(PLANS))
def test_matches_golden(name: str, fmt: str) -> None:
    check_golden(f"{name}.{SUFFIX[fmt]}", render(PLANS[name](), fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_same_plan_renders_byte_identical(fmt: str) -> None:
    first, second = sample_plan(), sample_plan()
    assert render(first, fmt) == render(second, fmt) == render(first, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_secret_is_masked(fmt: str) -> None:
    out = render(sample_plan(), fmt)
    assert "${env.HOOK_TOKEN}" in out
    assert HOOK_TOKEN not in out


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_changed_secret_hides_the_old_value_too(fmt: str) -> None:
    out = render(sample_plan(), fmt)
    assert OLD_HOOK_TOKEN not in out
    assert "(secret changed)" in out


def test_json_hides_the_old_secret_value() -> None:
    assert OLD_HOOK_TOKEN not in render(sample_plan(), "json")
