"""YAML with locations: parse with ruamel.yaml (its C parser when it can, see ``fastyaml``, else
its round-trip loader), and find where things are.

The round-trip loader gives every mapping and sequence an ``lc`` attribute holding the
0-based line and column of each key, value and item. We keep that tree next to the plain data
handed to pydantic, and walk both with the same path (``("pipelines", 0, "stages", 2)``) to
turn any error back into ``file:line:col``. Locations are 1-based, like editors show them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from reconciler.errors import Location, Problem
from reconciler.manifest.fastyaml import fast_load

DataPath = tuple[str | int, ...]  # keys and indexes from the document root
KEY = "[key]"  # pydantic's marker for "the key of the previous component"


def parse_yaml(text: str, file: str) -> tuple[Any, list[Problem]]:
    """The document's round-trip tree (``None`` for an empty file), or the problems that
    stop it from loading. Never raises for bad input. The C parser builds the tree when it
    can (``fastyaml``); the round-trip loader does the rest and reports every problem."""
    done, tree = fast_load(text)
    if done:
        return tree, []
    try:
        return YAML(typ="rt").load(text), []
    except DuplicateKeyError:
        return None, duplicate_keys(text, file)
    except MarkedYAMLError as exc:
        return None, [_marked_problem(exc, file)]
    except ReaderError as exc:
        return None, [_reader_problem(exc, text, file)]
    except RecursionError:  # limits.check_depth finds almost every case first
        return None, [Problem("nested too deeply to read; flatten it", Location(file, 1, 1))]
    except YAMLError as exc:  # pragma: no cover - ruamel raises the two above for bad input
        return None, [Problem(f"invalid YAML: {exc}", Location(file))]


def _marked_problem(exc: MarkedYAMLError, file: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
    message = f"invalid YAML: {exc.problem or exc.context or 'cannot parse'}"
    started = exc.context_mark
    if exc.context and exc.problem and started is not None and started.line != mark.line:
        message += f" ({exc.context}, which starts at {started.line + 1}:{started.column + 1})"
    return Problem(message, where)


def _reader_problem(exc: ReaderError, text: str, file: str) -> Problem:
    before = text[: exc.position]
    line = before.count("\n") + 1
    col = exc.position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    message = f"invalid YAML: character U+{code:04X} is not allowed; remove it"
    return Problem(message, Location(file, line, col))


def duplicate_keys(text: str, file: str) -> list[Problem]:
    """Every key that appears twice in one mapping, named at its second place."""
    problems: list[Problem] = []
    stack: list[Node] = [YAML(typ="rt").compose(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            seen: dict[str, Node] = {}
            for key, value in node.value:
                stack.append(value)
                if not isinstance(key, ScalarNode):
                    continue
                first = seen.setdefault(key.value, key)
                if first is not key:
                    line, col = first.start_mark.line + 1, first.start_mark.column + 1
                    problems.append(
                        Problem(
                            f'duplicate key "{key.value}": it is already set at {line}:{col}; '
                            "keep one of them",
                            Location(file, key.start_mark.line + 1, key.start_mark.column + 1),
                        )
                    )
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return problems


def node_location(node: Any, file: str) -> Location | None:
    """Where a mapping or sequence starts (its first key or item)."""
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return None
    return Location(file, lc.line + 1, lc.col + 1)


def _position(getter: Callable[[Any], Any], comp: Any) -> tuple[int, int] | None:
    """The 1-based (line, column) that ``getter`` (an ``lc`` method) gives for ``comp``."""
    try:
        line, col = getter(comp)
    except (KeyError, IndexError, TypeError, AttributeError):
        return None  # keys brought in by a merge (<<) have no position of their own
    return line + 1, col + 1


def locate(node: Any, path: DataPath, file: str, *, key: bool = False) -> Location:
    """The location of ``path`` under ``node``: the value's position, or the key's when
    ``key`` is set. A path that leaves the tree (a missing key) stops at the deepest node
    reached, i.e. the mapping that lacks the key."""
    # Positions as (line, col) until the end: a Location per step cost more than the walk.
    lc = getattr(node, "lc", None)
    here = None if lc is None or lc.line is None else (lc.line + 1, lc.col + 1)
    key_here = here
    for comp in path:
        if comp == KEY:
            return _location(file, key_here)
        if isinstance(node, CommentedMap) and comp in node:
            key_here = _position(node.lc.key, comp) or here
            here = _position(node.lc.value, comp) or key_here
            node = node[comp]
            if node is None:
                here = key_here  # an empty value sits wherever the next line starts
        elif isinstance(node, CommentedSeq) and isinstance(comp, int) and 0 <= comp < len(node):
            here = key_here = _position(node.lc.item, comp) or here
            node = node[comp]
        else:
            break
    return _location(file, key_here if key else here)


def _location(file: str, where: tuple[int, int] | None) -> Location:
    return Location(file) if where is None else Location(file, *where)


def format_path(path: DataPath) -> str:
    """``("pipelines", 0, "stages", 2, "color")`` -> ``pipelines[0].stages[2].color``."""
    out = ""
    for comp in path:
        if isinstance(comp, int):
            out += f"[{comp}]"
        elif comp != KEY:
            out += f".{comp}" if out else str(comp)
    return out


MISSING: Any = object()  # what ``step`` returns when a path leaves the data


def step(data: Any, comp: str | int) -> Any:
    """``data[comp]`` for a mapping key or an in-range list index, else ``MISSING``."""
    if isinstance(data, dict) and comp in data:
        return data[comp]
    if isinstance(data, list) and isinstance(comp, int) and 0 <= comp < len(data):
        return data[comp]
    return MISSING


def to_plain(node: Any) -> Any:
    """A round-trip tree as plain dicts, lists and scalars (no substitution)."""
    if isinstance(node, CommentedMap):
        return {plain_scalar(key): to_plain(value) for key, value in node.items()}
    if isinstance(node, CommentedSeq):
        return [to_plain(item) for item in node]
    return plain_scalar(node)


def plain_scalar(value: Any) -> Any:
    """A ruamel scalar as the plain Python value pydantic expects."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bool(value) if _is_scalar_boolean(value) else int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()  # no field is a date: keep what the user wrote, as text
    return value


def _is_scalar_boolean(value: Any) -> bool:
    return type(value).__name__ == "ScalarBoolean"


def describe_node(value: Any) -> str:
    """What kind of YAML value this is, for messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a string"


def quote(value: Any) -> str:
    """A value as messages show it: strings in double quotes, the rest as YAML writes them."""
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)
