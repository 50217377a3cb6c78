"""``acr export``: a live account as manifests, one file per section, so that planning them
against the account shows no changes. This is how a user adopts acr on an account.

Kind-driven: each kind turns its live objects back into manifest entries (``Kind.entry``),
children inside their parent's entry; values equal to the spec's defaults are left out,
entries are sorted (``Kind.export_order``), and each one is checked against its spec, so
that what is written loads. An object that cannot be written as a valid entry is left out
and named in the notes. Credentials in URLs (userinfo, query values that look secret) are
replaced by ``${env.NAME}`` placeholders, listed in the notes and in the file's header: no
secret value is written or printed. A literal ``${`` is written ``$${``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from reconciler.errors import AuthError, ConfigError
from reconciler.kinds import Kind, Obj, Registry
from reconciler.state import Account, Reader, read_account

SECRET_PARAM = re.compile(
    r"(token|key|secret|pass|pwd|auth|sig|signature|hash|credential|session|code)", re.I
)
SECRET_VALUE = re.compile(r"^(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_\-.~+/=]{16,}$")


@dataclass(frozen=True)
class Placeholder:
    name: str  # the environment variable
    what: str  # where it stands: 'query parameter "token" of webhook "CRM sync" url'
    section: str = ""  # the manifest section it is in


@dataclass
class Export:
    """The manifest files of one account: name -> entries, plus what the user must know."""

    sections: dict[str, list[Any]] = field(default_factory=dict)
    placeholders: list[Placeholder] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # objects left out, and why

    @property
    def count(self) -> int:
        return sum(len(entries) for entries in self.sections.values())


async def read_exportable(reader: Reader, kinds: Registry) -> tuple[Account, list[str]]:
    """Every collection; when the account refuses a kind's collections for want of an
    access (Deals [R2]), the others, with a note naming the sections left out."""
    try:
        return await read_account(reader, kinds), []
    except AuthError as exc:
        missing = {k.access for k in kinds if k.access and exc.path.startswith(k.access_paths)}
        if exc.status != 403 or not missing:
            raise
    # Every kind that needs the missing access (pipelines, stages and deal fields: Deals).
    denied = [k for k in kinds if k.access in missing]
    lost = {name for kind in denied for name in kind.collections()}
    names = [name for name in kinds.collections() if name not in lost]
    notes = sorted(
        {f"{k.section}: not exported, {k.access} is missing on the account" for k in denied}
    )
    return await read_account(reader, kinds, names), notes


def export_account(objects: Iterable[Obj], kinds: Registry) -> Export:
    """The manifest entries of the live ``objects`` (every kind of ``kinds``), by section."""
    result = Export()
    live: dict[str, list[Obj]] = {}
    for obj in objects:
        live.setdefault(obj.kind, []).append(obj)
    names: set[str] = set()
    for section, kind in kinds.sections().items():
        entries = []
        for obj in sorted(live.get(kind.name, []), key=kind.export_order):
            entry = _entry(kind, kinds.children(kind.name), obj, live)
            problem = _check(kind.spec, entry)
            if problem:
                result.skipped.append(f'{kind.name} "{obj.label}" (id {obj.id}): {problem}')
                continue
            label = f'{kind.name} "{obj.label}"'
            found: list[Placeholder] = []
            entries.append(_with_placeholders(entry, label, found, names))
            result.placeholders += [replace(p, section=section) for p in found]
        if entries:
            result.sections[section] = entries
    return result


def _entry(kind: Kind, children: Sequence[Kind], obj: Obj, live: Mapping[str, list[Obj]]) -> Any:
    kids: dict[str, list[Any]] = {}
    for child in children:
        mine = [o for o in live.get(child.name, []) if o.parent == obj.key]
        kids[child.name] = [
            _lean(child.spec, child.entry(o, {})) for o in sorted(mine, key=child.export_order)
        ]
    return _lean(kind.spec, kind.entry(obj, kids))


def _lean(spec: type[BaseModel], entry: Any) -> Any:
    """``entry`` without the values its spec would default to anyway."""
    if not isinstance(entry, dict):
        return entry
    defaults = {}
    for name, info in spec.model_fields.items():
        if info.default is not PydanticUndefined:
            defaults[info.alias or name] = info.default
        elif info.default_factory is not None:
            defaults[info.alias or name] = info.default_factory()  # type: ignore[call-arg]
    return {k: v for k, v in entry.items() if k not in defaults or defaults[k] != v}


def _check(spec: type[BaseModel], entry: Any) -> str | None:
    try:
        spec.model_validate(entry)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        return f"not expressible in a manifest ({where}: {error['msg']})"
    return None


def _with_placeholders(
    value: Any, label: str, found: list[Placeholder], names: set[str], path: str = ""
) -> Any:
    """``value`` with ``$${`` for literal ``${`` and credentials in URLs as placeholders."""
    if isinstance(value, dict):
        return {
            k: _with_placeholders(v, label, found, names, f"{path}.{k}".strip("."))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_with_placeholders(v, label, found, names, path) for v in value]
    if isinstance(value, str):
        text = value.replace("${", "$${")
        if re.match(r"^https?://", text):
            text = _url(text, label, path, found, names)
        return text
    return value


def _url(url: str, label: str, attr: str, found: list[Placeholder], names: set[str]) -> str:
    parts = urlsplit(url)
    stem = re.sub(r"[^A-Z0-9]+", "_", label.split(" ", 1)[-1].upper()).strip("_") or "URL"

    def hole(suffix: str, what: str) -> str:
        base = re.sub(r"[^A-Z0-9]+", "_", f"{stem}_{suffix}".upper()).strip("_")
        name, n = base, 2
        while name in names:
            name, n = f"{base}_{n}", n + 1
        names.add(name)
        found.append(Placeholder(name, f"{what} of {label} {attr}"))
        return "${env." + name + "}"

    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, _, password = userinfo.partition(":")
        shown = hole("USER", "the user name") if user else ""
        if password:
            shown += ":" + hole("PASSWORD", "the password")
        netloc = f"{shown}@{host}"
    query = parts.query
    if query:
        pairs = []
        for key, value in parse_qsl(query, keep_blank_values=True):
            if value and (SECRET_PARAM.search(key) or SECRET_VALUE.match(value)):
                pairs.append(f"{quote(key)}={hole(key, f'query parameter {key!r}')}")
            else:
                pairs.append(f"{quote(key)}={quote(value, safe='/:$,')}" if value else quote(key))
        query = "&".join(pairs)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def render_file(section: str, entries: Sequence[Any], header: Sequence[str]) -> str:
    """One manifest file: the header comment, then ``section:`` and its entries."""
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never fold a long URL
    out = io.StringIO()
    yaml.dump({section: [_styled(entry) for entry in entries]}, out)
    comments = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header)
    return comments + out.getvalue()


def _styled(value: Any) -> Any:
    """Mappings in block style; lists of scalars and small flat mappings (events, options)
    in flow style, as the examples are written."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _styled(item)
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_styled(v) for v in value)
        if all(_small(v) for v in value):
            seq.fa.set_flow_style()
            for item in seq:
                if isinstance(item, CommentedMap):
                    item.fa.set_flow_style()
        return seq
    return value


def _small(value: Any) -> bool:
    if isinstance(value, dict):
        return len(value) <= 2 and not any(isinstance(v, (dict, list)) for v in value.values())
    return not isinstance(value, list)


def write_files(files: Mapping[str, str], out: Path, *, force: bool) -> list[Path]:
    """Write ``files`` into ``out``; without ``force`` refuse, before writing anything, when
    one of them exists."""
    targets = [out / name for name in files]
    existing = [str(p) for p in targets if p.exists()]
    if existing and not force:
        raise ConfigError(
            f"not overwriting {', '.join(existing)}: pass --force to replace them, or export "
            "elsewhere with --out DIR"
        )
    out.mkdir(parents=True, exist_ok=True)
    for path, text in zip(targets, files.values(), strict=True):
        path.write_text(text, encoding="utf-8")
    return targets


def export_files(result: Export, source: str, when: str) -> dict[str, str]:
    """File name -> text, one file per section, each with its header comment."""
    files = {}
    for section, entries in result.sections.items():
        count = len(entries)
        header = [
            f"Exported by `acr export` from {source} on {when}.",
            f"{count} {section if count != 1 else section.rstrip('s')}. Planning these "
            "manifests against that account shows no changes.",
        ]
        mine = [p for p in result.placeholders if p.section == section]
        if mine:
            header += [
                "",
                "Set these environment variables first (their values were not exported):",
            ]
            header += [f"  {p.name}: {p.what}" for p in mine]
        files[f"{section}.yaml"] = render_file(section, entries, header)
    return files


__all__ = ["Export", "export_files", "Placeholder", "export_account", "render_file", "write_files"]
