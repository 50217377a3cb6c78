"""Entries that fail their kind's model: each error located, with an actionable message."""

from __future__ import annotations

from pydantic import BaseModel

from reconciler.kinds.lists import ListSpec
from reconciler.kinds.stages import StageSpec
from reconciler.kinds.webhooks import WebhookSpec

from .helpers import Write, problems


def hint(model: type[BaseModel], name: str) -> str:
    """A field's description as messages quote it (the kinds own the wording)."""
    text = (model.model_fields[name].description or "").rstrip(".")
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


TAG_KEYS = "name, type, description, renamed_from"
STAGE_KEYS = "title, color, width, deal_order, absorbs, renamed_from"


def test_unknown_key_at_the_key_with_a_suggestion(write: Write) -> None:
    write(
        "p.yaml",
        """
        pipelines:
          - title: Sales
            stages:
              - Lead
              - title: Qualified
                colour: 32B0FC
        """,
    )
    assert problems("p.yaml") == [
        'p.yaml:6:9: pipelines[0].stages[1].colour: pipeline "Sales": unknown key "colour"; '
        f'did you mean "color"? Allowed keys: {STAGE_KEYS}',
    ]


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(write: Write) -> None:
    write("t.yaml", "tags:\n  - name: VIP\n    priority: 1\n")
    assert problems("t.yaml") == [
        't.yaml:3:5: tags[0].priority: tag "VIP": unknown key "priority"; '
        f"allowed keys: {TAG_KEYS}",
    ]


def test_missing_keys_are_located_at_the_entry(write: Write) -> None:
    write("l.yaml", "lists:\n  - stringid: news\n    name: News\n")
    assert problems("l.yaml") == [
        'l.yaml:2:5: lists[0].sender_reminder: list "news": missing required key '
        f'"sender_reminder" ({hint(ListSpec, "sender_reminder")})',
        'l.yaml:2:5: lists[0].sender_url: list "news": missing required key "sender_url" '
        f"({hint(ListSpec, 'sender_url')})",
    ]


def test_bad_literal_lists_the_choices_and_suggests(write: Write) -> None:
    write("t.yaml", "tags:\n  - {name: VIP, type: foo}\n  - {name: X, type: contcat}\n")
    assert problems("t.yaml") == [
        't.yaml:2:23: tags[0].type: tag "VIP": "foo" is not one of: contact, template',
        't.yaml:3:21: tags[1].type: tag "X": "contcat" is not one of: contact, template; '
        'did you mean "contact"?',
    ]


def test_bad_literal_inside_a_list(write: Write) -> None:
    write(
        "w.yaml",
        """
        webhooks:
          - name: Hook
            url: https://example.com
            events: [subscribe]
            sources: [public, web]
        """,
    )
    assert problems("w.yaml") == [
        'w.yaml:5:23: webhooks[0].sources[1]: webhook "Hook": "web" is not one of: '
        "public, admin, api, system",
    ]


def test_wrong_types_say_what_was_expected_and_what_was_found(write: Write) -> None:
    write(
        "w.yaml",
        """
        webhooks:
          - name: Hook
            url: https://example.com
            events: {subscribe: true}
            sources: public
        """,
    )
    assert problems("w.yaml") == [
        'w.yaml:4:13: webhooks[0].events: webhook "Hook": expected a list of strings, '
        "got a mapping",
        'w.yaml:5:14: webhooks[0].sources: webhook "Hook": expected a list of values from '
        '[public, admin, api, system], got a string ("public"); write a list: [public]',
    ]


def test_numbers_where_text_is_expected_suggest_quoting(write: Write) -> None:
    write(
        "p.yaml",
        """
        pipelines:
          - title: 2024
            stages:
              - {title: Won, color: 123456}
        """,
    )
    assert problems("p.yaml") == [
        "p.yaml:2:12: pipelines[0].title: expected a string, got a number (2024); "
        'quote it to make it text: "2024"',
        "p.yaml:4:29: pipelines[0].stages[0].color: expected a string, got a number (123456); "
        'quote it to make it text: "123456"',
    ]


def test_union_errors_keep_the_member_that_fits_the_input(write: Write) -> None:
    write(
        "f.yaml",
        """
        fields:
          - title: Plan
            type: dropdown
            options: [Free, {value: 1}, {value: pro, lable: Pro}, [x]]
            lists: [newsletter, 3]
        lists:
          - stringid: newsletter
            name: News
            sender_url: https://example.com
            sender_reminder: Signed up
        """,
    )
    assert problems("f.yaml") == [
        'f.yaml:4:29: fields[0].options[1].value: field "Plan": expected a string, '
        'got a number (1); quote it to make it text: "1"',
        'f.yaml:4:46: fields[0].options[2].lable: field "Plan": unknown key "lable"; '
        'did you mean "label"? Allowed keys: value, label',
        'f.yaml:4:59: fields[0].options[3]: field "Plan": expected a string or a mapping, '
        "got a list",
        'f.yaml:5:25: fields[0].lists[1]: field "Plan": expected a string, got a number (3); '
        'quote it to make it text: "3"',
    ]


def test_union_with_no_fitting_member_describes_every_member(write: Write) -> None:
    write("f.yaml", "fields:\n  - {title: Plan, type: text, lists: All}\n")
    assert problems("f.yaml") == [
        'f.yaml:2:38: fields[0].lists: field "Plan": expected "all" or a list of strings, '
        'got a string ("All"); did you mean "all"?',
    ]


def test_stage_errors_carry_the_full_field_path(write: Write) -> None:
    write(
        "p.yaml",
        """
        pipelines:
          - title: Sales
            stages:
              - Lead
              - {color: 32B0FC}
              - {title: Won, color: "#32B0FC", width: 50, absorbs: Lost}
        """,
    )
    assert problems("p.yaml") == [
        'p.yaml:5:9: pipelines[0].stages[1].title: pipeline "Sales": missing required key '
        f'"title" ({hint(StageSpec, "title")})',
        'p.yaml:6:29: pipelines[0].stages[2].color: pipeline "Sales": "#32B0FC" does not match '
        f"the pattern ^[0-9A-Fa-f]{{6}}$ ({hint(StageSpec, 'color')})",
        'p.yaml:6:47: pipelines[0].stages[2].width: pipeline "Sales": must be at least 100, got 50',
        'p.yaml:6:60: pipelines[0].stages[2].absorbs: pipeline "Sales": expected a list of '
        'strings, got a string ("Lost"); write a list: [Lost]',
    ]


def test_empty_strings_and_lists(write: Write) -> None:
    write(
        "w.yaml",
        """
        webhooks:
          - name: ""
            url: ftp://example.com
            events: []
            sources: [api]
        """,
    )
    assert problems("w.yaml") == [
        "w.yaml:2:11: webhooks[0].name: must not be empty",
        'w.yaml:3:10: webhooks[0].url: "ftp://example.com" does not match the pattern '
        f"^https?:// ({hint(WebhookSpec, 'url')})",
        "w.yaml:4:13: webhooks[0].events: must list at least 1 item",
    ]


def test_model_level_rules_are_reported_at_the_entry(write: Write) -> None:
    write(
        "f.yaml",
        """
        fields:
          - title: Notes
            type: text
            options: [a]
          - title: Plan
            type: dropdown
            options: [a, b, a]
        """,
    )
    assert problems("f.yaml") == [
        'f.yaml:2:5: fields[0]: field "Notes": options are only for checkbox, dropdown, '
        "listbox, radio fields, not text",
        'f.yaml:5:5: fields[1]: field "Plan": option values must be unique; repeated: a',
    ]


def test_field_validators_are_reported_at_the_value(write: Write) -> None:
    write(
        "w.yaml",
        """
        webhooks:
          - name: Hook
            url: https://example.com
            events: [subscribe, nope]
            sources: [api]
        """,
    )
    (line,) = problems("w.yaml")
    assert line.startswith(
        'w.yaml:4:13: webhooks[0].events: webhook "Hook": unknown event "nope"; '
        'did you mean "open"? known events: '
    )


def test_booleans_and_bad_booleans(write: Write) -> None:
    write(
        "l.yaml",
        """
        lists:
          - stringid: news
            name: News
            sender_url: https://example.com
            sender_reminder: Signed up
            send_last_broadcast: sometimes
        """,
    )
    assert problems("l.yaml") == [
        'l.yaml:6:26: lists[0].send_last_broadcast: list "news": expected true or false, '
        'got a string ("sometimes")',
    ]


def test_many_errors_are_collected_at_once(write: Write) -> None:
    write("a.yaml", "tags:\n  - {name: A, type: x}\n  - {nam: B}\n")
    write("b.yaml", "lists:\n  - {stringid: 'bad id'}\nwebhooks: [{name: W}]\n")
    lines = problems("a.yaml", "b.yaml")
    assert [line.split(": ")[:2] for line in lines] == [
        ["a.yaml:2:21", "tags[0].type"],
        ["a.yaml:3:5", "tags[1].name"],
        ["a.yaml:3:6", "tags[1].nam"],
        ["b.yaml:2:5", "lists[0].name"],
        ["b.yaml:2:5", "lists[0].sender_reminder"],
        ["b.yaml:2:5", "lists[0].sender_url"],
        ["b.yaml:2:16", "lists[0].stringid"],
        ["b.yaml:3:12", "webhooks[0].events"],
        ["b.yaml:3:12", "webhooks[0].sources"],
        ["b.yaml:3:12", "webhooks[0].url"],
    ]


def test_fields_with_an_alias_are_named_by_the_key_written(write: Write) -> None:
    # WebhookSpec's field ``list_`` is written ``list``.
    write(
        "w.yaml",
        """
        webhooks:
          - {name: W, url: "https://x", events: [open], sources: [api], list: 3, lst: x}
        """,
    )
    keys = "name, url, events, sources, list, renamed_from"
    assert problems("w.yaml") == [
        'w.yaml:2:71: webhooks[0].list: webhook "W": expected a string, got a number (3); '
        'quote it to make it text: "3"',
        'w.yaml:2:74: webhooks[0].lst: webhook "W": unknown key "lst"; did you mean "list"? '
        f"Allowed keys: {keys}",
    ]
