"""Checks across files: duplicates, renames, references, absorbs."""

from __future__ import annotations

from .helpers import LIST, Write, keys, load, problems


def test_duplicates_across_two_files_name_both_locations(write: Write) -> None:
    write("m/a.yaml", "tags:\n  - name: VIP\nlists:\n" + LIST.format(stringid="news"))
    write("m/b.yaml", "lists:\n" + LIST.format(stringid="news") + "tags:\n  - name: vip\n")
    assert problems("m") == [
        'm/b.yaml:2:5: lists[0]: list "news" is defined twice: here and at m/a.yaml:4:5; keep one',
        'm/b.yaml:7:5: tags[0]: tag "vip" is defined twice: here and at m/a.yaml:2:5 '
        '(both are "contact:vip"); keep one',
    ]


def test_tags_of_different_types_may_share_a_name(write: Write) -> None:
    write("t.yaml", "tags:\n  - {name: VIP}\n  - {name: VIP, type: template}\n")
    assert keys(load("t.yaml")) == [("tag", "contact:vip"), ("tag", "template:vip")]


def test_duplicate_stages_in_one_pipeline_are_located_at_the_stage(write: Write) -> None:
    write(
        "p.yaml",
        """
        pipelines:
          - title: Sales
            stages:
              - Lead
              - Won
              - {title: lead}
        """,
    )
    assert problems("p.yaml") == [
        'p.yaml:6:9: pipelines[0].stages[2]: stage "Sales / lead" is defined twice: here and '
        'at p.yaml:4:9 (both are "sales/lead"); keep one',
    ]


def test_a_duplicate_pipeline_is_reported_once_not_for_each_stage(write: Write) -> None:
    write("a.yaml", "pipelines:\n  - {title: Sales, stages: [Lead, Won]}\n")
    write("b.yaml", "pipelines:\n  - {title: SALES, stages: [Lead, Won]}\n")
    assert problems("a.yaml", "b.yaml") == [
        'b.yaml:2:5: pipelines[0]: pipeline "SALES" is defined twice: here and at a.yaml:2:5 '
        '(both are "sales"); keep one',
    ]


def test_renamed_from_may_not_name_an_object_that_is_kept(write: Write) -> None:
    write(
        "t.yaml",
        """
        tags:
          - name: Gold
          - name: Platinum
            renamed_from: [Silver, gold]
        """,
    )
    assert problems("t.yaml") == [
        't.yaml:4:19: tags[1].renamed_from: tag "Platinum": renamed_from names tag "Gold", which '
        "the manifests also define (at t.yaml:2:5); an object cannot be renamed from one that "
        "is kept. Remove the name from renamed_from, or remove the other entry",
    ]


def test_renamed_from_its_own_name_in_another_case_is_harmless(write: Write) -> None:
    write("t.yaml", "tags:\n  - {name: Gold, renamed_from: [GOLD]}\n")
    assert keys(load("t.yaml")) == [("tag", "contact:gold")]


def test_renamed_from_its_own_name_is_an_error(write: Write) -> None:
    write("t.yaml", "tags:\n  - {name: Gold, renamed_from: [Old, Gold]}\n")
    assert problems("t.yaml") == [
        't.yaml:2:38: tags[0].renamed_from[1]: tag "Gold": renamed_from names the tag itself; '
        "remove it"
    ]


def test_references_to_lists_no_manifest_defines_are_warnings_for_plan_to_resolve(
    write: Write,
) -> None:
    write("lists.yaml", "lists:\n" + LIST.format(stringid="newsletter"))
    write(
        "hooks.yaml",
        """
        webhooks:
          - name: CRM sync
            url: https://example.com
            events: [subscribe]
            sources: [api]
            list: newsleter
        fields:
          - title: Plan
            type: text
            lists: [newsletter, customers]
        """,
    )
    desired = load("lists.yaml", "hooks.yaml")
    assert [str(w) for w in desired.warnings] == [
        'hooks.yaml:6:11: webhooks[0].list: webhook "CRM sync": list "newsleter" is not in the '
        'manifests; plan looks for it on the account; did you mean "newsletter"?',
        'hooks.yaml:10:25: fields[0].lists[1]: field "Plan": list "customers" is not in the '
        "manifests; plan looks for it on the account",
    ]
    assert [(ref, name) for ref, name, _ in desired.external] == [
        (("list", "newsleter"), 'webhook "CRM sync"'),
        (("list", "customers"), 'field "Plan"'),
    ]


def test_a_stage_cannot_name_a_pipeline_outside_its_entry(write: Write) -> None:
    from reconciler.kinds import standard_kinds
    from reconciler.manifest.checks import adoptable

    kinds = standard_kinds()
    stage = kinds["pipeline"].desired(
        kinds["pipeline"].spec.model_validate({"title": "P", "stages": ["A"]}), "x:1"
    )[1]
    assert not adoptable(stage, "pipeline", kinds)


def test_references_may_point_to_a_later_file(write: Write) -> None:
    write("a.yaml", "fields:\n  - {title: Plan, type: text, lists: [news]}\n")
    write("b.yaml", "lists:\n" + LIST.format(stringid="news"))
    assert keys(load("a.yaml", "b.yaml")) == [("field", "PLAN"), ("list", "news")]


def test_references_to_a_kind_with_invalid_entries_are_not_guessed(write: Write) -> None:
    # The invalid list might be the one the webhook names: report the list, not the webhook.
    write(
        "m.yaml",
        """
        lists:
          - {stringid: news, name: News}
        webhooks:
          - {name: Hook, url: "https://x", events: [open], sources: [api], list: news}
        """,
    )
    lines = problems("m.yaml")
    assert [line.split(": ")[1] for line in lines] == [
        "lists[0].sender_reminder",
        "lists[0].sender_url",
    ]


def test_absorbing_a_stage_that_is_still_listed_is_refused(write: Write) -> None:
    write(
        "p.yaml",
        """
        pipelines:
          - title: Sales
            stages:
              - Lead
              - {title: Won, absorbs: [Closed won, LEAD]}
        """,
    )
    assert problems("p.yaml") == [
        'p.yaml:5:44: pipelines[0].stages[1].absorbs[1]: stage "Sales / Won": absorbs "LEAD", '
        "which is still listed in this pipeline (at p.yaml:4:9); only a removed stage can be "
        'absorbed. Remove "LEAD" from absorbs, or from the pipeline\'s list',
    ]


def test_a_stage_cannot_absorb_itself(write: Write) -> None:
    write(
        "p.yaml",
        "pipelines:\n  - title: Sales\n    stages:\n      - {title: Won, absorbs: [won]}\n",
    )
    assert problems("p.yaml") == [
        'p.yaml:4:32: pipelines[0].stages[0].absorbs[0]: stage "Sales / Won": absorbs "won", '
        "itself; remove it from absorbs",
    ]


def test_a_removed_stage_is_absorbed_by_one_stage_only(write: Write) -> None:
    write(
        "p.yaml",
        """
        pipelines:
          - title: Sales
            stages:
              - {title: Won, absorbs: [Closed]}
              - {title: Lost, absorbs: [closed]}
          - title: Support
            stages:
              - {title: Done, absorbs: [Closed]}
        """,
    )
    assert problems("p.yaml") == [
        'p.yaml:5:33: pipelines[0].stages[1].absorbs[0]: stage "Sales / Lost": absorbs '
        '"closed", which stage "Sales / Won" already absorbs (at p.yaml:4:9); its deals can move '
        "to one place only: keep it in one absorbs list",
    ]


def test_everything_wrong_is_reported_together_and_nothing_is_returned(write: Write) -> None:
    write("a.yaml", "tags:\n  - {name: A}\n  - {name: a}\nwebhooks: {}\n")
    write(
        "b.yaml",
        """
        pipelines:
          - {title: P, stages: [{title: X, absorbs: [x]}]}
        fields:
          - {title: F, type: date, lists: [x, x]}
        webhooks:
          - {name: W, url: "${vars.base}", events: [open], sources: [api]}
        """,
    )
    lines = problems("a.yaml", "b.yaml", vars={})
    assert [line.split(": ")[0] for line in lines] == [
        "a.yaml:3:5",  # duplicate tag
        "a.yaml:4:11",  # webhooks is not a list
        "b.yaml:2:46",  # absorbs itself
        "b.yaml:4:5",  # a list named twice
        "b.yaml:6:20",  # undefined variable
    ]


def test_an_unknown_section_may_hold_any_definition_so_references_are_not_guessed(
    write: Write,
) -> None:
    write(
        "m.yaml", "lsts:\n  - stringid: news\nfields:\n  - {title: F, type: date, lists: [news]}\n"
    )
    (line,) = problems("m.yaml")
    assert line.startswith('m.yaml:1:1: lsts: unknown section "lsts"; did you mean "lists"?')
