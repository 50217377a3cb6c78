"""``load_manifests``: manifest files in, every desired object out, or every problem at once."""

from __future__ import annotations

import difflib
import hashlib
import os
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from reconciler.errors import Location, ManifestError, Problem
from reconciler.kinds import KINDS, Kind, Obj, Ref, children, sections
from reconciler.manifest.checks import Placed, cross_check, external_refs
from reconciler.manifest.files import display_path, find_files
from reconciler.manifest.validate import input_keys, validate
from reconciler.manifest.vars import Resolver
from reconciler.manifest.yaml import (
    DataPath,
    describe_node,
    locate,
    node_location,
    parse_yaml,
    quote,
)


@dataclass(frozen=True)
class Desired:
    """The desired state the manifests describe."""

    objects: tuple[Obj, ...]  # every desired object of every kind (stages included), in file order
    secrets: Mapping[str, str]  # NAME -> value of each ${env.NAME} used: mask these, never print
    files: tuple[str, ...]  # the manifest files read (display paths)
    digest: str  # "sha256:..." over the files' bytes, sorted by path; no secret goes into it
    # References to objects no manifest defines (a field's list): the account must have
    # them, which plan checks; each with the located message to show when it does not.
    external: tuple[tuple[Ref, str, Problem], ...] = ()

    @property
    def warnings(self) -> list[Problem]:
        """What ``acr validate`` cannot know offline: the references plan resolves live."""
        return [problem for _, _, problem in self.external]


def load_manifests(
    paths: Sequence[str | Path],
    *,
    vars: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> Desired:
    """Read, substitute, validate and cross-check the manifests that ``paths`` name.

    ``vars`` are the target's variables for ``${vars.NAME}``; ``env`` (``os.environ`` by
    default) provides ``${env.NAME}``. Raises ``ManifestError`` with every problem found;
    nothing is returned half-loaded."""
    files, problems = find_files(paths)
    load = _Load(Resolver(dict(vars or {}), os.environ if env is None else env))
    for path in files:
        load.read(path)
    problems += load.problems + load.resolver.problems
    problems += cross_check(load.placed, unknown_kinds=load.unknown_kinds)
    secrets = load.resolver.secrets
    if problems:
        raise ManifestError([_scrub(problem, secrets.values()) for problem in problems])
    return Desired(
        objects=tuple(item.obj for item in load.placed),
        secrets=types.MappingProxyType(dict(secrets)),
        files=tuple(load.raw),
        digest=digest(load.raw),
        external=tuple(
            (ref, name, _scrub(problem, secrets.values()))
            for ref, name, problem in external_refs(load.placed, unknown_kinds=load.unknown_kinds)
        ),
    )


def digest(raw: Mapping[str, bytes]) -> str:
    """A fingerprint of the manifests' bytes: each file, sorted by path, length-prefixed."""
    h = hashlib.sha256()
    for name in sorted(raw):
        h.update(f"{len(raw[name])}\n".encode())
        h.update(raw[name])
    return f"sha256:{h.hexdigest()}"


def _scrub(problem: Problem, secrets: Any) -> Problem:
    message = problem.message
    for secret in sorted(secrets, key=len, reverse=True):
        message = message.replace(secret, "***")
    return Problem(message, problem.location, problem.path)


@dataclass
class _Load:
    resolver: Resolver
    raw: dict[str, bytes] = field(default_factory=dict)
    placed: list[Placed] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Kinds with an entry that could not be read: their keys are not all known, so a
    # reference to one of them is not reported as dangling.
    unknown_kinds: set[str] = field(default_factory=set)

    def read(self, path: Path) -> None:
        file = display_path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self._fail(f"cannot read the file: {exc.strerror}", Location(file))
            return
        self.raw[file] = raw
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self._fail(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", Location(file))
            return
        doc, problems = parse_yaml(text, file)
        if problems:
            self.problems += problems
            self.unknown_kinds |= set(KINDS)
        elif doc is not None:
            self._document(doc, file)

    def _fail(self, message: str, where: Location, path: str = "") -> None:
        self.problems.append(Problem(message, where, path))
        self.unknown_kinds |= set(KINDS)

    def _document(self, doc: Any, file: str) -> None:
        names = ", ".join(sections())
        if not isinstance(doc, CommentedMap):
            where = node_location(doc, file) or Location(file, 1, 1)
            got = describe_node(doc)
            self._fail(f"the top level must be a mapping of sections ({names}), got {got}", where)
            return
        for key in doc:
            kind = sections().get(key) if isinstance(key, str) else None
            if kind is None:
                close = difflib.get_close_matches(str(key), list(sections()), n=1)
                hint = f'; did you mean "{close[0]}"?' if close else ";"
                message = f"unknown section {quote(key)}{hint} Sections: {names}"
                self._fail(message, locate(doc, (key,), file, key=True), str(key))
            else:
                self._section(kind, doc, key, file)

    def _section(self, kind: Kind, doc: CommentedMap, key: str, file: str) -> None:
        entries = doc[key]
        if entries is None:
            return  # "tags:" with nothing under it: an empty section
        if not isinstance(entries, CommentedSeq):
            got = describe_node(entries)
            message = f'section "{key}" must be a list of entries ("- ..."), got {got}'
            self.problems.append(Problem(message, locate(doc, (key,), file), key))
            self.unknown_kinds |= _family(kind)
            return
        for index in range(len(entries)):
            self._entry(kind, doc, (key, index), file)

    def _entry(self, kind: Kind, doc: CommentedMap, path: DataPath, file: str) -> None:
        resolver = self.resolver
        failures = len(resolver.problems)
        data = resolver.plain(doc[path[0]][path[1]], path, doc, file)
        spec, problems = validate(
            kind.spec,
            data,
            root=doc,
            file=file,
            prefix=path,
            label=_label(kind, data, path, resolver.secret_paths),
            secret_paths=resolver.secret_paths,
            skip_paths=resolver.failed_paths,
        )
        self.problems += problems
        if spec is None or len(resolver.problems) > failures:
            self.unknown_kinds |= _family(kind)
        if spec is None:
            return
        where = locate(doc, path, file)
        objects = kind.desired(spec, source=f"{file}:{where.line}")
        self._place(kind, objects, doc, data, path, file)

    def _place(
        self, kind: Kind, objects: list[Obj], doc: Any, data: Any, path: DataPath, file: str
    ) -> None:
        """Record each object with the node it comes from: a child (a stage) with its item
        in the entry's list of children, in order; anything else with the entry."""
        items: dict[str, list[tuple[DataPath, Any]]] = {}
        for child in children(kind.name):
            name = _field_holding(kind.spec, child.spec)
            values = data.get(name) if isinstance(data, dict) and name else None
            if name and isinstance(values, list):
                items[child.name] = [((*path, name, i), value) for i, value in enumerate(values)]
        for obj in objects:
            queue = items.get(obj.kind)
            own, own_data = queue.pop(0) if queue else (path, data)
            location = locate(doc, own, file)
            self.placed.append(Placed(obj, file, path, own, location, doc, own_data))


def _family(kind: Kind) -> set[str]:
    return {kind.name, *(child.name for child in children(kind.name))}


def _label(kind: Kind, data: Any, path: DataPath, secret_paths: set[DataPath]) -> str:
    """How messages name an entry: its kind and its first field ("webhook \"CRM sync\"")."""
    first = next(iter(input_keys(kind.spec)))
    value = data.get(first) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value or (*path, first) in secret_paths:
        return ""
    return f"{kind.name} {quote(value)}"


def _field_holding(parent: type[BaseModel], child: type[BaseModel]) -> str | None:
    """The field of ``parent`` whose annotation holds ``child`` models (a pipeline's stages)."""
    for name, info in input_keys(parent).items():
        if _mentions(info.annotation, child):
            return name
    return None


def _mentions(annotation: Any, model: type[BaseModel]) -> bool:
    return annotation is model or any(_mentions(arg, model) for arg in get_args(annotation))
