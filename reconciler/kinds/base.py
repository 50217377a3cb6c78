"""The kind contract: what one kind of configuration must provide to take part in acr.

A kind (tag, list, field, pipeline, stage, webhook, deal field) lives in one module of this
package and registers one ``Kind`` instance. Everything else in acr works through this contract:

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

A kind declares its attributes once, as a table of ``Attr`` (``Kind.attributes``): the
manifest key, the API key, how the API's value reads and is written, whether it is always
managed or only when set, whether it names another kind's objects (``ref``) and whether it is
fixed once the object exists. ``ref_attrs`` and ``fixed`` are derived from the table, and so
are the desired attributes of an entry, a row's attributes, the payloads, and ``create``
(with the look-up the client makes after an ambiguous failure), ``update`` and ``delete``
over ``path`` and ``envelope``. A kind overrides a hook only where it differs: an attribute
with no ``api`` key (a field's options, a webhook's list) is read and written by the kind.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from reconciler.errors import PlanError
from reconciler.kinds.values import as_bool, as_str, same
from reconciler.objects import Extra, Obj, Raw, Ref
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


@dataclass(frozen=True)
class Attr:
    """One attribute of a kind: its manifest key and API key, and how its values travel.

    ``read`` turns the API's value into the compared one (``empty`` is what a null or ""
    reads as, when that is not ``read``'s own answer); ``write`` turns it back for a payload
    (flags go as 0/1). ``given`` turns the manifest's value into the compared one (a set of
    events, sorted). ``always``: managed with the spec's default when the entry leaves it
    out; otherwise managed only when set (the live value is left alone, a create takes the
    API's default, or ``create_default``). ``ref`` names the kind whose objects the value
    names by key; ``fixed``: it cannot change in place (``Kind.replace``). ``api`` None: the
    kind reads and writes the attribute itself (a field's options, a webhook's list).
    """

    name: str
    api: str | None
    read: Callable[[Any], Any] = as_str
    write: Callable[[Any], Any] = same
    given: Callable[[Any], Any] = same
    empty: Any = None
    always: bool = True
    create_default: Any = None
    ref: str | None = None
    fixed: bool = False


FLAG: dict[str, Any] = {"read": as_bool, "write": int}  # Attr(..., **FLAG): a 0/1 flag

E = TypeVar("E", bound=Extra)


def extra_of(obj: Obj, cls: type[E]) -> E:
    """``obj``'s details of type ``cls``, or the defaults when it has none (an object built
    elsewhere, a replacement's renamed copy)."""
    return obj.extra if isinstance(obj.extra, cls) else cls()


class Kind:
    """One kind of configuration. Subclasses set the class attributes, declare their
    ``attributes`` and override the hooks where the table does not say it all."""

    name: ClassVar[str]  # "tag": the kind's name in plans and JSON
    section: ClassVar[str]  # "tags": the manifest section and the prune policy name
    collection: ClassVar[str]  # the API collection read for it ("tags", "dealGroups")
    # Where the kind goes among kinds that do not depend on each other (in plans, sections,
    # exports): lower first, then by name. The seven standard kinds use 10 to 70.
    place: ClassVar[int] = 100
    # Every collection ``normalise`` needs; read only when the kind's section is managed or
    # pruned, or a managed object names one of its objects [R2]. Defaults to ``collection``.
    reads: ClassVar[tuple[str, ...]] = ()
    # What a 403 on one of ``reads`` means, for the error: "Deals access" [R2].
    access: ClassVar[str | None] = None
    access_paths: ClassVar[tuple[str, ...]] = ()  # the paths that need ``access``
    spec: ClassVar[type[Spec]]  # the manifest entry model
    depends_on: ClassVar[tuple[str, ...]] = ()  # kinds whose objects must exist first
    child_of: ClassVar[str | None] = None  # a kind whose desired objects come from a parent
    dependents: ClassVar[str | None] = None  # what a delete loses: "deals", "contacts"
    # When set, a delete that would take records with it is refused (safety.assess), and
    # this says what to do instead; a delete whose count is unknown is refused too.
    loss_advice: ClassVar[str | None] = None

    attributes: ClassVar[tuple[Attr, ...]] = ()  # the table, in the order plans show them
    identity: ClassVar[str]  # the attribute whose value is the key and the label
    path: ClassVar[str]  # "/tags": creates POST here, updates and deletes go to path/id
    envelope: ClassVar[str]  # "tag": the key that wraps one object in bodies and answers
    # After an ambiguous create: the search parameter of ``GET path`` and the attribute it
    # takes (the key when the desired object does not manage it); rows match by key.
    search: ClassVar[tuple[str, str]] = ("filters[name]", "name")
    update_sends: ClassVar[Literal["changed", "all"]] = "changed"  # "all": PUT replaces
    update_method: ClassVar[Literal["put", "patch"]] = "put"

    # Derived from ``attributes``: attributes that cannot change in place (a field's type
    # [R9], see ``replace``), and those that name objects of another kind ({"lists": "list"}).
    fixed: ClassVar[tuple[str, ...]] = ()
    ref_attrs: ClassVar[Mapping[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.fixed = tuple(attr.name for attr in cls.attributes if attr.fixed)
        cls.ref_attrs = {attr.name: attr.ref for attr in cls.attributes if attr.ref}

    # -- identity --------------------------------------------------------------------------

    def key(self, values: Mapping[str, Any]) -> str:
        """The identity of an object with these attribute values (desired or live)."""
        return str(values[self.identity])

    def label(self, values: Mapping[str, Any]) -> str:
        """How plans name the object."""
        return str(values[self.identity])

    # -- manifest entry -> desired objects -------------------------------------------------

    def desired(self, spec: Any, source: str) -> list[Obj]:
        """The desired objects for one manifest entry (a pipeline also yields its stages)."""
        values = self.values(spec)
        return [
            Obj(
                kind=self.name,
                key=self.key(values),
                label=self.label(values),
                attrs=self.managed(spec, values),
                source=source,
                aliases=self.aliases(spec, values),
                refs=self.refs(values),
            )
        ]

    def values(self, spec: Any, **known: Any) -> dict[str, Any]:
        """Every attribute's desired value, in table order: from ``known`` (what the entry
        does not hold under the attribute's name: a stage's position, a computed perstag),
        else the spec's field of the same name through ``given``."""
        return {
            attr.name: known[attr.name]
            if attr.name in known
            else attr.given(getattr(spec, attr.name))
            for attr in self.attributes
        }

    def managed(self, spec: Any, values: Mapping[str, Any]) -> dict[str, Any]:
        """The attributes a manifest entry manages: the ``always`` ones, and the others
        when the entry sets them to a value (null is the same as leaving the key out)."""
        given = spec.model_fields_set
        return {
            attr.name: values[attr.name]
            for attr in self.attributes
            if attr.always or (attr.name in given and getattr(spec, attr.name) is not None)
        }

    def aliases(self, spec: Any, values: Mapping[str, Any]) -> tuple[str, ...]:
        """The keys of ``renamed_from``: the identity attribute under each earlier value."""
        return tuple(self.key({**values, self.identity: old}) for old in spec.renamed_from)

    def refs(self, values: Mapping[str, Any]) -> tuple[Ref, ...]:
        """The objects the desired attributes name (``Attr.ref``), which must exist first."""
        out: list[Ref] = []
        for name, kind in self.ref_attrs.items():
            value = values.get(name)
            names = value if isinstance(value, list) else [value] if value else []
            out += [(kind, str(key)) for key in names]
        return tuple(out)

    # -- API rows -> live objects ----------------------------------------------------------

    def normalise(self, raw: Raw) -> list[Obj]:
        """The live objects of this kind from the collections read."""
        return [self.live(row) for row in raw[self.collection].items]

    def read_row(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The attributes of one API row that the table maps (``api`` set), in table order."""
        out = {}
        for attr in self.attributes:
            if attr.api is not None:
                value = row.get(attr.api)
                empty = attr.empty is not None and (value is None or value == "")
                out[attr.name] = attr.empty if empty else attr.read(value)
        return out

    def live(self, row: Mapping[str, Any], **hooked: Any) -> Obj:
        """A live object from one row; ``hooked``: the attributes the kind reads itself."""
        attrs = {**self.read_row(row), **hooked}
        return Obj(self.name, self.key(attrs), self.label(attrs), attrs, id=str(row["id"]))

    # -- plans -----------------------------------------------------------------------------

    def describe_delete(self, obj: Obj, count: int) -> str | None:
        """What goes with ``obj`` when it is deleted (``count`` from ``count_dependents``)."""
        return None

    def absorber(self, gone: Obj, siblings: Sequence[Obj]) -> Obj | None:
        """The desired sibling that takes over what hangs off ``gone``, a live child that its
        parent's entry no longer lists, before ``gone`` is deleted (the stage whose
        ``absorbs`` names it); None: nothing moves, the delete takes it."""
        return None

    def describe_move(self, into: Obj, count: int) -> str:
        """The plan's note for a delete whose dependents move to ``into`` first; ``count``
        is 0 until they are counted."""
        return f'{self.dependents or "its contents"} move to "{into.label}" first'

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

    # -- writes ----------------------------------------------------------------------------

    def payload(
        self, attrs: Mapping[str, Any], ids: Ids, live: Obj | None = None
    ) -> dict[str, Any]:
        """The body inside the envelope for ``attrs``: each mapped attribute that has a
        value, under its API key through ``write``. ``live``: the object an update changes
        (None on create), for a kind that writes an attribute itself."""
        return {
            attr.api: attr.write(attrs[attr.name])
            for attr in self.attributes
            if attr.api is not None and attrs.get(attr.name) is not None
        }

    def finder(self, api: Api, change: Change) -> Finder:
        """The look-up the client makes after a create failed ambiguously: one search
        (``search``), answering the first row whose key is the change's, as a create would."""
        assert change.desired is not None
        param, name = self.search
        value = change.desired.attrs.get(name, change.key)

        async def find() -> Any:
            found = await api.get(self.path, {param: value, "limit": 100})
            return self.found(found.get(self.path.strip("/"), []), found, change)

        return find

    def found(self, rows: Sequence[Mapping[str, Any]], answer: Any, change: Change) -> Any:
        """The answer a create would have given, from rows looked up; None: not there."""
        for row in rows:
            if self.key(self.read_row(row)) == change.key:
                return {self.envelope: row}
        return None

    async def post(self, api: Api, change: Change, ids: Ids) -> tuple[str, Any]:
        """``POST path`` of the desired object (never re-sent blindly: see ``finder``);
        the new id and the answer. Attributes left out take their ``create_default``."""
        assert change.desired is not None
        defaults = {
            attr.api: attr.write(attr.create_default)
            for attr in self.attributes
            if attr.api is not None and attr.create_default is not None
        }
        body = {**defaults, **self.payload(change.desired.attrs, ids)}
        answer = await api.create(self.path, {self.envelope: body}, find=self.finder(api, change))
        return str(answer[self.envelope]["id"]), answer

    async def create(self, api: Api, change: Change, ids: Ids) -> str:
        """Create the object; record any ids it brings along; return its new id."""
        return (await self.post(api, change, ids))[0]

    async def update(self, api: Api, change: Change, ids: Ids) -> None:
        """Make the live object match the desired attributes named in ``change.diff``:
        the changed ones (or all, ``update_sends``) in one PUT or PATCH; nothing is sent
        when none of them is mapped (a field whose options alone changed)."""
        assert change.desired is not None
        attrs = change.desired.attrs
        if self.update_sends == "changed":
            changed = {d.path for d in change.diff}
            attrs = {k: v for k, v in attrs.items() if k in changed}
        body = self.payload(attrs, ids, change.live)
        if not body:
            return
        send = api.patch if self.update_method == "patch" else api.put
        await send(f"{self.path}/{live_id(change, ids)}", {self.envelope: body})

    async def delete(self, api: Api, change: Change, ids: Ids) -> None:
        """Delete the live object (moving what hangs off it first, when the plan says so)."""
        await api.delete(f"{self.path}/{live_id(change, ids)}")


def live_id(change: Change, ids: Ids) -> str:
    """The live id of a change's object: read with the plan, or made earlier in the run."""
    return change.id or ids[change.ref]
