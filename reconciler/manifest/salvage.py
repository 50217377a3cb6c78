"""What an invalid entry still says about identity and references.

An entry with a schema error is reported, but its name, earlier names and references are
usually fine, and the checks across files (duplicates, dangling references, renames) need
them: a typo in one key must not hide that the entry is also defined twice. ``salvage``
validates each key of the entry on its own, keeps the raw value of those that fail, and
builds the kind's objects from that, for the cross-checks only; nothing salvaged is ever
planned (the run fails on the schema error anyway).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError
from pydantic.fields import FieldInfo

from reconciler.kinds import Kind, Obj
from reconciler.manifest.validate import input_keys


def salvage(kind: Kind, data: Any, source: str) -> list[Obj]:
    """The objects ``kind`` makes from the valid parts of ``data``, or [] when the entry
    says too little (not a mapping, or no valid identity)."""
    if not isinstance(data, dict):
        return []
    values: dict[str, Any] = {}
    for key, info in input_keys(kind.spec).items():
        name = next(n for n, i in kind.spec.model_fields.items() if i is info)
        if key not in data:
            if info.is_required():
                return []
            continue
        try:
            values[name] = _adapter(info).validate_python(data[key])
        except PydanticValidationError:
            if not info.is_required():
                continue  # its default stands in
            if _names(kind, key):
                return []  # the identity itself is invalid
            values[name] = data[key]
    try:
        spec = kind.spec.model_construct(**values)
        return kind.desired(spec, source=source)
    except Exception:  # noqa: BLE001 - a raw value the kind cannot read: nothing to salvage
        return []


def _adapter(info: FieldInfo) -> TypeAdapter[Any]:
    """A validator of one field alone: its type and constraints, without its alias."""
    annotated: Any = (
        Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    )
    return TypeAdapter(annotated)


def _names(kind: Kind, key: str) -> bool:
    """Whether ``key`` is the entry's name (its first key, as messages name entries)."""
    return key == next(iter(input_keys(kind.spec)))
