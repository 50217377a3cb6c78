"""JSON Schemas (draft 2020-12) for manifests and ``acr.yaml``, generated from the models.

Editors use them through ``# yaml-language-server: $schema=...``; the committed copies in
``schemas/`` are checked against freshly generated ones by the tests (``make schema``).
"""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from reconciler.kinds import Registry
from reconciler.manifest.project import project_model

DIALECT = "https://json-schema.org/draft/2020-12/schema"
MANIFEST_FILE = "manifest.schema.json"
PROJECT_FILE = "acr.schema.json"


def manifest_model(kinds: Registry) -> type[BaseModel]:
    """One model of a whole manifest file: each section a list of its kind's entries."""
    fields: dict[str, Any] = {}
    for section, kind in kinds.sections().items():
        entries: Any = types.GenericAlias(list, (kind.spec,))
        summary = (kind.spec.__doc__ or "").strip().splitlines()[0].rstrip(".")
        description = f"The {section}: each entry is {summary[:1].lower()}{summary[1:]}."
        fields[section] = (entries | None, Field(None, description=description))
    model: type[BaseModel] = create_model(
        "Manifest",
        __config__=ConfigDict(extra="forbid", title="acr manifest"),
        __doc__=(
            "An acr manifest file: any of the sections; all files together form the desired "
            "state of one ActiveCampaign account. Strings may use ${vars.NAME} and ${env.NAME}."
        ),
        **fields,
    )
    return model


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return {"$schema": DIALECT, **model.model_json_schema()}


def manifest_schema(kinds: Registry) -> dict[str, Any]:
    return _allow_references(_schema(manifest_model(kinds)))


def _allow_references(schema: Any) -> Any:
    """Patterns also accept any string holding a ``${...}`` reference: the file is checked
    before substitution (an editor sees ``${vars.base}/hook``, not ``https://...``)."""
    if isinstance(schema, dict):
        return {
            key: f"\\$\\{{|(?:{value})"
            if key == "pattern" and isinstance(value, str)
            else _allow_references(value)
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_allow_references(item) for item in schema]
    return schema


def project_schema(kinds: Registry) -> dict[str, Any]:
    return _schema(project_model(kinds))


def render_schema(schema: dict[str, Any]) -> str:
    """The committed form: sorted keys, two-space indent, trailing newline."""
    return json.dumps(schema, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path, kinds: Registry) -> list[Path]:
    """Write ``manifest.schema.json`` and ``acr.schema.json`` for ``kinds`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    schemas = ((MANIFEST_FILE, manifest_schema(kinds)), (PROJECT_FILE, project_schema(kinds)))
    for name, schema in schemas:
        path = directory / name
        path.write_text(render_schema(schema), encoding="utf-8")
        written.append(path)
    return written
