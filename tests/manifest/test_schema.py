"""The committed JSON Schemas match the models; they are generated the same way each time."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.kinds import Registry, standard_kinds
from reconciler.manifest import manifest_schema, project_schema, write_schemas
from reconciler.manifest.schema import render_schema

KINDS = standard_kinds()

COMMITTED = Path(__file__).resolve().parents[2] / "schemas"


@pytest.mark.parametrize(
    ("name", "build"),
    [("manifest.schema.json", manifest_schema), ("acr.schema.json", project_schema)],
)
def test_committed_schemas_are_up_to_date(
    name: str, build: Callable[[Registry], dict[str, Any]]
) -> None:
    path = COMMITTED / name
    assert path.is_file(), f"schemas/{name} is missing: run `make schema` and commit it"
    fresh = render_schema(build(KINDS))
    assert path.read_text(encoding="utf-8") == fresh, (
        f"schemas/{name} is out of date with the models: run `make schema` and commit it"
    )


def test_write_schemas_writes_both_files_sorted_with_a_trailing_newline(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "out", KINDS)
    assert [p.name for p in written] == ["manifest.schema.json", "acr.schema.json"]
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert text.endswith("}\n")
        data = json.loads(text)
        assert text == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_manifest_schema_has_every_section_and_nothing_else() -> None:
    schema = manifest_schema(KINDS)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert sorted(schema["properties"]) == sorted(KINDS.sections())
    assert "required" not in schema
    for section, kind in KINDS.sections().items():
        prop = schema["properties"][section]
        assert prop["description"]
        arrays = [a for a in prop["anyOf"] if a.get("type") == "array"]
        assert arrays[0]["items"] == {"$ref": f"#/$defs/{kind.spec.__name__}"}
        assert schema["$defs"][kind.spec.__name__]["additionalProperties"] is False


def test_manifest_schema_patterns_accept_references() -> None:
    url = manifest_schema(KINDS)["$defs"]["WebhookSpec"]["properties"]["url"]["pattern"]
    assert re.search(url, "${vars.hooks_base}/ac")
    assert re.search(url, "https://example.com")
    assert not re.search(url, "ftp://example.com")


def test_project_schema_lists_the_sections_policy_may_prune() -> None:
    schema = project_schema(KINDS)
    prune = schema["$defs"]["PolicyModel"]["properties"]["prune"]
    assert prune["items"]["enum"] == list(KINDS.sections())
    assert schema["additionalProperties"] is False
