"""Tags: ``/tags``. Identity is (type, name case-folded): the API keeps one tag per type and
name, and reports duplicates case-insensitively [V-2nd]."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from reconciler.kinds.base import Api, Ids, Kind, Obj, Raw, Reads, Spec, as_int, as_str, managed
from reconciler.words import plural

if TYPE_CHECKING:
    from reconciler.change import Change


class TagSpec(Spec):
    """A tag: contacts (type contact) or templates (type template) carry it."""

    name: str = Field(min_length=1, description="The tag's name, as contacts show it.")
    type: Literal["contact", "template"] = Field("contact", description="What the tag applies to.")
    description: str = Field("", description="Free text; managed, empty when left out.")
    renamed_from: list[str] = Field(
        default_factory=list, description="Earlier names; the live tag is renamed in place."
    )


def tag_key(tag_type: str, name: str) -> str:
    return f"{tag_type}:{name.casefold().strip()}"


class TagKind(Kind):
    name = "tag"
    section = "tags"
    collection = "tags"
    spec = TagSpec
    dependents = "contacts"

    def desired(self, spec: TagSpec, source: str) -> list[Obj]:
        attrs = {"name": spec.name, "type": spec.type, "description": spec.description}
        return [
            Obj(
                kind=self.name,
                key=tag_key(spec.type, spec.name),
                label=spec.name,
                attrs=managed(spec, attrs, always=("name", "type", "description")),
                source=source,
                aliases=tuple(tag_key(spec.type, old) for old in spec.renamed_from),
            )
        ]

    def normalise(self, raw: Raw) -> list[Obj]:
        return [self._live(row) for row in raw["tags"].items]

    def _live(self, row: dict[str, Any]) -> Obj:
        tag_type = as_str(row.get("tagType")) or "contact"
        name = as_str(row.get("tag"))
        attrs = {"name": name, "type": tag_type, "description": as_str(row.get("description"))}
        return Obj(self.name, tag_key(tag_type, name), name, attrs, id=str(row["id"]))

    def describe_delete(self, obj: Obj, count: int) -> str | None:
        return (
            f"{plural(count, 'contact')} {'loses' if count == 1 else 'lose'} the tag"
            if count
            else None
        )

    async def count_dependents(self, api: Reads, obj: Obj) -> int | None:
        # The collection read has no counts; one GET per tag about to be deleted has
        # subscriber_count [V-docs retrieve-a-tag].
        body = await api.get(f"/tags/{obj.id}")
        return as_int((body.get("tag") or {}).get("subscriber_count"))

    def _payload(self, attrs: Any) -> dict[str, Any]:
        body = {
            "tag": attrs.get("name"),
            "tagType": attrs.get("type"),
            "description": attrs.get("description"),
        }
        return {"tag": {k: v for k, v in body.items() if v is not None}}

    async def create(self, api: Api, change: Change, ids: Ids) -> str:
        assert change.desired is not None
        attrs = change.desired.attrs

        async def find() -> Any:
            found = await api.get("/tags", {"search": attrs["name"], "limit": 100})
            for row in found.get("tags", []):
                if self._live(row).key == change.key:
                    return {"tag": row}
            return None

        body = await api.create("/tags", self._payload(attrs), find=find)
        return str(body["tag"]["id"])

    async def update(self, api: Api, change: Change, ids: Ids) -> None:
        assert change.desired is not None
        await api.put(f"/tags/{change.id}", self._payload(change.desired.attrs))

    async def delete(self, api: Api, change: Change, ids: Ids) -> None:
        await api.delete(f"/tags/{change.id}")
