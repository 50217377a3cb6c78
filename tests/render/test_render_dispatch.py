from __future__ import annotations

import json

import pytest
from render_samples import sample_plan

from reconciler.render import FORMATS, RENDERERS, render
from reconciler.render.json_form import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text


def test_formats_are_pinned() -> None:
    assert FORMATS == ("text", "json", "markdown")
    assert dict(RENDERERS) == {
        "text": render_text,
        "json": render_json,
        "markdown": render_markdown,
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_render_dispatches_and_ends_with_a_newline(fmt: str) -> None:
    plan = sample_plan()
    out = render(plan, fmt)
    assert out == RENDERERS[fmt](plan)
    assert out.endswith("\n") and not out.endswith("\n\n")


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown plan format 'yaml'; known: text, json, markdown"):
        render(sample_plan(), "yaml")


def test_json_is_plan_data() -> None:
    plan = sample_plan()
    out = render_json(plan)
    assert json.loads(out) == plan.data
    assert out == json.dumps(plan.data, indent=2, sort_keys=True) + "\n"
