"""Checks of the rows of a sandbox state file before the sandbox serves them.

A state file is written by the sandbox itself, but people edit them, and an old or broken one
must not load and then answer 500 to every request. Each row of a known table must have every
column that the sandbox's own rows of that table have (``records``), with a value of the
column's type; ids are integers, unique in their table. Tables the checks do not know (added
by later versions) only have their ids checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from reconciler.sandbox.records import (
    Row,
    new_contact,
    new_contact_tag,
    new_deal,
    new_field,
    new_field_option,
    new_field_rel,
    new_list,
    new_pipeline,
    new_stage,
    new_tag,
    new_user,
    new_webhook,
)

# Text columns that the routes read as text (names, identities): never null. Other text
# columns may be null (timestamps of default stages, a list's notification addresses).
NAMES = frozenset({"tag", "tagType", "name", "stringid", "title", "perstag", "type", "url"})
NAMES |= {"email", "value", "label", "currency"}
MAX_SHOWN = 5


@cache
def prototypes() -> dict[str, Row]:
    """One row of each table as the sandbox makes it: its columns and their types."""
    text = {"name": "n", "stringid": "s", "sender_url": "u", "sender_reminder": "r"}
    deal = {"title": "t", "group": 1, "stage": 1}
    hook = {"name": "n", "url": "u", "events": [], "sources": []}
    return {
        "tags": new_tag("t"),
        "lists": new_list(text),
        "listGroups": {"list": 1, "group": 1},
        "fields": new_field({"title": "t", "type": "text"}, 1),
        "fieldOptions": new_field_option(1, "v", "l", 1, 0),
        "fieldRels": new_field_rel(1, 0),
        "dealGroups": new_pipeline("t", "usd"),
        "dealGroupUsers": {"dealGroup": 1, "user": 1},
        "dealGroupGroups": {"dealGroup": 1, "group": 1},
        "dealStages": new_stage(1, "t", 1),
        "deals": new_deal(deal),
        "contacts": new_contact("e@example.com"),
        "contactTags": new_contact_tag(1, 1),
        "webhooks": new_webhook(hook),
        "users": new_user(),
    }


def row_problems(table: str, rows: Iterable[Any], where: str) -> list[str]:
    """What is wrong with the rows of ``table``; ``where`` is their place in the file."""
    problems: list[str] = []
    seen: set[int] = set()
    proto = prototypes().get(table)
    for index, row in enumerate(rows):
        at = f"{where}[{index}]"
        if not isinstance(row, dict):
            problems.append(f"{at}: a row must be an object, not {type(row).__name__}")
            continue
        ident = row.get("id")
        if not isinstance(ident, int) or isinstance(ident, bool):
            problems.append(f"{at}: the row has no integer id")
            continue
        if ident in seen:
            problems.append(f"{at}: two {table} rows have id {ident}")
        seen.add(ident)
        if proto is not None:
            problems += [f"{at} (id {ident}): {p}" for p in _column_problems(proto, row)]
    return problems


def _column_problems(proto: Row, row: Row) -> list[str]:
    problems = []
    for column, example in proto.items():
        if column not in row:
            problems.append(f"{column!r} is missing")
            continue
        value = row[column]
        if value is None and (example is None or column not in NAMES):
            continue
        wanted = _type_name(example)
        if wanted and not _fits(example, value):
            problems.append(f"{column!r} must be {wanted}, not {value!r}")
    return problems


def _type_name(example: Any) -> str:
    if isinstance(example, bool):
        return ""
    if isinstance(example, int):
        return "an integer"
    if isinstance(example, str):
        return "a string"
    if isinstance(example, list):
        return "a list"
    return ""  # nullable columns take what the routes store


def _fits(example: Any, value: Any) -> bool:
    if isinstance(example, int):  # the routes keep what a client sent: "1" is tolerated
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and value.lstrip("-").isdigit()
        )
    if isinstance(example, str):
        return isinstance(value, str)
    return isinstance(value, list)


def summarise(problems: list[str]) -> str:
    """The first problems, one a line, and how many more there are."""
    shown = [f"  {p}" for p in problems[:MAX_SHOWN]]
    more = len(problems) - MAX_SHOWN
    if more > 0:
        shown.append(f"  ... and {more} more")
    return "\n".join(shown)
