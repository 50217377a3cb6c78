"""Limits that keep hostile or broken YAML from hanging or crashing the loader.

A manifest is small and shallow: a few sections of entries a few levels deep. Before a file
is parsed, its size and its nesting depth are checked (a parser recursing through ten
thousand ``[`` would crash); after, the round-trip tree is checked for YAML tags (acr knows
none), aliases that refer to themselves, and aliases that expand to more values than any
manifest holds (the "billion laughs": a few lines that expand to millions of strings).
Every problem is located.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

from reconciler.errors import Location, Problem

MAX_BYTES = 4 * 1024 * 1024  # a manifest of 20,000 entries is under 2 MB
MAX_DEPTH = 40  # manifests nest about six levels deep
MAX_VALUES = 200_000  # values after aliases are expanded


def check_size(size: int, file: str) -> list[Problem]:
    if size <= MAX_BYTES:
        return []
    message = (
        f"the file is {size / 1024 / 1024:.1f} MB, more than acr reads "
        f"({MAX_BYTES // 1024 // 1024} MB); split it into several files"
    )
    return [Problem(message, Location(file))]


def check_depth(text: str, file: str) -> list[Problem]:
    """The first place where the text nests deeper than ``MAX_DEPTH`` (block indentation
    and flow brackets together), found without parsing."""
    indents: list[int] = []
    flow = 0  # brackets open, across lines
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        while stripped.startswith("- "):  # "- - x": each dash opens a level
            stripped = stripped[2:].lstrip(" ")
            indent += 2
        while indents and indents[-1] >= indent:
            indents.pop()
        indents.append(indent)
        column = None
        if flow or "[" in line or "{" in line:  # most lines open no bracket: skip the scan
            flow, column = _flow(line, flow, MAX_DEPTH - len(indents))
        if column is not None or len(indents) > MAX_DEPTH:
            where = Location(file, number, (column or indent) + 1)
            return [Problem(f"nested more than {MAX_DEPTH} levels deep; flatten it", where)]
    return []


def _flow(line: str, depth: int, allowed: int) -> tuple[int, int | None]:
    """The flow depth after ``line`` (``depth`` before it), and the column where its
    brackets open more than ``allowed`` levels, if they do."""
    quote = ""
    for column, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (column == 0 or line[column - 1] in " \t"):
            break
        elif char in "[{":
            depth += 1
            if depth > allowed:
                return depth, column
        elif char in "]}":
            depth = max(depth - 1, 0)
    return depth, None


def check_tree(doc: Any, file: str) -> list[Problem]:
    """Tags, self-referring aliases and alias bombs in a round-trip tree."""
    walk = _Walk(file)
    total = walk.size(doc, Location(file, 1, 1))
    if walk.problems:
        return walk.problems
    if total > MAX_VALUES:
        return [walk.bomb(doc, Location(file, 1, 1))]
    return []


class _Walk:
    def __init__(self, file: str) -> None:
        self.file = file
        self.sizes: dict[int, int] = {}
        self.open: set[int] = set()
        self.problems: list[Problem] = []
        self.seen_tags: set[int] = set()

    def size(self, node: Any, where: Location) -> int:
        if not isinstance(node, CommentedMap | CommentedSeq | TaggedScalar):
            return 1
        if id(node) in self.sizes:
            return self.sizes[id(node)]
        if id(node) in self.open:
            self.problems.append(Problem("an alias refers to itself; write the value out", where))
            return 1
        self._tag(node, where)
        self.open.add(id(node))
        total = 1 + sum(self.size(child, at) for child, at in self._children(node, where))
        self.open.discard(id(node))
        self.sizes[id(node)] = total
        return total

    def _tag(self, node: Any, where: Location) -> None:
        tag = getattr(node, "tag", None)
        value = getattr(tag, "value", None) if tag is not None else None
        if value and id(node) not in self.seen_tags:
            self.seen_tags.add(id(node))
            shown = value.replace("tag:yaml.org,2002:", "!!")
            self.problems.append(Problem(f'YAML tag "{shown}" is not supported; remove it', where))

    def _children(self, node: Any, where: Location) -> list[tuple[Any, Location]]:
        out = []
        if isinstance(node, CommentedMap):
            for key in node:
                out.append((node[key], self._at(node.lc.value, key, where)))
        elif isinstance(node, CommentedSeq):
            for index, item in enumerate(node):
                out.append((item, self._at(node.lc.item, index, where)))
        return out

    def _at(self, getter: Any, comp: Any, where: Location) -> Location:
        try:
            line, col = getter(comp)
        except (KeyError, IndexError, TypeError, AttributeError):
            return where
        return Location(self.file, line + 1, col + 1)

    def bomb(self, node: Any, where: Location) -> Problem:
        """Located at the innermost value that alone expands beyond the limit."""
        while True:
            big = [
                (c, at) for c, at in self._children(node, where) if self.size(c, at) > MAX_VALUES
            ]
            if not big:
                break
            node, where = big[0]
        message = (
            f"aliases here expand to {self.sizes.get(id(node), 0):,} values, more than a "
            f"manifest holds ({MAX_VALUES:,}); write the values out instead of nesting aliases"
        )
        return Problem(message, where)
