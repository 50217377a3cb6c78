"""Plan renderers: text (stdout), JSON (``--format json`` and ``--out``), markdown (PR comments).

Text and markdown are drawn from one row model (``rows.rows``); JSON is ``Plan.data``.
Renderers are pure functions of the plan: they return text and never print. To add a
format, write one function ``(Plan) -> str`` and register it in ``RENDERERS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from reconciler.plan import Plan
from reconciler.render.json_form import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text

RENDERERS: Mapping[str, Callable[[Plan], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}
FORMATS: tuple[str, ...] = tuple(RENDERERS)


def render(plan: Plan, fmt: str, *, colour: bool = False, full_plan: str | None = None) -> str:
    """The plan in format ``fmt`` (one of ``FORMATS``), as text ending in a newline.

    ``colour`` colours the text form; ``full_plan`` says where the whole plan is kept, for a
    markdown form too long for a comment to point at."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown plan format {fmt!r}; known: {', '.join(FORMATS)}") from None
    if fmt == "text" and colour:
        return render_text(plan, colour=True)
    if fmt == "markdown" and full_plan:
        return render_markdown(plan, full_plan=full_plan)
    return renderer(plan)


__all__ = ["FORMATS", "RENDERERS", "render", "render_json", "render_markdown", "render_text"]
