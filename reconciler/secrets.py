"""What acr shows in place of secrets (pure).

Two kinds of secret, two rules:

- ``${env.NAME}`` values are masked *where they were substituted*. The manifest loader
  records, for every string that used one, its shown form (the string with each
  ``${env.NAME}`` left as written) next to its value; a desired ``Obj`` carries its
  attributes in that shown form (``Obj.shown``). Plans, renderers, fingerprints and saved
  plans read only the shown form. Nothing here looks for a secret's text inside other text:
  a one-letter secret cannot turn ``webhook`` into ``webh${env.X}k``.
- Credentials in URLs: in a URL that is not plain text in the manifests (a live value, an
  error, a journal line), query values and user-info are masked as ``***``.

``show_diff`` puts the two together for one changed attribute, and says when only a secret
changed. ``mask_text`` is for free text (errors, tracebacks, the journal).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reconciler.objects import AttrDiff, Obj

MASK = "***"
_REFERENCE = re.compile(r"\$\{env\.[A-Za-z_][A-Za-z0-9_]*\}")
_URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<authority>[^/?#\s\"'<>]*)"
                  r"(?P<rest>[^\s\"'<>]*)")  # fmt: skip


# --- ${env.NAME}: the shown form of desired objects -----------------------------------------


def shown_attrs(
    attrs: Mapping[str, Any], uses: Mapping[str, str]
) -> tuple[dict[str, Any], set[str]]:
    """``attrs`` with every string that a substitution produced (a key of ``uses``: value ->
    shown form) replaced, whole, by its shown form; and the values that were found."""
    found: set[str] = set()

    def walk(value: Any) -> Any:
        if isinstance(value, str) and value in uses:
            found.add(value)
            return uses[value]
        if isinstance(value, Mapping):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(v) for v in value]
        return value

    return {name: walk(value) for name, value in attrs.items()}, found


def names_object(obj: Obj, value: str) -> bool:
    """Whether ``value`` is part of how ``obj`` is named or names others: its label, key,
    earlier names or references. Plans and messages print those, so no secret may be one."""
    folded = value.casefold().strip()
    names = [obj.label, obj.label.rsplit(" / ", 1)[-1], obj.key, *obj.aliases]
    names += [key for _, key in obj.refs]
    names += [name.rsplit(":", 1)[-1].rsplit("/", 1)[-1] for name in (obj.key, *obj.aliases)]
    return value in names or folded in {name.casefold().strip() for name in names}


def shown(obj: Obj) -> Mapping[str, Any]:
    """The attributes of ``obj`` as acr shows them."""
    return obj.attrs if obj.shown is None else obj.shown


# --- one changed attribute ------------------------------------------------------------------


def show_diff(diff: AttrDiff, desired: Obj | None) -> tuple[Any, Any, bool]:
    """The live and desired values of ``diff`` as shown, and whether only a secret changed.

    The desired side is its shown form. The live side is the account's value, with URL
    credentials masked unless the manifests hold them as plain text; where the manifests put
    a secret, a live value that reads like the shown form with other text in place of each
    ``${env.NAME}`` is shown as that same form, and any other live value there is hidden."""
    after = diff.after
    if desired is not None and desired.shown is not None:
        after = desired.shown.get(diff.path, diff.after)
    before = _show_live(diff.before, diff.after, after)
    return before, after, diff.before != diff.after and before == after


def _show_live(live: Any, real: Any, shown_form: Any) -> Any:
    if shown_form == real:  # no secret here: mask URL credentials the manifests do not hold
        return mask_urls(live, plain=_plain_pieces(real))
    if isinstance(shown_form, str):
        if isinstance(live, str) and _template(shown_form).fullmatch(live):
            return shown_form
        if isinstance(live, str) and _secrets_only_in_credentials(shown_form):
            return mask_url(live)
        return MASK
    if isinstance(live, list | tuple) and isinstance(shown_form, list) and isinstance(real, list):
        pairs = list(zip(real, shown_form, strict=True))
        return [_show_item(item, pairs) for item in live]
    if isinstance(live, Mapping) and isinstance(shown_form, Mapping) and isinstance(real, Mapping):
        return {k: _show_live(v, real.get(k), shown_form.get(k)) for k, v in live.items()}
    return MASK


def _show_item(item: Any, pairs: list[tuple[Any, Any]]) -> Any:
    """A live item of a list that holds secrets: as the desired item it equals or stands
    for, else hidden (it may be an old secret)."""
    for real, shown_form in pairs:
        if item == real:
            return shown_form
    for real, shown_form in pairs:
        if real != shown_form and _show_live(item, real, shown_form) == shown_form:
            return shown_form
    return MASK


def _template(shown_form: str) -> re.Pattern[str]:
    """``shown_form`` as a pattern in which each ``${env.NAME}`` stands for any text."""
    pieces = _REFERENCE.split(shown_form)
    return re.compile("(.+)".join(re.escape(piece) for piece in pieces), re.DOTALL)


def _secrets_only_in_credentials(shown_form: str) -> bool:
    """Whether the ``${env.NAME}`` references of a URL are all in its user-info or query
    values, the parts ``mask_url`` hides."""
    match = _URL.fullmatch(shown_form)
    if match is None:
        return False
    userinfo, _, host = match.group("authority").rpartition("@")
    path, _, query = match.group("rest").partition("#")[0].partition("?")
    return not _REFERENCE.search(match.group("scheme") + host + path) and not any(
        _REFERENCE.search(piece.partition("=")[0]) for piece in query.split("&")
    )


# --- credentials in URLs --------------------------------------------------------------------


def mask_url(url: str, plain: Collection[str] = ()) -> str:
    """``url`` with its user-info and query values as ``***``, except the pieces in
    ``plain`` (``name=value`` query pieces and user-infos the manifests hold as plain text).
    Text that is not a URL comes back unchanged."""
    match = _URL.fullmatch(url)
    if match is None:
        return url
    authority = match.group("authority")
    if "@" in authority:
        userinfo, _, host = authority.rpartition("@")
        kept = userinfo in plain or _shown_only(userinfo)
        authority = f"{userinfo if kept else MASK}@{host}"
    rest, hash_, fragment = match.group("rest").partition("#")
    path, question, query = rest.partition("?")
    if query:
        query = "&".join(_mask_piece(piece, plain) for piece in query.split("&"))
    return f"{match.group('scheme')}{authority}{path}{question}{query}{hash_}{fragment}"


def _mask_piece(piece: str, plain: Collection[str]) -> str:
    name, eq, value = piece.partition("=")
    if piece in plain or (eq and not value) or not piece or _shown_only(value or name):
        return piece
    return f"{name}={MASK}" if eq else MASK


def _shown_only(text: str) -> bool:
    """Whether ``text`` is already a shown form: only ``${env.NAME}`` references."""
    return bool(text) and not _REFERENCE.sub("", text)


def mask_urls(value: Any, plain: Collection[str] = ()) -> Any:
    """``value`` (any JSON-like data) with every URL string masked by ``mask_url``."""
    if isinstance(value, str):
        return mask_url(value, plain) if _URL.fullmatch(value) else value
    if isinstance(value, Mapping):
        return {k: mask_urls(v, plain) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_urls(v, plain) for v in value]
    return value


def mask_text(text: str) -> str:
    """Free text (an error, a traceback, a journal line) with the credentials of every URL
    in it masked."""
    return _URL.sub(lambda match: mask_url(match.group(0)), text)


def _plain_pieces(value: Any) -> set[str]:
    """The user-infos and ``name=value`` query pieces of the URLs in ``value``."""
    out: set[str] = set()
    for text in _strings(value):
        match = _URL.fullmatch(text)
        if match is None:
            continue
        userinfo, at, _ = match.group("authority").rpartition("@")
        if at:
            out.add(userinfo)
        query = match.group("rest").partition("#")[0].partition("?")[2]
        out.update(piece for piece in query.split("&") if piece)
    return out


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
