"""The JSON form of a plan: ``Plan.data`` (secrets already masked), stable and sorted (pure)."""

from __future__ import annotations

import json

from reconciler.plan import Plan


def render_json(plan: Plan) -> str:
    """``Plan.data`` as indented JSON with sorted keys: byte-identical for the same plan."""
    return json.dumps(plan.data, indent=2, sort_keys=True) + "\n"
