"""The kind contract: what one kind of configuration must provide to take part in acr.

A kind (tag, list, field, pipeline, stage, webhook) lives in one module of this package and
registers one ``Kind`` instance. Everything else in acr works through this contract:

- the manifest loader validates a section with ``Kind.spec`` (a pydantic model, unknown keys
  forbidden) and turns each entry into a desired ``Obj`` with ``Kind.desired``;
- ``state.read_account`` reads each kind's ``collection`` once (``limit=100``, every page,
  sideloads merged) and turns the raw rows into live ``Obj``s with ``Kind.normalise``;
- ``diff`` matches desired and live objects by ``Obj.key`` (then ``Obj.aliases``, the keys
  of ``renamed_from``) and compares the attributes the desired object manages;
- ``apply`` calls ``create`` / ``update`` / ``delete``, which turn a change into API calls.

Normalised attributes are JSON-like (str, int, bool, None, lists, dicts), with numbers and
booleans coerced from the API's strings, so desired and live compare with ``==``. A desired
object carries only the attributes its manifest manages; a live object carries all of them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

from reconciler.errors import PlanError
from reconciler.objects import Obj, Raw, Ref
from reconciler.objects import RawCollection as RawCollection  # re-exported for the client

if TYPE_CHECKING:
    from reconciler.change import Change


class Api(Protocol):
    """The part of the client a kind's writes use (``client.Client`` implements it)."""

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any: ...
    @abstractmethod
    async def create(self, path: str, body: Any, *, find: Finder | None = None) -> Any: ...
    async def put(self, path: str, body: Any) -> Any: ...
    async def patch(self, path: str, body: Any) -> Any: ...
    @abstractmethod
    async def delete(self, path: str) -> Any: ...


class Reads(Protocol):
    """The part of the client that counting what a change touches uses: reads only."""

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any: ...


# After a create fails ambiguously (timeout, 5xx), the client calls this to look for the
# object on the account before it considers sending the create again.
Finder = Callable[[], Awaitable[Any]]


class Ids(Protocol):
    """Live ids known during apply: from the account as read, and from creates so far.

    ``memo`` holds what one apply run looks up once and shares between changes (the account's
    admin group, the default stages a new pipeline came with); it lives as long as the run.
    """

    memo: dict[Any, Any]

    def __getitem__(self, ref: Ref) -> str: ...
    def __setitem__(self, ref: Ref, value: str) -> None: ...


class Spec(BaseModel):
    """Base of every manifest model: unknown keys are errors, values are not coerced loosely."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Kind(ABC):
    """One kind of configuration. Subclasses set the class attributes and implement the hooks."""

    name: ClassVar[str]  # "tag": the kind's name in plans and JSON
    section: ClassVar[str]  # "tags": the manifest section and the prune policy name
    collection: ClassVar[str]  # the API collection read for it ("tags", "dealGroups")
    # Every collection ``normalise`` needs; read only when the kind's section is managed or
    # pruned, or a managed object names one of its objects [R2]. Defaults to ``collection``.
    reads: ClassVar[tuple[str, ...]] = ()
    # What a 403 on one of ``reads`` means, for the error: "Deals access" [R2].
    access: ClassVar[str | None] = None
    access_paths: ClassVar[tuple[str, ...]] = ()  # the paths that need ``access``
    # Attributes that cannot change in place (a field's type [R9]): see ``replace``.
    fixed: ClassVar[tuple[str, ...]] = ()
    spec: ClassVar[type[Spec]]  # the manifest entry model
    depends_on: ClassVar[tuple[str, ...]] = ()  # kinds whose objects must exist first
    child_of: ClassVar[str | None] = None  # a kind whose desired objects come from a parent
    dependents: ClassVar[str | None] = None  # what a delete loses: "deals", "contacts"
    # When set, a delete that would take records with it is refused (safety.assess), and
    # this says what to do instead; a delete whose count is unknown is refused too.
    loss_advice: ClassVar[str | None] = None
    # Attributes that name objects of another kind by key: {"lists": "list"}.
    ref_attrs: ClassVar[Mapping[str, str]] = {}

    @abstractmethod
    def desired(self, spec: Any, source: str) -> list[Obj]:
        """The desired objects for one manifest entry (a pipeline also yields its stages)."""

    @abstractmethod
    def normalise(self, raw: Raw) -> list[Obj]:
        """The live objects of this kind from the collections read."""

    def describe_delete(self, obj: Obj, count: int) -> str | None:
        """What goes with ``obj`` when it is deleted (``count`` from ``count_dependents``)."""
        return None

    def aside(self, obj: Obj) -> str | None:
        """What plans show beside ``obj``'s label (a field's perstag beside its title)."""
        return None

    def entry(self, obj: Obj, children: Mapping[str, list[Any]]) -> Any:
        """The manifest entry for a live ``obj`` (``acr export``), such that planning it
        against the account shows no change. ``children`` holds the entries of its children
        by kind name (a pipeline's stages), in order. The default is the attributes that
        are set, under their own names: a kind whose attributes are named as its manifest
        keys needs nothing more. Values equal to the spec's defaults are dropped later."""
        return {name: value for name, value in obj.attrs.items() if value is not None}

    def export_order(self, obj: Obj) -> Any:
        """How exported entries sort among their siblings: by key (stages by position)."""
        return obj.key

    def collections(self) -> tuple[str, ...]:
        return self.reads or (self.collection,)

    def create_note(self, obj: Obj, *, parent_new: bool = False) -> str | None:
        """What else a create does, for the plan (a new pipeline's default stages);
        ``parent_new``: the object's parent is created in the same plan."""
        return None

    def replace(self, want: Obj, have: Obj, fixed: Sequence[Any]) -> list[Change]:
        """The changes that replace ``have`` by ``want`` when ``fixed`` attributes differ
        (``AttrDiff``s); raise ``PlanError`` when the manifest did not ask for it. A kind
        that declares ``fixed`` attributes and cannot be replaced keeps this refusal."""
        names = ", ".join(getattr(d, "path", str(d)) for d in fixed)
        where = f" ({want.source})" if want.source else ""
        raise PlanError(
            f'{self.name} "{want.label}"{where}: {names} cannot be changed once the object '
            "exists, and acr cannot replace it; change it back in the manifest, or create a "
            "new object under another name"
        )

    async def check_online(self, api: Reads, objs: Sequence[Obj]) -> list[str]:
        """Problems with the desired ``objs`` that only the account can tell (one webhook
        event list per run); each names the object and its source."""
        return []

    async def count_dependents(self, api: Reads, obj: Obj) -> int | None:
        """How many records (deals, tagged contacts) a delete of ``obj`` would take with it,
        with the cheapest read; None when the account cannot say for sure."""
        return 0

    async def count_narrowing(self, api: Reads, change: Change) -> dict[str, int | None]:
        """What an update that takes something away (a field's options) touches."""
        return {}

    @abstractmethod
    async def create(self, api: Api, change: Change, ids: Ids) -> str:
        """Create the object; record any ids it brings along; return its new id."""

    @abstractmethod
    async def update(self, api: Api, change: Change, ids: Ids) -> None:
        """Make the live object match the desired attributes named in ``change.diff``."""

    @abstractmethod
    async def delete(self, api: Api, change: Change, ids: Ids) -> None:
        """Delete the live object (moving what hangs off it first, when the plan says so)."""


def as_int(value: Any, default: int = 0) -> int:
    """The API's numbers arrive as "3", 3, "" or None."""
    if value is None or value == "":
        return default
    return int(value)


def as_bool(value: Any) -> bool:
    """The API's flags arrive as "1"/"0", 1/0, true/false or None."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def as_str(value: Any) -> str:
    """The API's optional strings arrive as null or ""; both mean empty."""
    return "" if value is None else str(value)


def casefold(text: str) -> str:
    return text.casefold().strip()


def managed(
    spec: BaseModel, values: Mapping[str, Any], always: Sequence[str] = ()
) -> dict[str, Any]:
    """The attributes a manifest entry manages: those it sets, plus the always-managed ones.

    A key left out of a manifest is not managed: acr leaves the live value alone, and a create
    takes the API's default. Keys in ``always`` are managed with their documented default.
    """
    names = set(spec.model_fields_set) | set(always)
    return {name: value for name, value in values.items() if name in names}
