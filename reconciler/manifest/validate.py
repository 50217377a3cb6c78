"""pydantic validation errors as located, actionable Problems.

pydantic reports a ``loc`` relative to the validated data, plus, inside a union, the name of
each member it tried (``("stages", 2, "StageSpec", "color")``). We keep only the member that
fits the input's shape, walk the remaining path through the YAML tree for ``file:line:col``,
and describe what was expected from the model's own annotations, so a message reads
``expected a list of strings, got a mapping`` rather than ``Input should be a valid list``.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from pydantic.fields import FieldInfo

from reconciler.errors import Problem
from reconciler.manifest.yaml import (
    KEY,
    MISSING,
    DataPath,
    describe_node,
    format_path,
    locate,
    quote,
    step,
)

# Errors that mean "this value has the wrong shape": in a union, a member that fails only
# with one of these at its root is a member the user did not mean.
_TYPE_ERRORS = frozenset(
    {
        "string_type", "int_type", "int_parsing", "int_from_float", "float_type",
        "float_parsing", "bool_type", "bool_parsing", "list_type", "dict_type", "model_type",
        "model_attributes_type", "literal_error", "none_required", "mismatch",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Issue:
    """One validation error, with union member names taken out of its path."""

    type: str
    path: DataPath
    input: Any
    ctx: Mapping[str, Any]
    msg: str


def validate(
    model: type[BaseModel],
    data: Any,
    *,
    root: Any,
    file: str,
    prefix: DataPath = (),
    label: str = "",
    secret_paths: Collection[DataPath] = (),
    skip_paths: Collection[DataPath] = (),
) -> tuple[BaseModel | None, list[Problem]]:
    """Validate ``data`` (found at ``prefix`` in the document ``root``) with ``model``.

    Returns the instance, or ``None`` and one Problem per error. Errors on strings whose
    references could not be substituted (``skip_paths``) are left out: that problem is
    already reported. Inputs from ``secret_paths`` are never echoed."""
    try:
        return model.model_validate(data), []
    except PydanticValidationError as exc:
        errors = [dict(error) for error in exc.errors(include_url=False)]
    problems = []
    for issue in issues(errors, data):
        full = (*prefix, *issue.path)
        if any(_within(full, skipped) or _within(skipped, full) for skipped in skip_paths):
            continue  # a follow-on of a value that could not be substituted
        secret = any(_within(full, p) or _within(p, full) for p in secret_paths)
        message = describe_issue(issue, model, secret=secret)
        where = locate(root, full, file, key=issue.type in ("extra_forbidden", "invalid_key"))
        problems.append(
            Problem(f"{label}: {message}" if label else message, where, format_path(full))
        )
    return None, problems


def _within(path: DataPath, ancestor: DataPath) -> bool:
    return path[: len(ancestor)] == ancestor


def issues(errors: list[dict[str, Any]], data: Any) -> list[Issue]:
    """The errors as Issues, keeping in each union the member that fits the input."""
    out: list[Issue] = []
    unions: dict[DataPath, dict[str, list[dict[str, Any]]]] = {}
    for error in errors:
        loc = tuple(error["loc"])
        cut = _member_index(loc, data, error["type"])
        if cut is None:
            out.append(_issue(error, loc))
            continue
        stripped = {**error, "loc": loc[:cut] + loc[cut + 1 :]}
        unions.setdefault(loc[:cut], {}).setdefault(str(loc[cut]), []).append(stripped)
    for at, members in unions.items():
        fitting = [errs for errs in members.values() if not _shape_mismatch(errs, at)]
        if fitting:
            out.extend(issues(min(fitting, key=len), data))
        else:
            out.append(Issue("mismatch", at, _value_at(data, at), {}, "no member fits"))
    return out


def _issue(error: Mapping[str, Any], loc: DataPath) -> Issue:
    return Issue(error["type"], loc, error.get("input"), error.get("ctx") or {}, error["msg"])


def _member_index(loc: DataPath, data: Any, error_type: str) -> int | None:
    """The index in ``loc`` of the first union member name, if any: the first component
    that does not lead into the data (other than a missing key at the end)."""
    node = data
    for index, comp in enumerate(loc):
        node = step(node, comp)
        if node is MISSING:
            at_end = index == len(loc) - 1 and error_type == "missing"
            return None if comp == KEY or at_end else index
    return None


def _shape_mismatch(errors: list[dict[str, Any]], at: DataPath) -> bool:
    return len(errors) == 1 and tuple(errors[0]["loc"]) == at and errors[0]["type"] in _TYPE_ERRORS


def _value_at(data: Any, path: DataPath) -> Any:
    for comp in path:
        data = data[comp]
    return data


# --- what the model expects at a path ---------------------------------------------------


def _strip(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _members(annotation: Any) -> list[Any]:
    annotation = _strip(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        return [_strip(a) for a in get_args(annotation) if a is not type(None)]
    return [annotation]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def input_keys(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """A model's fields by the key a manifest writes: the alias when there is one
    (``list`` for a field named ``list_``)."""
    out = {}
    for name, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        out[alias or name] = info
    return out


def field_at(model: type[BaseModel], path: DataPath) -> tuple[Any, FieldInfo | None]:
    """The annotation at ``path`` under ``model`` and the field it belongs to."""
    annotation: Any = model
    info: FieldInfo | None = None
    for comp in path:
        following = None
        for member in _members(annotation):
            origin = get_origin(member)
            if isinstance(comp, str) and _is_model(member) and comp in input_keys(member):
                info = input_keys(member)[comp]
                following = info.annotation
            elif isinstance(comp, str) and origin is dict:
                following = get_args(member)[1]
            elif isinstance(comp, int) and origin is list:
                following = get_args(member)[0]
            if following is not None:
                break
        if following is None:
            return None, None
        annotation = following
    return annotation, info


def describe(annotation: Any) -> str:
    """``list[str]`` -> "a list of strings"; ``Literal["all"] | list[str]`` -> '"all" or ...'."""
    members = _members(annotation)
    if len(members) > 1:
        return " or ".join(describe(member) for member in members)
    member = members[0]
    origin = get_origin(member)
    if origin is Literal:
        values = get_args(member)
        return quote(values[0]) if len(values) == 1 else f"one of [{', '.join(map(str, values))}]"
    if origin is list:
        return "a list of " + _plural(get_args(member)[0])
    if origin is dict or _is_model(member):
        return "a mapping"
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}.get(
        member, "a valid value"
    )


def _plural(annotation: Any) -> str:
    members = _members(annotation)
    if len(members) > 1:
        return " or ".join(_plural(member) for member in members)
    member = members[0]
    origin = get_origin(member)
    if origin is Literal:
        return f"values from [{', '.join(map(str, get_args(member)))}]"
    if origin is list:
        return "lists"
    if origin is dict or _is_model(member):
        return "mappings"
    return {str: "strings", int: "whole numbers", float: "numbers", bool: "true/false values"}.get(
        member, "values"
    )


# --- messages -------------------------------------------------------------------------------


def describe_issue(issue: Issue, model: type[BaseModel], *, secret: bool = False) -> str:
    """An actionable message for one issue; the input is left out when it is ``secret``."""
    handler = _HANDLERS.get(issue.type)
    if handler is not None:
        return handler(issue, model, secret)
    if issue.type in _TYPE_ERRORS:
        return _type_message(issue, model, secret)
    return issue.msg


def _value(issue: Issue, secret: bool) -> str:
    return "the value" if secret else quote(issue.input)


def _hint(info: FieldInfo | None) -> str:
    text = (info.description or "").strip().rstrip(".") if info else ""
    if text[1:2].islower():
        text = text[:1].lower() + text[1:]  # "The list's name" reads on; "URL-safe" stays
    return f" ({text})" if text else ""


def _unknown_key(issue: Issue, model: type[BaseModel], secret: bool) -> str:
    key = issue.path[-1]
    annotation, _ = field_at(model, issue.path[:-1])
    owners = [m for m in _members(annotation) if _is_model(m)] if annotation else []
    allowed = list(input_keys(owners[0])) if owners else []
    close = difflib.get_close_matches(str(key), allowed, n=1)
    message = f"unknown key {quote(key)}"
    if not allowed:
        return f"{message}; remove it"
    if close:
        return f'{message}; did you mean "{close[0]}"? Allowed keys: {", ".join(allowed)}'
    return f"{message}; allowed keys: {', '.join(allowed)}"


def _missing(issue: Issue, model: type[BaseModel], secret: bool) -> str:
    _, info = field_at(model, issue.path)
    return f"missing required key {quote(issue.path[-1])}{_hint(info)}"


def _literal(issue: Issue, model: type[BaseModel], secret: bool) -> str:
    annotation, _ = field_at(model, issue.path)
    allowed = [
        str(v) for m in _members(annotation) if get_origin(m) is Literal for v in get_args(m)
    ]
    if not allowed:
        allowed = re.findall(r"'([^']*)'", str(issue.ctx.get("expected", "")))
    message = f"{_value(issue, secret)} is not one of: {', '.join(allowed)}"
    close = [] if secret else difflib.get_close_matches(str(issue.input), allowed, n=1)
    return message + (f'; did you mean "{close[0]}"?' if close else "")


def _pattern(issue: Issue, model: type[BaseModel], secret: bool) -> str:
    _, info = field_at(model, issue.path)
    pattern = issue.ctx.get("pattern")
    return f"{_value(issue, secret)} does not match the pattern {pattern}{_hint(info)}"


def _length(issue: Issue, model: type[BaseModel], secret: bool) -> str:
    if issue.type == "string_too_short":
        n = issue.ctx.get("min_length", 1)
        return "must not be empty" if n == 1 else f"must be at least {n} characters long"
    if issue.type == "string_too_long":
        return f"must be at most {issue.ctx.get('max_length')} characters long"
    if issue.type == "too_short":
        n = issue.ctx.get("min_length", 1)
        return f"must list at least {n} item{'s' if n != 1 else ''}"
    n = issue.ctx.get("max_length", 0)
    return f"must list at most {n} item{'s' if n != 1 else ''}"


_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}


def _bound(issue: Issue, model: type[BaseModel], secret: bool) -> str:
    name, words = _BOUNDS[issue.type]
    return f"must be {words} {issue.ctx.get(name)}, got {_value(issue, secret)}"


def _value_error(issue: Issue, model: type[BaseModel], secret: bool) -> str:
    if secret:  # a check's own message quotes the values it checked
        return (
            "a value from ${env.*} here is not accepted (the check's message is not shown, "
            "as it would show the value); check the environment variable used here"
        )
    error = issue.ctx.get("error")
    return str(error) if error is not None else re.sub(r"^(Value|Assertion) error, ", "", issue.msg)


def _invalid_key(issue: Issue, model: type[BaseModel], secret: bool) -> str:
    return f"key {quote(issue.input)} must be a string; quote it"


def _type_message(issue: Issue, model: type[BaseModel], secret: bool) -> str:
    annotation, _ = field_at(model, issue.path)
    if annotation is None:
        return issue.msg
    got = describe_node(issue.input)
    scalar = issue.input is not None and not isinstance(issue.input, dict | list)
    if scalar and not secret:
        got += f" ({quote(issue.input)})"
    expected = describe(annotation)
    message = f"expected {expected}, got {got}"
    if secret or not scalar:
        return message
    members = _members(annotation)
    literals = [str(v) for m in members if get_origin(m) is Literal for v in get_args(m)]
    close = difflib.get_close_matches(str(issue.input), literals, n=1)
    if close:
        return f'{message}; did you mean "{close[0]}"?'
    if expected.startswith("a list") and not isinstance(issue.input, bool):
        return f"{message}; write a list: [{issue.input}]"
    wants_text = str in members or any(isinstance(v, str) for v in literals)
    if wants_text and isinstance(issue.input, int | float):
        return f'{message}; quote it to make it text: "{quote(issue.input)}"'
    return message


_Handler = Callable[[Issue, type[BaseModel], bool], str]
_HANDLERS: dict[str, _Handler] = {
    "extra_forbidden": _unknown_key,
    "missing": _missing,
    "literal_error": _literal,
    "string_pattern_mismatch": _pattern,
    "string_too_short": _length,
    "string_too_long": _length,
    "too_short": _length,
    "too_long": _length,
    "value_error": _value_error,
    "assertion_error": _value_error,
    "invalid_key": _invalid_key,
    **dict.fromkeys(_BOUNDS, _bound),
}
