"""``${vars.NAME}`` and ``${env.NAME}`` in manifest strings.

Every string value (never a key) is substituted while the round-trip tree is turned into the
plain data pydantic validates. ``$${`` is a literal ``${``. Values from the environment are
secrets: the resolver records each one used, and the paths of the strings that held one, so
that no message ever echoes them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from reconciler.errors import Location, Problem
from reconciler.manifest.yaml import DataPath, format_path, locate, plain_scalar

_TOKEN = re.compile(r"\$\$\{|\$\{(?P<body>[^}]*)\}|\$\{")
_REFERENCE = re.compile(r"(?P<ns>vars|env)\.(?P<name>[A-Za-z_][A-Za-z0-9_-]*)")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Resolver:
    """Substitutes references across documents, collecting what it found on the way."""

    vars: Mapping[str, str]
    env: Mapping[str, str]
    secrets: dict[str, str] = field(default_factory=dict)
    secret_paths: set[DataPath] = field(default_factory=set)  # strings that used ${env.*}
    failed_paths: set[DataPath] = field(default_factory=set)  # strings left unsubstituted
    problems: list[Problem] = field(default_factory=list)

    def plain(self, node: Any, path: DataPath, root: Any, file: str) -> Any:
        """``node`` (found at ``path`` under ``root``) as plain data, references substituted."""
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
        failures = len(self.problems)
        uses_env = False

        def replace(match: re.Match[str]) -> str:
            nonlocal uses_env
            if match.group(0) == "$${":
                return "${"
            value, is_env = self._resolve(match.group("body"), path, where)
            uses_env = uses_env or is_env
            return match.group(0) if value is None else value

        result = _TOKEN.sub(replace, text)
        if uses_env:
            self.secret_paths.add(path)
        if len(self.problems) > failures:
            self.failed_paths.add(path)
        return result

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
        value = self.env.get(name)
        if value is None:
            self._problem(
                f'environment variable "{name}" is not set; export {name} before running acr',
                path,
                where,
            )
            return None
        if value:  # an empty value hides nothing, and masking "" would mangle every message
            self.secrets[name] = value
        return value

    def _problem(self, message: str, path: DataPath, where: Location) -> None:
        self.problems.append(Problem(message, where, format_path(path)))
