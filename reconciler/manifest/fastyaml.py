"""Loading YAML through ruamel.yaml's C parser, keeping every node's position.

ruamel.yaml's round-trip loader is pure Python: it gives each mapping and sequence the ``lc``
positions that ``manifest.yaml`` reads, but costs about 0.25 ms per manifest object. Its C
parser (``ruamel.yaml.clib``, libyaml) composes the same node tree, each node with its start
mark, in a fraction of that; this module builds the same tree with the same ``lc`` positions
from those nodes. Measured on the benchmark's 11,350 objects: round-trip 2.8 s of CPU, the C
parser's compose 0.22 s, this construction about 0.1 s more.

The tree is made of ``LocatedMap`` and ``LocatedSeq``: a ``CommentedMap`` and a
``CommentedSeq`` (so everything that reads a round-trip tree reads them) whose lookups and
iteration are the C ones of ``dict`` and ``list``; ruamel's Python overrides (for merge keys
and comments, which this path never holds) made every read several times slower. The
builder also counts the values the tree expands to, aliases included, and leaves a tree of
more than ``limits.MAX_VALUES`` to the round-trip loader, so a tree built here has nothing
for ``limits.check_tree`` to report.

One difference, which ``manifest.yaml.locate`` does not see: an empty value (``key:`` with
nothing after it) is placed where its key ends, not where the next line starts; ``locate``
points at the key of an empty value either way.

Only the common case takes this path: YAML 1.2's core scalars (strings, integers, floats,
booleans, null), block and flow collections, anchors and aliases. Anything else (a ``%YAML``
directive, tags, merge keys, timestamps, non-scalar keys, duplicate keys, an alias inside its
own anchor, a syntax error) gives ``None``, and the caller loads the text with the round-trip
loader, whose values and located errors are the reference.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, LineCol
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from reconciler.manifest.limits import MAX_VALUES

try:  # the C extension is a dependency on CPython; without it the round-trip loader serves
    from _ruamel_yaml import CParser
except ImportError:  # pragma: no cover - depends on the platform
    CParser = None

__all__ = ["LocatedMap", "LocatedSeq", "available", "fast_load"]

_TAG = "tag:yaml.org,2002:"
# A "!" that starts a token: a tag, which the C parser resolves like an implicit type while
# the round-trip loader keeps it. (A "!" inside a string only sends the text the slow way.)
_EXPLICIT_TAG = re.compile(r"(?:^|[\s,\[{])!")
_INT = re.compile(r"[-+]?[0-9]+\Z")
_INF = {".inf": math.inf, ".Inf": math.inf, ".INF": math.inf}


class _Resolver(VersionedResolver):
    """YAML 1.2's implicit types, the round-trip loader's default, without looking the
    version up again for every scalar (documents with a %YAML directive never get here)."""

    @property
    def processing_version(self) -> Any:
        return (1, 2)


if CParser is not None:

    class _Loader(CParser, _Resolver):
        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _Resolver.__init__(self, version=(1, 2), loadumper=self)


class LocatedMap(CommentedMap):
    """A mapping built from C parser nodes: a ``CommentedMap`` with dict-speed reads."""

    __slots__ = ()
    __getitem__ = OrderedDict.__getitem__
    __contains__ = OrderedDict.__contains__
    __iter__ = OrderedDict.__iter__
    __len__ = OrderedDict.__len__
    get = OrderedDict.get  # type: ignore[assignment]
    keys = OrderedDict.keys
    values = OrderedDict.values
    items = OrderedDict.items


class LocatedSeq(CommentedSeq):
    """A sequence built from C parser nodes: a ``CommentedSeq`` with list-speed reads."""

    __slots__ = ()
    __getitem__ = list.__getitem__
    __iter__ = list.__iter__
    __len__ = list.__len__


_put = OrderedDict.__setitem__


def available() -> bool:
    return CParser is not None


class _Unsupported(Exception):
    """Something only the round-trip loader handles."""


def fast_load(text: str) -> tuple[bool, Any]:
    """``(True, tree)`` with the round-trip loader's tree (``None`` for an empty document),
    or ``(False, None)`` when the text needs the round-trip loader."""
    if CParser is None or "%YAML" in text or "<<" in text or _EXPLICIT_TAG.search(text):
        return False, None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return True, None
        builder = _Builder()
        tree = builder.build(node)
        if builder.values > MAX_VALUES:
            raise _Unsupported("an alias bomb")  # limits.check_tree names where it expands
        return True, tree
    except (YAMLError, _Unsupported, ValueError):
        return False, None
    finally:
        loader.dispose()


class _Builder:
    def __init__(self) -> None:
        self.built: dict[int, Any] = {}  # aliases: one object per node, as the loader does
        self.sizes: dict[int, int] = {}  # values each built collection expands to
        self.building: set[int] = set()  # the collections being built (a recursive alias)
        self.values = 0  # values built so far, aliases expanded (as limits.check_tree counts)

    def build(self, node: Node) -> Any:
        done = self.built.get(id(node))
        if done is not None:
            if id(node) in self.building:
                raise _Unsupported("an alias inside its own anchor")  # the loader's way
            self.values += self.sizes[id(node)]
            return done
        if isinstance(node, ScalarNode):
            self.values += 1
            return _scalar(node)
        self.building.add(id(node))
        before = self.values
        self.values += 1
        try:
            if isinstance(node, SequenceNode):
                return self._sequence(node)
            if isinstance(node, MappingNode):
                return self._mapping(node)
            raise _Unsupported(type(node).__name__)  # pragma: no cover - no other node types
        finally:
            self.building.discard(id(node))
            self.sizes[id(node)] = self.values - before

    def _sequence(self, node: SequenceNode) -> LocatedSeq:
        if _tag(node) != _TAG + "seq":
            raise _Unsupported(str(node.tag))
        out = self.built[id(node)] = LocatedSeq()
        positions = _positions(out, node)
        append, build = out.append, self.build
        for index, item in enumerate(node.value):
            append(build(item))
            mark = item.start_mark
            positions[index] = [mark.line, mark.column]
        return out

    def _mapping(self, node: MappingNode) -> LocatedMap:
        if _tag(node) != _TAG + "map":
            raise _Unsupported(str(node.tag))
        out = self.built[id(node)] = LocatedMap()
        positions = _positions(out, node)
        build = self.build
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _Unsupported("a non-scalar key")
            key = _scalar(key_node)
            if key in out:
                raise _Unsupported("a duplicate key")  # the round-trip loader names both
            _put(out, key, build(value_node))
            key_mark, value_mark = key_node.start_mark, value_node.start_mark
            positions[key] = [key_mark.line, key_mark.column, value_mark.line, value_mark.column]
        out._ok = set(out)  # the keys the mapping holds itself (none come from a merge)
        return out


def _positions(out: CommentedMap | CommentedSeq, node: Node) -> dict[Any, list[int]]:
    """Give ``out`` the ``lc`` of ``node`` (as the round-trip loader sets it); returns the
    table of its keys' or items' positions to fill in."""
    lc = LineCol()
    lc.line, lc.col = node.start_mark.line, node.start_mark.column
    lc.data = {}
    setattr(out, LineCol.attrib, lc)
    return lc.data


def _tag(node: Node) -> str | None:
    """The resolved tag; None for one written in the document (``!!str``, ``!custom``)."""
    tag = node.ctag
    return tag.suffix if tag is not None and tag.handle is None else None


def _scalar(node: ScalarNode) -> Any:
    tag, value = _tag(node), node.value
    if tag == _TAG + "str":
        return value
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return value.lower() == "true"
    if tag == _TAG + "int":
        return _int(value)
    if tag == _TAG + "float":
        return _float(value)
    raise _Unsupported(str(node.tag))


def _int(value: str) -> int:
    text = value.replace("_", "")
    if _INT.match(text):
        return int(text)
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    for prefix, base in (("0o", 8), ("0x", 16), ("0b", 2)):
        if body.startswith(prefix):
            return sign * int(body[2:], base)
    raise _Unsupported(value)


def _float(value: str) -> float:
    text = value.replace("_", "")
    body = text.lstrip("+-")
    if body in _INF:
        return -math.inf if text.startswith("-") else math.inf
    if body.lower() == ".nan":
        return math.nan
    return float(text)
