"""The manifest reference documents every key of every kind."""

import re
from pathlib import Path

from reconciler.kinds import standard_kinds

KINDS = standard_kinds()


REFERENCE = Path(__file__).parents[2] / "docs" / "manifests.md"


def test_every_manifest_key_is_documented_in_its_section():
    text = REFERENCE.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^#+ `([a-z_\[\]\.]+)`\n(.*?)(?=^#+ |\Z)", text, re.M | re.S))
    for kind in KINDS:
        heading = "pipelines[].stages" if kind.child_of else kind.section
        keys = {field.alias or name for name, field in kind.spec.model_fields.items()}
        documented = set(re.findall(r"^\| `([a-z_]+)` \|", sections[heading], re.M))
        assert keys == documented, (
            f"{heading}: missing {keys - documented}, extra {documented - keys}"
        )
