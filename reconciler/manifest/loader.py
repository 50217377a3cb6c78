"""``load_manifests``: manifest files in, every desired object out, or every problem at once."""

from __future__ import annotations

import copy
import difflib
import functools
import gc
import hashlib
import os
import types
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from reconciler.errors import Location, ManifestError, Problem
from reconciler.kinds import Kind, Obj, Ref, Registry
from reconciler.manifest.checks import Placed, cross_check, external_refs
from reconciler.manifest.files import display_path, scan
from reconciler.manifest.reading import read_document
from reconciler.manifest.salvage import salvage
from reconciler.manifest.validate import input_keys, validate
from reconciler.manifest.vars import Resolver, entry_secrets, with_shown_form
from reconciler.manifest.yaml import (
    DataPath,
    describe_node,
    format_path,
    locate,
    node_location,
    quote,
)


@dataclass(frozen=True)
class Desired:
    """The desired state the manifests describe."""

    objects: tuple[Obj, ...]  # every desired object of every kind (stages included), in file order
    secrets: Mapping[str, str]  # NAME -> value of each ${env.NAME} used: never print these
    files: tuple[str, ...]  # the manifest files read (display paths)
    digest: str  # "sha256:..." over the files' bytes, sorted by path; no secret goes into it
    kinds: Registry  # the kinds the manifests were read with: planning uses the same
    # The sections some manifest holds, empty ones (``tags: []``) included: only these are
    # pruned, so a missing section never reads as "delete every object of it".
    sections: frozenset[str] = frozenset()
    skipped: tuple[str, ...] = ()  # files in the manifest directories that were not read
    env_names: tuple[str, ...] = ()  # every ${env.NAME} referenced, sorted
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
    kinds: Registry,
    vars: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    read_env: bool = True,
) -> Desired:
    """Read, substitute, validate and cross-check the manifests that ``paths`` name, whose
    sections are those of ``kinds``.

    ``vars`` are the target's variables for ``${vars.NAME}``; ``env`` (``os.environ`` by
    default) provides ``${env.NAME}``. With ``read_env`` false no environment value is read
    (``acr validate``): references are checked for their syntax and stand for themselves.
    Raises ``ManifestError`` with every problem found; nothing is returned half-loaded."""
    files, problems, skipped = scan(paths)
    resolver = Resolver(dict(vars or {}), os.environ if env is None else env, read_env=read_env)
    load = _Load(resolver, kinds)
    with _collector_paused():
        for path in files:
            load.read(path)
        problems += load.problems + load.resolver.problems
        problems += cross_check(load.placed, kinds=kinds, unknown_kinds=load.unknown_kinds)
        if problems:
            raise ManifestError(problems)
        external = external_refs(load.placed, kinds=kinds, unknown_kinds=load.unknown_kinds)
    return Desired(
        objects=tuple(item.obj for item in load.placed),
        secrets=types.MappingProxyType(dict(resolver.secrets)),
        files=tuple(load.raw),
        digest=digest(load.raw),
        kinds=kinds,
        sections=frozenset(load.sections),
        skipped=tuple(skipped),
        env_names=tuple(sorted(resolver.env_names)),
        external=tuple(external),
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading makes a few hundred thousand objects that all stay alive (the trees, the plain
    data, the models, the objects): Python's cyclic collector would walk them again and again
    as they pile up, which took a third of the loading time of 11,350 objects. Little made
    here is garbage in a cycle (an error's traceback), so the collector waits for the end,
    and what the load made then goes straight to the oldest generation (``freeze`` then
    ``unfreeze`` moves every object there without walking them), as if it had survived the
    young collections it skipped; a full collection walks it later, once."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # someone else's frozen objects stay frozen
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def digest(raw: Mapping[str, bytes]) -> str:
    """A fingerprint of the manifests' bytes: each file, sorted by path, length-prefixed."""
    h = hashlib.sha256()
    for name in sorted(raw):
        h.update(f"{len(raw[name])}\n".encode())
        h.update(raw[name])
    return f"sha256:{h.hexdigest()}"


@dataclass
class _Load:
    resolver: Resolver
    kinds: Registry
    raw: dict[str, bytes] = field(default_factory=dict)
    placed: list[Placed] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Kinds with an entry that could not be read: their keys are not all known, so a
    # reference to one of them is not reported as dangling.
    unknown_kinds: set[str] = field(default_factory=set)
    sections: set[str] = field(default_factory=set)

    def read(self, path: Path) -> None:
        file = display_path(path)
        read = read_document(path, file)
        if read.raw is not None:
            self.raw[file] = read.raw
        if read.problems:
            self.problems += read.problems
            self.unknown_kinds |= set(self.kinds.names)
        elif read.doc is None and not _only_comments(read.raw or b""):
            names = ", ".join(self.kinds.sections())
            self._fail(
                f"the file is empty; add a section ({names}) or remove the file",
                Location(file, 1, 1),
            )
        elif read.doc is not None:
            self._document(read.doc, file)

    def _fail(self, message: str, where: Location, path: str = "") -> None:
        self.problems.append(Problem(message, where, path))
        self.unknown_kinds |= set(self.kinds.names)

    def _document(self, doc: Any, file: str) -> None:
        sections = self.kinds.sections()
        names = ", ".join(sections)
        if not isinstance(doc, CommentedMap):
            where = node_location(doc, file) or Location(file, 1, 1)
            got = describe_node(doc)
            self._fail(f"the top level must be a mapping of sections ({names}), got {got}", where)
            return
        for key in doc:
            kind = sections.get(key) if isinstance(key, str) else None
            if kind is None:
                close = difflib.get_close_matches(str(key), list(sections), n=1)
                hint = f'; did you mean "{close[0]}"?' if close else ";"
                message = f"unknown section {quote(key)}{hint} Sections: {names}"
                self._fail(message, locate(doc, (key,), file, key=True), str(key))
            else:
                self._section(kind, doc, key, file)

    def _section(self, kind: Kind, doc: CommentedMap, key: str, file: str) -> None:
        self.sections.add(key)
        entries = doc[key]
        if entries is None:
            return  # "tags:" with nothing under it: an empty section
        if not isinstance(entries, CommentedSeq):
            got = describe_node(entries)
            message = f'section "{key}" must be a list of entries ("- ..."), got {got}'
            self.problems.append(Problem(message, locate(doc, (key,), file), key))
            self.unknown_kinds |= self.kinds.family(kind.name)
            return
        for index in range(len(entries)):
            self._entry(kind, doc, (key, index), file)

    def _entry(self, kind: Kind, doc: CommentedMap, path: DataPath, file: str) -> None:
        resolver = self.resolver
        failures = len(resolver.problems)
        data = resolver.plain(doc[path[0]][path[1]], path, doc, file)
        uses = entry_secrets(resolver.shown, data, path)
        # Offline, a secret's value is unknown: its constraints are checked when it is read.
        unchecked = set(uses) if not resolver.read_env else set()
        spec, problems = validate(
            kind.spec,
            data,
            root=doc,
            file=file,
            prefix=path,
            label=_label(kind, data, path, resolver.secret_paths),
            secret_paths=resolver.secret_paths,
            skip_paths=resolver.failed_paths | unchecked,
        )
        if spec is None and not problems and unchecked:
            spec, uses = _stand_in(kind, data, path, uses)
        self.problems += problems
        where = locate(doc, path, file)
        source = f"{file}:{where.line}"
        objects = _objects(kind, spec, data, source, salvaged=bool(problems) and not uses)
        if not objects or len(resolver.problems) > failures:
            self.unknown_kinds |= self.kinds.family(kind.name)
        if not objects:
            return
        objects, misplaced = with_shown_form(objects, uses)
        if misplaced:
            self.problems += [_misplaced(where, uses[where][1], doc, file) for where in misplaced]
            self.unknown_kinds |= self.kinds.family(kind.name)
            return
        self._place(kind, objects, doc, data, (path, where), file)

    def _place(
        self,
        kind: Kind,
        objects: list[Obj],
        doc: Any,
        data: Any,
        entry: tuple[DataPath, Location],
        file: str,
    ) -> None:
        """Record each object with the node it comes from: a child (a stage) with its item
        in the entry's list of children, in order; anything else with the entry."""
        path, where = entry
        items: dict[str, list[tuple[DataPath, Any]]] = {}
        for child in self.kinds.children(kind.name):
            name = _field_holding(kind.spec, child.spec)
            values = data.get(name) if isinstance(data, dict) and name else None
            if name and isinstance(values, list):
                items[child.name] = [((*path, name, i), value) for i, value in enumerate(values)]
        for obj in objects:
            queue = items.get(obj.kind)
            own, own_data = queue.pop(0) if queue else (path, data)
            location = locate(doc, own, file) if own is not path else where
            self.placed.append(Placed(obj, file, path, own, location, doc, own_data))


def _objects(kind: Kind, spec: Any, data: Any, source: str, *, salvaged: bool) -> list[Obj]:
    """The entry's objects; for an invalid entry, when ``salvaged``, what its valid keys
    say (for the checks across files only: the run fails anyway)."""
    if spec is not None:
        return kind.desired(spec, source=source)
    return salvage(kind, data, source) if salvaged else []


def _only_comments(raw: bytes) -> bool:
    """A file of comments (a schema modeline, notes) is a deliberate empty manifest."""
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    return bool(lines) and all(line.startswith(b"#") for line in lines)


def _misplaced(path: DataPath, form: str, doc: Any, file: str) -> Problem:
    message = (
        f"{form} is used where acr cannot keep it secret: in a name, an identity or a "
        "reference (plans print them), or in a value acr rewrites. Use ${env.*} in values "
        "such as url or description, or use ${vars.*}"
    )
    return Problem(message, locate(doc, path, file), format_path(path))


# What an unread ${env.*} stands for offline when its reference text does not validate: a
# URL, the one constrained kind of value a secret is commonly used for.
_STAND_IN = "https://env.invalid/"


def _stand_in(
    kind: Kind, data: Any, entry: DataPath, uses: dict[DataPath, tuple[str, str]]
) -> tuple[Any, dict[DataPath, tuple[str, str]]]:
    """Offline: the entry validated with stand-ins for its unread secrets, or ``None``
    when its secrets cannot stand for anything valid (checked once their values are read)."""
    stand_ins = {path: (_STAND_IN + value, form) for path, (value, form) in uses.items()}
    data = copy.deepcopy(data)
    for path, (value, _) in stand_ins.items():
        *parents, last = path[len(entry) :]
        node = data
        for comp in parents:
            node = node[comp]
        node[last] = value
    try:
        return kind.spec.model_validate(data), stand_ins
    except PydanticValidationError:
        return None, uses


@functools.cache
def _first_key(spec: type[BaseModel]) -> str:
    return next(iter(input_keys(spec)))


def _label(kind: Kind, data: Any, path: DataPath, secret_paths: set[DataPath]) -> str:
    """How messages name an entry: its kind and its first field ("webhook \"CRM sync\"")."""
    first = _first_key(kind.spec)
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
