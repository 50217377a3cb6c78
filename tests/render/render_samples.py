"""Hand-made plans for the renderer tests, and the golden-file check.

``sample_plan`` covers every kind and action and each shape of detail line; its webhooks use
a secret (``HOOK_TOKEN``) whose value must never appear in any rendered form.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from reconciler.kinds import standard_kinds
from reconciler.kinds.base import Obj
from reconciler.plan import AttrDiff, Change, Held, Plan, Refusal

KINDS = standard_kinds()

GOLDEN = Path(__file__).parent / "golden"
UPDATE_ENV = "ACR_UPDATE_GOLDEN"

HOOK_TOKEN = "s3cr3t-hook-value-9f2c"
OLD_HOOK_TOKEN = "old-token-1234-abcd"
REFERENCE = "${env.HOOK_TOKEN}"


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with ``golden/<name>``; with ACR_UPDATE_GOLDEN=1, rewrite it instead."""
    path = GOLDEN / name
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} is missing; run with {UPDATE_ENV}=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from its golden file; {UPDATE_ENV}=1 rewrites it"


def create(kind: str, key: str, label: str, source: str, **attrs: Any) -> Change:
    desired = Obj(kind, key, label, attrs, source=source)
    return Change("create", kind, key, label, source=source, desired=desired)


def update(
    kind: str, key: str, label: str, id: str | None, *diff: tuple[str, Any, Any], **more: Any
) -> Change:
    diffs = tuple(AttrDiff(path, before, after) for path, before, after in diff)
    return Change("update", kind, key, label, id=id, diff=diffs, **more)


def with_secret(change: Change, **shown: Any) -> Change:
    """``change`` whose desired object shows ``shown`` in place of the attributes given
    (as the loader records a ${env.NAME} substitution)."""
    attrs = dict(change.desired.attrs) if change.desired else {d.path: d.after for d in change.diff}
    desired = Obj(change.kind, change.key, change.label, attrs, shown={**attrs, **shown})
    return replace(change, desired=desired)


def delete(kind: str, key: str, label: str, id: str, reason: str, **more: Any) -> Change:
    return Change("delete", kind, key, label, id=id, reason=reason, **more)


def field(perstag: str, title: str) -> Obj:
    return Obj("field", perstag, title, {"title": title, "perstag": perstag})


def option(value: str, label: str | None = None) -> dict[str, str]:
    return {"value": value, "label": label or value}


def sample_changes() -> tuple[Change, ...]:
    hook = "https://hooks.example.com/acr?token="
    return (
        create(
            "tag", "contact:vip customer", "VIP Customer", "manifests/tags.yaml:2",
            name="VIP Customer", type="contact", description="High-value customers",
        ),
        update(
            "tag", "contact:newsletter signup", "Newsletter signup", "12",
            ("description", None, "Signed up on the website"),
            source="manifests/tags.yaml:6",
        ),
        create(
            "list", "events", "events", "manifests/lists.yaml:1",
            stringid="events", name="Events", sender_url="https://example.com",
            sender_reminder="You signed up at one of our events.", send_last_broadcast=False,
            carboncopy="", subscription_notify="", unsubscription_notify="",
        ),
        update(
            "list", "newsletter", "newsletter", "3",
            ("name", "News", "Newsletter"),
            ("send_last_broadcast", False, True),
            source="manifests/lists.yaml:9",
        ),
        create(
            "field", "COMPANY_SIZE", "Company size", "manifests/fields.yaml:1",
            title="Company size", perstag="COMPANY_SIZE", type="dropdown", description="",
            default="", options=[option("small", "Small"), option("large", "Large")],
            lists=["events", "newsletter"],
        ),
        update(
            "field", "PLAN", "Plan", "8",
            ("options",
             [option("Basic"), option("pro", "Pro"), option("Legacy")],
             [option("pro", "Pro plan"), option("Basic"), option("Enterprise")]),
            ("lists", "all", ["newsletter"]),
            source="manifests/fields.yaml:12", desired=field("PLAN", "Plan"),
        ),
        update(
            "field", "SEGMENT", "Segment", "9",
            ("options", [option("Startup"), option("SMB")],
             [option("Startup"), option("SMB"), option("Enterprise")]),
            source="manifests/fields.yaml:30", desired=field("SEGMENT", "Segment"),
        ),
        create(
            "pipeline", "onboarding", "Onboarding", "manifests/pipelines.yaml:1",
            title="Onboarding", currency="usd",
        ),
        update(
            "stage", "onboarding/kickoff", "Onboarding / Kickoff", None,
            ("title", "To Contact", "Kickoff"),
            ("color", "18D499", "2ECC71"),
            note='reuses the default stage "To Contact"',
            source="manifests/pipelines.yaml:4",
        ),
        create(
            "stage", "onboarding/training", "Onboarding / Training", "manifests/pipelines.yaml:6",
            title="Training", order=2, width=300,
        ),
        update(
            "stage", "sales/qualified", "Sales / Qualified", "21",
            ("order", 3, 2),
            ("width", 280, 300),
            source="manifests/pipelines.yaml:14",
        ),
        with_secret(create(
            "webhook", "CRM sync", "CRM sync", "manifests/webhooks.yaml:1",
            name="CRM sync", url=hook + HOOK_TOKEN, events=["deal_add", "deal_update"],
            sources=["api", "public"], list="newsletter",
        ), url=hook + REFERENCE),
        with_secret(update(
            "webhook", "Deal alerts", "Deal alerts", "5",
            ("url", hook + OLD_HOOK_TOKEN, hook + HOOK_TOKEN),
            ("events", ["deal_add", "sent"], ["deal_add", "open"]),
            ("list", "newsletter", None),
            source="manifests/webhooks.yaml:9",
        ), url=hook + REFERENCE),
        delete("webhook", "Old hook", "Old hook", "7", "pruned: not in the manifests"),
        delete(
            "stage", "sales/closed won", "Sales / Closed Won", "24",
            'not listed in pipeline "Sales"', note='3 deals move to "Won" first',
            move_to=("stage", "sales/won"), impact={"deals": 3},
        ),
        delete(
            "tag", "contact:trial", "Trial", "40", "pruned: not in the manifests",
            note="12 contacts lose the tag", impact={"contacts": 12},
        ),
        delete(
            "tag", "contact:顧客", "顧客", "41", "pruned: not in the manifests",
            note="1 contact loses the tag", impact={"contacts": 1},
        ),
        delete(
            "tag", "contact:long", "Customers who signed up during the 2024 spring campaign",
            "42", "pruned: not in the manifests",
        ),
    )  # fmt: skip


def sample_plan() -> Plan:
    return Plan(
        kinds=KINDS,
        changes=sample_changes(),
        unmanaged=14,
        target="production",
        endpoint="Maton connection 9e8b…dca",
        inputs={"manifests": "sha256:manifests"},
    )


def refused_plan() -> Plan:
    """A plan the safety gate refused: protected objects, a notice, a hint, refusals."""
    changes = (
        replace(
            create("tag", "contact:vip customer", "VIP Customer", "manifests/tags.yaml:2",
                   name="VIP Customer", type="contact", description="Top"),
            hint='if this is "VIP" renamed, add `renamed_from: ["VIP"]` to it',
        ),
        update("field", "PLAN", "PLAN", "3", ("options", [{"value": "a", "label": "a"}], []),
               impact={"contacts": 4}),
        delete("tag", "contact:vip", "VIP", "1", "pruned: not in the manifests"),
        delete("pipeline", "old", "Old", "2", "pruned: not in the manifests",
               impact={"deals": None}),
    )  # fmt: skip
    refusals = (
        Refusal("count-unknown", 'pipeline "Old": the account cannot say how many deals it '
                "holds", ('pipeline "Old"',)),
        Refusal("delete-limit", "the plan deletes 2 objects, more than policy.max_deletes (1) "
                "allows", needs="--allow-deletes 2"),
    )  # fmt: skip
    return Plan(
        kinds=KINDS,
        changes=changes,
        unmanaged=3,
        target="production",
        inputs={"manifests": "sha256:manifests", "account": "sha256:account"},
        refusals=refusals,
        protected=(Held("tag", "contact:vip gold", "VIP Gold", "9", "tags:VIP*"),),
        notices=("policy.prune names webhooks, but no manifest has a `webhooks:` section",),
    )


def empty_plan(unmanaged: int = 14) -> Plan:
    return Plan(
        kinds=KINDS,
        changes=(),
        unmanaged=unmanaged,
        target="production",
        endpoint="Maton connection 9e8b…dca",
        inputs={"manifests": "sha256:manifests"},
    )


def huge_plan(count: int = 5000) -> Plan:
    """Thousands of creates and updates: far more than a comment can hold."""
    changes = []
    for number in range(count):
        if number % 2:
            changes.append(
                update(
                    "tag",
                    f"contact:tag {number}",
                    f"Tag {number} | with a pipe",
                    str(number),
                    ("description", "old " * 10, f"new description {number}"),
                )
            )
        else:
            changes.append(
                create(
                    "tag",
                    f"contact:tag {number}",
                    f"Tag {number}",
                    f"manifests/tags.yaml:{number}",
                    name=f"Tag {number}",
                    type="contact",
                    description="x" * 40,
                )
            )
    return Plan(kinds=KINDS, changes=tuple(changes), unmanaged=1, target="production")
