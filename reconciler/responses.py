"""Reading ActiveCampaign's answers: which key holds a collection's rows, ``meta.total``,
rows without duplicates, and one readable line from any of its error shapes."""

from __future__ import annotations

import json
from typing import Any

import httpx


def collection_key(path: str, page: Any) -> str | None:
    """The key of a collection's rows in one page of ``path``.

    Candidates are the top-level keys other than ``meta`` that hold a list. The first that
    matches wins, case-insensitively: (1) the last path segment (``/dealGroups`` ->
    ``dealGroups``); (2) the segments joined (``/webhook/events`` -> ``webhookEvents``);
    (3) a key ending in the last segment (``/fields/3/options`` -> ``fieldOptions``);
    (4) the only candidate. Numeric segments (ids) are skipped.
    """
    if not isinstance(page, dict):
        return None
    candidates = [k for k, v in page.items() if k != "meta" and isinstance(v, list)]
    segments = [s for s in path.split("?")[0].strip("/").split("/") if s and not s.isdigit()]
    if not segments:
        return candidates[0] if len(candidates) == 1 else None
    last, joined = segments[-1].lower(), "".join(segments).lower()
    for match in (
        lambda k: k.lower() == last,
        lambda k: k.lower() == joined,
        lambda k: k.lower().endswith(last),
    ):
        for name in candidates:
            if match(name):
                return name
    return candidates[0] if len(candidates) == 1 else None


def error_message(body: Any, text: str = "", reason: str = "") -> str:
    """One line from any of ActiveCampaign's error shapes [V-docs OAS, V-2nd GO]: ``message``
    (with ``error``: "Could not process request; Duplicate entry ..."), ``errors`` as a list of
    {title, detail, code, source.pointer} or as a string; else a plain-text body, else the
    HTTP reason."""
    parts: list[str] = []
    if isinstance(body, dict):
        parts = [_text(body[key]) for key in ("message", "error", "errors") if key in body]
    elif body is not None:
        parts = [_text(body)]
    elif text.strip() and not text.lstrip().startswith("<"):  # HTML pages say nothing useful
        parts = [text]
    # {"error": "Bad Request", "message": ...} (Maton's shape [V-2nd MATON]): the status
    # line already says "Bad Request"
    kept = [p for p in parts if p and p.casefold() != reason.casefold()] or parts
    message = " ".join("; ".join(p for p in kept if p).split()) or reason or "no message"
    return message if len(message) <= 500 else f"{message[:497]}..."


def _text(value: Any) -> str:
    """The readable text of one part of an error body, whatever its shape."""
    if isinstance(value, list):
        return "; ".join(t for t in map(_text, value) if t)
    if isinstance(value, dict):
        if not {"title", "detail"} & value.keys():  # {"message": {"rel_id": "... required"}}
            return "; ".join(f"{k}: {t}" for k, t in ((k, _text(v)) for k, v in value.items()) if t)
        title, detail = _text(value.get("title")), _text(value.get("detail"))
        out = ": ".join(p for p in (title, detail if detail != title else "") if p)
        if value.get("code"):
            out += f" [{_text(value['code'])}]"
        source = value.get("source")
        pointer = source.get("pointer") if isinstance(source, dict) else None
        return f"{out} (at {pointer})" if pointer else out
    return "" if value is None else str(value).strip()


def with_hint(text: str, hint: str) -> str:
    """The API's message followed by what to do about it."""
    if text.endswith("."):
        return f"{text} {hint[:1].upper()}{hint[1:]}"
    return f"{text}; {hint}"


def parse_json(response: httpx.Response) -> Any:
    if not response.content.strip():
        return None
    try:
        return response.json()
    except ValueError:  # json.JSONDecodeError and UnicodeDecodeError
        return None


def parse_body(response: httpx.Response) -> Any:
    """A success body; empty or not JSON (DELETE may answer "") gives {} [V-docs OAS]."""
    body = parse_json(response)
    return {} if body is None else body


def shown_path(path: str) -> str:
    return path.split("?", 1)[0]


def total_of(meta: Any) -> int | None:
    """``meta.total``: "5" on most endpoints, 5 on some [V-docs OAS]; None when absent."""
    if not isinstance(meta, dict):
        return None
    try:
        return int(meta["total"])
    except (KeyError, TypeError, ValueError):
        return None


def row_id(row: Any) -> str | None:
    if isinstance(row, dict) and row.get("id") is not None:
        return str(row["id"])
    return None


def tidy_rows(rows: list[Any]) -> list[Any]:
    """Rows without duplicates (by id, else by value), sorted by numeric id when all have one."""
    seen: set[str] = set()
    kept: list[Any] = []
    for row in rows:
        ident = row_id(row)
        mark = f"id:{ident}" if ident is not None else json.dumps(row, sort_keys=True, default=str)
        if mark not in seen:
            seen.add(mark)
            kept.append(row)
    ids = [row_id(row) for row in kept]
    if kept and all(i is not None and i.isdigit() for i in ids):
        kept.sort(key=lambda row: int(row["id"]))
    return kept
