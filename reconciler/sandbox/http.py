"""What every route shares: request envelopes, paging, filters and ActiveCampaign's error shapes.

Error shapes [V-docs OAS unless marked]: 404 ``{"message": "No Result found for Tag with id
9"}``; validation 422 ``{"errors": [{"title", "detail", "code", "source": {"pointer"}}]}``.
Handlers raise ``ApiProblem``; the app turns it into the response.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from reconciler.sandbox.records import Row
from reconciler.sandbox.store import Account, Connection

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
SCOPE_CONNECTION = "acr.sandbox.connection"

_FILTER = re.compile(r"^filters\[(\w+)\](?:\[(\w+)\])?$")
_ORDER = re.compile(r"^orders\[(\w+)\]$")


class ApiProblem(Exception):
    """An error answer: raised anywhere in a handler, rendered by the app."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}

    def response(self) -> Response:
        return JSONResponse(self.body, status_code=self.status, headers=self.headers)


def reply(body: Any, status: int = 200) -> Response:
    return JSONResponse(body, status_code=status)


def deleted() -> Response:
    """DELETE answers 200 with ``{}``, not 204 [V-docs OAS; V-2nd MATON notes]."""
    return JSONResponse({}, status_code=200)


def not_found(entity: str, ident: object) -> ApiProblem:
    return ApiProblem(404, {"message": f"No Result found for {entity} with id {ident}"})


def error(title: str, detail: str, code: str, attribute: str | None = None) -> dict[str, Any]:
    """One entry of a 422 ``errors`` array."""
    entry: dict[str, Any] = {"title": title, "detail": detail, "code": code}
    if attribute is not None:
        entry["source"] = {"pointer": f"/data/attributes/{attribute}"}
    return entry


def invalid(*errors: dict[str, Any]) -> ApiProblem:
    return ApiProblem(422, {"errors": list(errors)})


def field_invalid(resource: str, attribute: str, detail: str) -> ApiProblem:
    # [INF] shape of AC's attribute errors ("field_missing"/"field_invalid" codes with a pointer).
    return invalid(
        error(f"The {resource} {attribute} is invalid.", detail, "field_invalid", attribute)
    )


def require(attrs: Row, resource: str, *names: str) -> None:
    """422 listing every required attribute that is missing or empty."""
    missing = [name for name in names if attrs.get(name) in (None, "", [])]
    if missing:
        raise invalid(
            *(
                error(f"The {resource} {name} was not provided.", "", "field_missing", name)
                for name in missing
            )
        )


def require_given(attrs: Row, resource: str, *names: str) -> None:
    """On update: those of ``names`` that are given must not be empty."""
    require(attrs, resource, *(name for name in names if name in attrs))


def duplicate(title: str, detail: str, attribute: str | None = None) -> ApiProblem:
    """The 422 ``duplicate`` error: another row already has the value."""
    return invalid(error(title, detail, "duplicate", attribute))


def same_text(have: str, want: str) -> bool:
    return have.casefold() == want.casefold()


def taken(rows: Iterable[Row], column: str, value: str, ident: int | None = None) -> bool:
    """Whether a row other than ``ident`` (the one being updated; None on create) already
    holds ``value`` in ``column``, compared case-insensitively."""
    return any(row["id"] != ident and same_text(row[column], value) for row in rows)


def connection_of(request: Request) -> Connection:
    connection: Connection = request.scope[SCOPE_CONNECTION]
    return connection


def account_of(request: Request) -> Account:
    return connection_of(request).account


def path_id(request: Request, entity: str, name: str = "id") -> int:
    """The numeric id in the path; anything else is a 404 like an unknown id."""
    raw = request.path_params[name]
    if not str(raw).isdigit():
        raise not_found(entity, raw)
    return int(raw)


def fetch(account: Account, table: str, entity: str, ident: int) -> Row:
    row = account.get(table, ident)
    if row is None:
        raise not_found(entity, ident)
    return row


async def body_json(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiProblem(400, {"message": "The request body is not valid JSON."}) from None


async def envelope(request: Request, key: str) -> Row:
    """The attributes inside ``{key: {...}}``. An empty body gives ``{}``; a body without the
    envelope, or with a non-object inside it, is a 422 naming the expected envelope."""
    data = await body_json(request)
    if data == {}:
        return {}
    if not isinstance(data, dict) or key not in data:
        raise invalid(
            error(
                f"The request has no {key} object.",
                f'Send the attributes inside {{"{key}": {{...}}}}.',
                "field_missing",
            )
        )
    attrs = data[key]
    if not isinstance(attrs, dict):
        raise invalid(
            error(
                f"The {key} must be an object.",
                f'"{key}" must hold an object of attributes.',
                "field_invalid",
            )
        )
    return attrs


def to_int(value: Any, resource: str, attribute: str) -> int:
    """An integer attribute as clients send it: 3, "3", true/false."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise field_invalid(resource, attribute, f"{attribute} must be an integer, got {value!r}.")


def to_str(value: Any, resource: str, attribute: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise field_invalid(resource, attribute, f"{attribute} must be a string, got {value!r}.")


def text(value: Any) -> str | None:
    """A value as GET shows it: numbers and flags as strings, null stays null."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def ids(rows: Iterable[Row]) -> list[str]:
    return [str(row["id"]) for row in rows]


def int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or not raw.strip().lstrip("-").isdigit():
        return None
    return int(raw)


def page(
    request: Request, rows: list[Row], *, zero_means_all: bool = False
) -> tuple[list[Row], int]:
    """One page of ``rows`` and the total: ``limit`` default 20, capped at 100 [V-docs PAG]."""
    limit = int_param(request, "limit")
    if zero_means_all and limit is not None and limit <= 0:
        return rows, len(rows)  # /fieldRels: limit 0 or negative returns all [V-docs]
    if limit is None or limit <= 0:
        limit = DEFAULT_LIMIT  # [INF] what other endpoints do with 0 is not documented
    offset = max(int_param(request, "offset") or 0, 0)
    limit = min(limit, MAX_LIMIT)
    return rows[offset : offset + limit], len(rows)


def meta(total: int, *, number: bool = False) -> dict[str, Any]:
    """``meta.total`` is a string on most endpoints, a number on a few [V-docs OAS]."""
    return {"total": total if number else str(total)}


Getter = Callable[[Row], Any]


def _matches(value: Any, op: str, wanted: str) -> bool:
    have = "" if value is None else str(value).casefold()
    want = wanted.casefold()
    tests: dict[str, Callable[[], bool]] = {
        "eq": lambda: have == want,
        "neq": lambda: have != want,
        "contains": lambda: want in have,
        "starts_with": lambda: have.startswith(want),
        "lt": lambda: have < want,
        "lte": lambda: have <= want,
        "gt": lambda: have > want,
        "gte": lambda: have >= want,
    }
    return tests.get(op, tests["eq"])()


def filtered(
    request: Request, rows: list[Row], filters: dict[str, tuple[Getter, str]]
) -> list[Row]:
    """Apply ``filters[name]`` / ``filters[name][op]`` for the names the endpoint supports;
    ``filters`` maps a name to (getter, the operator used when none is given). Unsupported
    filters are ignored, as the API does [V-docs PAG: not all fields are filterable]."""
    for key, wanted in request.query_params.multi_items():
        found = _FILTER.match(key)
        if not found or found.group(1) not in filters:
            continue
        getter, default_op = filters[found.group(1)]
        op = found.group(2) or default_op
        rows = [row for row in rows if _matches(getter(row), op, wanted)]
    return rows


def ordered(request: Request, rows: list[Row], orders: dict[str, Getter]) -> list[Row]:
    """Rows in id order, then sorted by each supported ``orders[name]=ASC|DESC``, first wins."""
    keys = [
        (found.group(1), value.upper() == "DESC")
        for key, value in request.query_params.multi_items()
        if (found := _ORDER.match(key)) and found.group(1) in orders
    ]
    for name, descending in reversed(keys):
        getter = orders[name]
        rows = sorted(rows, key=lambda row: str(getter(row) or "").casefold(), reverse=descending)
    return rows
