"""load_manifests on valid input: every kind and key, files and directories, the digest."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from reconciler.kinds import standard_kinds
from reconciler.manifest import Desired, load_manifests

from .helpers import EXAMPLE, LIST, Write, keys, load, problems

KINDS = standard_kinds()

HOOKS = {"hooks_base": "https://hooks.example.com"}
TOKEN = {"HOOK_TOKEN": "t0ken-value"}


def test_design_example_loads_into_objects_of_every_kind(write: Write) -> None:
    write("manifests/example.yaml", EXAMPLE)
    desired = load("manifests", vars=HOOKS, env=TOKEN)

    assert keys(desired) == [
        ("tag", "contact:vip customer"),
        ("list", "newsletter"),
        ("field", "PLAN"),
        ("pipeline", "sales"),
        ("stage", "sales/lead"),
        ("stage", "sales/qualified"),
        ("stage", "sales/won"),
        ("webhook", "CRM sync"),
    ]
    by_key = {(o.kind, o.key): o for o in desired.objects}
    tag = by_key["tag", "contact:vip customer"]
    assert tag.attrs == {
        "name": "VIP Customer",
        "type": "contact",
        "description": "High-value customers",
    }
    assert tag.aliases == ("contact:vip",)
    assert tag.source == "manifests/example.yaml:3"
    field = by_key["field", "PLAN"]
    assert field.attrs["options"] == [
        {"value": "Free", "label": "Free"},
        {"value": "pro", "label": "Pro"},
    ]
    assert field.attrs["lists"] == "all"
    won = by_key["stage", "sales/won"]
    assert won.attrs == {"title": "Won", "order": 3}
    assert won.extra.absorbs == ("closed won",)
    assert won.parent == "sales"
    assert by_key["stage", "sales/qualified"].attrs["color"] == "32B0FC"
    hook = by_key["webhook", "CRM sync"]
    assert hook.attrs["url"] == "https://hooks.example.com/ac?token=t0ken-value"
    assert hook.attrs["sources"] == ["admin", "public"]
    assert hook.refs == (("list", "newsletter"),)
    assert hook.source == "manifests/example.yaml:35"
    assert desired.secrets == {"HOOK_TOKEN": "t0ken-value"}
    assert desired.files == ("manifests/example.yaml",)


def test_every_key_of_every_kind(write: Write) -> None:
    write(
        "all.yaml",
        """
        tags:
          - {name: Newsletter template, type: template, description: For mails, renamed_from: [Tpl]}
        lists:
          - stringid: customers
            name: Customers
            sender_url: https://example.com/signup
            sender_reminder: You bought from us
            send_last_broadcast: true
            carboncopy: ops@example.com
            subscription_notify: sales@example.com
            unsubscription_notify: churn@example.com
            renamed_from: [clients]
          - stringid: partners
            name: Partners
            sender_url: https://example.com
            sender_reminder: You are a partner
        fields:
          - title: Account tier
            perstag: account tier
            type: radio
            description: Tier of the account
            default: Gold
            options: [Gold, {value: silver, label: Silver}, {value: bronze}]
            lists: [partners, customers]
            renamed_from: [Tier]
          - {title: Notes, type: textarea}
        pipelines:
          - title: Onboarding
            currency: eur
            allgroups: true
            allusers: false
            autoassign: round_robin
            renamed_from: [Setup]
            stages:
              - title: Kickoff
                color: 18d499
                width: 300
                deal_order: next-action ASC
                renamed_from: [Start]
              - {title: Live, absorbs: [Launch, Go live]}
        webhooks:
          - name: Audit
            url: https://audit.example.com/hook
            events: [subscribe, deal_add, subscribe]
            sources: [api, system]
            list: customers
            renamed_from: [Old audit]
        """,
    )
    desired = load("all.yaml")
    by_key = {(o.kind, o.key): o for o in desired.objects}

    tag = by_key["tag", "template:newsletter template"]
    assert tag.attrs == {
        "name": "Newsletter template",
        "type": "template",
        "description": "For mails",
    }
    assert tag.aliases == ("template:tpl",)
    customers = by_key["list", "customers"]
    assert customers.attrs == {
        "stringid": "customers",
        "name": "Customers",
        "sender_url": "https://example.com/signup",
        "sender_reminder": "You bought from us",
        "send_last_broadcast": True,
        "carboncopy": "ops@example.com",
        "subscription_notify": "sales@example.com",
        "unsubscription_notify": "churn@example.com",
    }
    assert customers.aliases == ("clients",)
    tier = by_key["field", "ACCOUNTTIER"]
    assert tier.attrs == {
        "title": "Account tier",
        "perstag": "ACCOUNTTIER",
        "type": "radio",
        "description": "Tier of the account",
        "default": "Gold",
        "options": [
            {"value": "Gold", "label": "Gold"},
            {"value": "silver", "label": "Silver"},
            {"value": "bronze", "label": "bronze"},
        ],
        "lists": ["customers", "partners"],
    }
    assert set(tier.refs) == {("list", "customers"), ("list", "partners")}
    assert "TIER" in tier.aliases
    assert "options" not in by_key["field", "NOTES"].attrs
    onboarding = by_key["pipeline", "onboarding"]
    assert onboarding.attrs == {
        "title": "Onboarding",
        "currency": "eur",
        "allgroups": True,
        "allusers": False,
        "autoassign": "round_robin",
    }
    assert onboarding.aliases == ("setup",)
    kickoff = by_key["stage", "onboarding/kickoff"]
    assert kickoff.attrs == {
        "title": "Kickoff",
        "order": 1,
        "color": "18D499",
        "width": 300,
        "deal_order": "next-action ASC",
    }
    assert kickoff.aliases == ("onboarding/start",)
    assert by_key["stage", "onboarding/live"].extra.absorbs == ("launch", "go live")
    audit = by_key["webhook", "Audit"]
    assert audit.attrs == {
        "name": "Audit",
        "url": "https://audit.example.com/hook",
        "events": ["deal_add", "subscribe"],
        "sources": ["api", "system"],
        "list": "customers",
    }
    assert audit.aliases == ("Old audit",)
    assert desired.secrets == {}


def test_stage_sources_point_at_their_pipeline_entry(write: Write) -> None:
    write("p.yaml", "pipelines:\n  - title: Sales\n    stages: [A, B]\n")
    desired = load("p.yaml")
    assert {o.source for o in desired.objects} == {"p.yaml:2"}


def test_directory_is_read_recursively_in_sorted_order(write: Write) -> None:
    write("m/b.yaml", "tags: [{name: b}]\n")
    write("m/a.yml", "tags: [{name: a}]\n")
    write("m/a/z.yaml", "tags: [{name: az}]\n")
    write("m/c/acr.yaml", "tags: [{name: nested acr}]\n")
    write("m/acr.yaml", "not: a manifest\n")
    write("m/notes.txt", "ignored\n")
    write("m/.hidden/x.yaml", "tags: [{name: hidden}]\n")
    desired = load("m")
    assert desired.files == ("m/a/z.yaml", "m/a.yml", "m/b.yaml", "m/c/acr.yaml")
    assert [o.label for o in desired.objects] == ["az", "a", "b", "nested acr"]


def test_files_are_read_in_the_order_given_and_once(write: Write) -> None:
    write("m/tags.yaml", "tags: [{name: t}]\n")
    write("lists.yaml", "lists:\n" + LIST.format(stringid="news"))
    desired = load("lists.yaml", "m", "m/tags.yaml", "./lists.yaml")
    assert desired.files == ("lists.yaml", "m/tags.yaml")
    assert keys(desired) == [("list", "news"), ("tag", "contact:t")]


def test_a_file_named_explicitly_is_read_whatever_its_name(write: Write) -> None:
    write("acr.yaml", "tags: [{name: t}]\n")
    assert keys(load("acr.yaml")) == [("tag", "contact:t")]


def test_comments_and_empty_sections_are_fine(write: Write) -> None:
    write("comment.yaml", "# yaml-language-server: $schema=schemas/manifest.schema.json\n")
    write("sections.yaml", "tags:\nlists: []\n")
    desired = load("comment.yaml", "sections.yaml")
    assert desired.objects == ()
    assert desired.files == ("comment.yaml", "sections.yaml")


def test_an_empty_file_is_a_problem(write: Write) -> None:
    write("empty.yaml", " \n")
    assert problems("empty.yaml") == [
        "empty.yaml:1:1: the file is empty; add a section (tags, lists, fields, pipelines, "
        "webhooks, deal_fields) or remove the file"
    ]


def test_files_outside_the_current_directory_show_absolute_paths(
    tmp_path: Path, write: Write
) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text("tags: [{name: far}]\n", encoding="utf-8")
    try:
        desired = load_manifests([outside], env={}, kinds=KINDS)
    finally:
        outside.unlink()
    assert desired.files == (outside.as_posix(),)
    assert desired.objects[0].source == f"{outside.as_posix()}:1"


def test_env_defaults_to_the_process_environment(
    write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACR_TEST_TOKEN", "from-os")
    write("h.yaml", EXAMPLE.replace("HOOK_TOKEN", "ACR_TEST_TOKEN"))
    desired = load_manifests(["h.yaml"], vars=HOOKS, kinds=KINDS)
    assert desired.secrets == {"ACR_TEST_TOKEN": "from-os"}


def test_digest_covers_the_files_bytes_sorted_by_path(write: Write) -> None:
    write("b.yaml", "tags: [{name: b}]\n")
    write("a.yaml", "# only a comment\n")
    first = load("b.yaml", "a.yaml")
    again = load("a.yaml", "b.yaml")
    assert first.digest == again.digest
    h = hashlib.sha256()
    for raw in (b"# only a comment\n", b"tags: [{name: b}]\n"):
        h.update(f"{len(raw)}\n".encode())
        h.update(raw)
    assert first.digest == f"sha256:{h.hexdigest()}"

    write("a.yaml", "# another comment\n")
    assert load("a.yaml", "b.yaml").digest != first.digest


def test_digest_does_not_depend_on_secret_values(write: Write) -> None:
    write("h.yaml", EXAMPLE)
    one = load("h.yaml", vars=HOOKS, env={"HOOK_TOKEN": "one"})
    two = load("h.yaml", vars=HOOKS, env={"HOOK_TOKEN": "two"})
    assert one.digest == two.digest
    assert "one" not in one.digest


def test_desired_is_frozen(write: Write) -> None:
    write("t.yaml", "tags: [{name: t}]\n")
    desired: Desired = load("t.yaml")
    assert isinstance(desired.objects, tuple)
    try:
        desired.files = ()  # type: ignore[misc]
    except AttributeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("Desired must be frozen")


def test_a_missing_path_is_a_problem_along_with_the_others(write: Write) -> None:
    write("t.yaml", "tags: [{name: t, colour: red}]\n")
    assert problems("t.yaml", "nowhere") == [
        "nowhere: no such file or directory; check the path (or manifests: in acr.yaml)",
        't.yaml:1:18: tags[0].colour: tag "t": unknown key "colour"; '
        "allowed keys: name, type, description, renamed_from",
    ]
