from reconciler.diff import diff
from reconciler.hints import add_rename_hints
from reconciler.kinds import standard_kinds

from .helpers import desired, live

KINDS = standard_kinds()


def test_a_delete_and_a_create_with_the_same_other_attributes_get_a_rename_hint():
    have = live(tags=[{"id": "1", "tag": "VIP", "tagType": "contact", "description": "Top"}])
    found = diff(
        desired("tags", name="VIP Customer", description="Top"), have, prune={"tags"}, kinds=KINDS
    )
    hinted = {c.action: c for c in add_rename_hints(found.changes)}
    assert hinted["create"].hint is not None
    assert '`renamed_from: ["VIP"]`' in hinted["create"].hint
    assert "manifests/tags.yaml:1" in hinted["create"].hint
    assert hinted["create"].data["hint"] == hinted["create"].hint


def test_no_hint_when_other_attributes_differ():
    have = live(tags=[{"id": "1", "tag": "VIP", "tagType": "contact", "description": "Top"}])
    found = diff(
        desired("tags", name="New", description="Other"), have, prune={"tags"}, kinds=KINDS
    )
    assert all(c.hint is None for c in add_rename_hints(found.changes))
