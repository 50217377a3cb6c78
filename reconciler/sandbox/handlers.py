"""What every resource's handlers share: finding the row a path names, reading a create's or
an update's attributes, a page of rows, and the get-one, delete-one and list-all handlers and
routes that differ only by resource.

A ``Resource`` is one kind of row. Its ``table`` is at once the store table, the path
(``/{table}`` and ``/{table}/{id}``) and the key of a page of rows; ``entity`` is the name a
404 gives it (``No Result found for {entity} with id 9``); ``key`` wraps one row in requests
and answers (``{"tag": {...}}``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from reconciler.sandbox.http import (
    account_of,
    deleted,
    envelope,
    fetch,
    meta,
    page,
    path_id,
    reply,
    require,
    require_given,
    to_int,
)
from reconciler.sandbox.records import Row
from reconciler.sandbox.store import Account

Endpoint = Callable[[Request], Awaitable[Response]]
View = Callable[[Account, Row], Any]
RowView = Callable[[Row], Any]
Cleaner = Callable[[Row], Row]
Dependent = tuple[str, str]


def by_row(view: RowView) -> View:
    """A view that needs only the row, called as the handlers call views: with the account."""
    return lambda _account, row: view(row)


def _not_of(column: str, ident: int) -> Callable[[Row], bool]:
    return lambda row: row[column] != ident


def remove_with(
    account: Account, table: str, ident: int, dependents: Iterable[Dependent] = ()
) -> None:
    """Remove row ``ident`` of ``table`` after the rows that go with it: those of each
    dependent ``(table, column)`` whose ``column`` holds ``ident``."""
    for other, column in dependents:
        account.remove_where(other, _not_of(column, ident))
    account.remove(table, ident)


@dataclass(frozen=True)
class Resource:
    """One kind of row: its ``table`` (and path), its 404 ``entity`` and its ``key``."""

    table: str
    entity: str
    key: str

    def one(self, request: Request) -> tuple[Account, Row]:
        """The account and the row whose id is in the path; a 404 naming ``entity`` if none."""
        account = account_of(request)
        return account, fetch(account, self.table, self.entity, path_id(request, self.entity))

    async def created(self, request: Request, *required: str, clean: Cleaner | None = None) -> Row:
        """A create's attributes, checked by ``clean``; every ``required`` one must be given
        and not empty."""
        attrs = await envelope(request, self.key)
        attrs = clean(attrs) if clean else attrs
        require(attrs, self.key, *required)
        return attrs

    async def created_ids(self, request: Request, *names: str) -> list[int]:
        """A create's id attributes, all required, as integers in the order named."""
        attrs = await self.created(request, *names)
        return [to_int(attrs[name], self.key, name) for name in names]

    async def changed(self, request: Request, *required: str, clean: Cleaner | None = None) -> Row:
        """An update's attributes, checked by ``clean``; those of ``required`` that are given
        must not be empty."""
        attrs = await envelope(request, self.key)
        attrs = clean(attrs) if clean else attrs
        require_given(attrs, self.key, *required)
        return attrs

    def paged(
        self,
        request: Request,
        rows: list[Row],
        view: RowView,
        *,
        number: bool = False,
        zero_means_all: bool = False,
    ) -> Response:
        """One page of ``rows`` as ``{table: [...], "meta": {"total": ...}}``."""
        chunk, total = page(request, rows, zero_means_all=zero_means_all)
        return reply({self.table: [view(row) for row in chunk], "meta": meta(total, number=number)})

    def lister(self, view: View, *, zero_means_all: bool = False) -> Endpoint:
        """GET ``/{table}``: a page of every row, neither filtered nor ordered."""

        async def list_all(request: Request) -> Response:
            account = account_of(request)
            rows = account.rows(self.table)
            return self.paged(request, rows, partial(view, account), zero_means_all=zero_means_all)

        return list_all

    def getter(self, view: View) -> Endpoint:
        """GET ``/{table}/{id}``: ``{key: view}``."""

        async def get_one(request: Request) -> Response:
            account, row = self.one(request)
            return reply({self.key: view(account, row)})

        return get_one

    def deleter(self, *dependents: Dependent, answer: Callable[[], Response] = deleted) -> Endpoint:
        """DELETE ``/{table}/{id}``: the row goes, with its ``dependents`` (see ``remove_with``)."""

        async def delete_one(request: Request) -> Response:
            account, row = self.one(request)
            remove_with(account, self.table, row["id"], dependents)
            return answer()

        return delete_one

    def routes(
        self,
        *,
        index: Endpoint | None = None,
        create: Endpoint | None = None,
        get: Endpoint | None = None,
        update: Endpoint | None = None,
        delete: Endpoint | None = None,
    ) -> list[Route]:
        """The routes of the handlers given, always in this order (a 405's ``Allow`` comes
        from the first route of the path)."""
        member = f"/{self.table}/{{id}}"
        wanted = (
            (f"/{self.table}", "GET", index),
            (f"/{self.table}", "POST", create),
            (member, "GET", get),
            (member, "PUT", update),
            (member, "DELETE", delete),
        )
        return [
            Route(path, handler, methods=[method]) for path, method, handler in wanted if handler
        ]
