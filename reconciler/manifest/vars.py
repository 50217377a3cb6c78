"""``${vars.NAME}`` and ``${env.NAME}`` in manifest strings.

Every string value (never a key) is substituted while the round-trip tree is turned into the
plain data pydantic validates. ``$${`` is a literal ``${``. Values from the environment are
secrets: the resolver records each one used, and for every string that held one its shown
form (``reconciler.secrets``), so that no message or plan ever echoes them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from reconciler.errors import Location, Problem
from reconciler.kinds.base import Obj
from reconciler.manifest.fastyaml import LocatedMap
from reconciler.manifest.yaml import MISSING, DataPath, format_path, locate, plain_scalar, step
from reconciler.secrets import names_object, shown_attrs

_TOKEN = re.compile(r"\$\$\{|\$\{(?P<body>[^}]*)\}|\$\{")
_REFERENCE = re.compile(r"(?P<ns>vars|env)\.(?P<name>[A-Za-z_][A-Za-z0-9_-]*)")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLAIN = frozenset({str, int, float, bool, type(None)})  # the C parser's scalars


@dataclass
class Resolver:
    """Substitutes references across documents, collecting what it found on the way.

    With ``read_env`` false (``acr validate``), no environment value is read: a reference is
    checked for its syntax only and stands for itself, so validation runs where the secrets
    are not available (CI jobs without them)."""

    vars: Mapping[str, str]
    env: Mapping[str, str]
    read_env: bool = True
    secrets: dict[str, str] = field(default_factory=dict)  # NAME -> value of each one used
    env_names: set[str] = field(default_factory=set)  # every ${env.NAME} referenced
    # Strings that used ${env.*}: their shown form, each reference left as written.
    shown: dict[DataPath, str] = field(default_factory=dict)
    failed_paths: set[DataPath] = field(default_factory=set)  # strings left unsubstituted
    problems: list[Problem] = field(default_factory=list)

    @property
    def secret_paths(self) -> set[DataPath]:
        return set(self.shown)

    def plain(self, node: Any, path: DataPath, root: Any, file: str) -> Any:
        """``node`` (found at ``path`` under ``root``) as plain data, references substituted."""
        if type(node) is LocatedMap:
            # The C parser's tree holds plain scalars: only collections and "${" need work.
            out = {}
            for key, value in node.items():
                if value.__class__ in _PLAIN and not (value.__class__ is str and "${" in value):
                    out[key] = value
                else:
                    out[key] = self.plain(value, (*path, key), root, file)
            return out
        if isinstance(node, CommentedMap):
            return {
                plain_scalar(key): self.plain(value, (*path, key), root, file)
                for key, value in node.items()
            }
        if isinstance(node, CommentedSeq):
            return [self.plain(item, (*path, i), root, file) for i, item in enumerate(node)]
        if isinstance(node, str) and "${" in node:
            return self.substitute(str(node), path, locate(root, path, file))
        return plain_scalar(node)

    def substitute(self, text: str, path: DataPath, where: Location) -> str:
        """``text`` with its references substituted. When one is ``${env.*}``, the shown
        form (the same text with each ``${env.NAME}`` left as written) is recorded for
        ``path``."""
        failures = len(self.problems)
        uses_env = False
        value: list[str] = []
        shown: list[str] = []
        position = 0
        for match in _TOKEN.finditer(text):
            value.append(text[position : match.start()])
            shown.append(text[position : match.start()])
            position = match.end()
            if match.group(0) == "$${":
                value.append("${")
                shown.append("$${")
                continue
            found, is_env = self._resolve(match.group("body"), path, where)
            uses_env = uses_env or (is_env and found is not None)
            value.append(match.group(0) if found is None else found)
            shown.append(match.group(0) if is_env or found is None else found)
        value.append(text[position:])
        shown.append(text[position:])
        if uses_env:
            self.shown[path] = "".join(shown)
        if len(self.problems) > failures:
            self.failed_paths.add(path)
        return "".join(value)

    def _resolve(
        self, body: str | None, path: DataPath, where: Location
    ) -> tuple[str | None, bool]:
        if body is None:
            self._problem(
                '"${" is not closed: write ${vars.NAME} or ${env.NAME}, or $${ for a literal "${"',
                path,
                where,
            )
            return None, False
        reference = _REFERENCE.fullmatch(body.strip())
        if reference is None:
            self._problem(
                f'"${{{body}}}" is not a reference: write ${{vars.NAME}} or ${{env.NAME}}, '
                'or $${ for a literal "${"',
                path,
                where,
            )
            return None, False
        name = reference.group("name")
        if reference.group("ns") == "vars":
            return self._var(name, path, where), False
        return self._env(name, path, where), True

    def _var(self, name: str, path: DataPath, where: Location) -> str | None:
        if name in self.vars:
            return self.vars[name]
        close = difflib.get_close_matches(name, list(self.vars), n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        self._problem(
            f'variable "{name}" is not defined{hint}; '
            "define it under vars: in acr.yaml, or in the target's vars",
            path,
            where,
        )
        return None

    def _env(self, name: str, path: DataPath, where: Location) -> str | None:
        if not _ENV_NAME.fullmatch(name):
            self._problem(f'"{name}" is not an environment variable name', path, where)
            return None
        self.env_names.add(name)
        if not self.read_env:
            return f"${{env.{name}}}"
        value = self.env.get(name)
        if value is None:
            self._problem(
                f'environment variable "{name}" is not set; export {name} before running acr',
                path,
                where,
            )
            return None
        if not value:
            self._problem(
                f'environment variable "{name}" is empty; set it to the value to use (acr '
                "would send nothing in its place)",
                path,
                where,
            )
            return None
        self.secrets[name] = value
        return value

    def _problem(self, message: str, path: DataPath, where: Location) -> None:
        self.problems.append(Problem(message, where, format_path(path)))


def merge_vars(*layers: Mapping[str, str] | None) -> dict[str, str]:
    """The variables ``${vars.NAME}`` sees: every layer's, a later layer's value winning
    over an earlier one's (the project's ``vars``, then the target's); None is no layer."""
    merged: dict[str, str] = {}
    for layer in layers:
        merged.update(layer or {})
    return merged


def entry_secrets(
    shown: Mapping[DataPath, str], data: Any, entry: DataPath
) -> dict[DataPath, tuple[str, str]]:
    """The strings of one entry (its plain ``data``, found at ``entry``) that used
    ``${env.*}``: path -> (value, shown form)."""
    out = {}
    for path, form in shown.items():
        if path[: len(entry)] != entry:
            continue
        value = data
        for comp in path[len(entry) :]:
            value = step(value, comp)
        if isinstance(value, str) and value is not MISSING:
            out[path] = (value, form)
    return out


def with_shown_form(
    objects: list[Obj], uses: Mapping[DataPath, tuple[str, str]]
) -> tuple[list[Obj], list[DataPath]]:
    """The objects of one entry with their shown form (``Obj.shown``), and the paths of the
    secrets that cannot be kept secret: those that name an object (a name, an identity, a
    reference) or that the kind rewrote, so that their value is not in any attribute whole."""
    if not uses:
        return objects, []
    forms = {value: form for value, form in uses.values()}
    found: set[str] = set()
    out = []
    for obj in objects:
        attrs, used = shown_attrs(obj.attrs, forms)
        found |= used
        out.append(replace(obj, shown=attrs) if used else obj)
    misplaced = [
        path
        for path, (value, _) in uses.items()
        if value not in found or any(names_object(obj, value) for obj in objects)
    ]
    return out, sorted(misplaced, key=format_path)
