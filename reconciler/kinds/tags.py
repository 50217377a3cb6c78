"""Tags: ``/tags``. Identity is (type, name case-folded): the API keeps one tag per type and
name, and reports duplicates case-insensitively [V-2nd]."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from reconciler.kinds.base import Attr, Kind, Obj, Reads, Spec
from reconciler.kinds.values import as_int
from reconciler.words import plural


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
    place = 10
    spec = TagSpec
    dependents = "contacts"
    attributes = (
        Attr("name", "tag"),
        Attr("type", "tagType", empty="contact"),
        Attr("description", "description"),
    )
    identity = "name"
    path = "/tags"
    envelope = "tag"
    search = ("search", "name")
    update_sends = "all"

    def key(self, values: Mapping[str, Any]) -> str:
        return tag_key(values["type"], values["name"])

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
