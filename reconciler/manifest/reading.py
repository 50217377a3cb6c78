"""One YAML file from disk to its round-trip tree, every failure a located Problem: the
operating system's (a missing, unreadable or vanished file, a directory), the bytes' (binary,
not UTF-8, too big) and the text's (YAML syntax, nesting, tags, aliases)."""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.errors import Location, Problem
from reconciler.manifest.fastyaml import LocatedMap, LocatedSeq
from reconciler.manifest.limits import check_depth, check_size, check_tree
from reconciler.manifest.yaml import parse_yaml


@dataclass
class Read:
    """What reading one file gave: its bytes (None when unreadable), its tree (None when
    empty or broken) and the problems."""

    raw: bytes | None = None
    doc: Any = None
    problems: list[Problem] = field(default_factory=list)


def read_document(path: Path, file: str) -> Read:
    """Read and parse ``path`` (shown as ``file``); never raises for bad input."""
    try:
        size = path.stat().st_size
        too_big = check_size(size, file)
        if too_big:
            return Read(problems=too_big)
        raw = path.read_bytes()
    except OSError as exc:
        return Read(problems=[Problem(os_message(exc), Location(file))])
    return Read(raw, *parse_bytes(raw, file))


def parse_bytes(raw: bytes, file: str) -> tuple[Any, list[Problem]]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = "UTF-16 text, not UTF-8; save the file as UTF-8"
        return None, [Problem(message, Location(file, 1, 1))]
    if b"\0" in raw:
        where = _at(raw, raw.index(b"\0"), file)
        return None, [Problem("a binary file, not YAML text; remove it", where)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        byte = raw[start : start + 1].hex()
        message = f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8"
        return None, [Problem(message, _at(raw, start, file))]
    problems = check_depth(text, file)
    if problems:
        return None, problems
    doc, problems = parse_yaml(text, file)
    if problems or doc is None:
        return None, problems
    if isinstance(doc, LocatedMap | LocatedSeq):
        return doc, []  # the C parser's path refuses what check_tree finds (fastyaml)
    problems = check_tree(doc, file)
    return (None, problems) if problems else (doc, [])


def _at(raw: bytes, offset: int, file: str) -> Location:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    col = len(before) - (before.rfind(b"\n") + 1) + 1
    return Location(file, line, col)


def os_message(exc: OSError) -> str:
    """What went wrong, and what to do, for an operating-system error on a file."""
    if isinstance(exc, IsADirectoryError) or exc.errno == errno.EISDIR:
        return "is a directory, not a file; name a YAML file"
    if isinstance(exc, FileNotFoundError):
        return "the file disappeared while acr was reading it; run acr again"
    if isinstance(exc, PermissionError):
        return "cannot read the file: permission denied; check its permissions"
    reason = exc.strerror or type(exc).__name__
    return f"cannot read the file: {reason[:1].lower()}{reason[1:]}"
