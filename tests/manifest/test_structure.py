"""Files that are not manifests: malformed YAML, duplicate keys, wrong top-level shapes."""

from __future__ import annotations

from pathlib import Path

from .helpers import Write, problems

SECTIONS = "tags, lists, fields, pipelines, webhooks"


def test_malformed_yaml_is_a_problem_at_the_parser_mark(write: Write) -> None:
    write("bad.yaml", "tags:\n  - name: a: b\n")
    assert problems("bad.yaml") == [
        "bad.yaml:2:12: invalid YAML: mapping values are not allowed here",
    ]


def test_unclosed_flow_sequence_names_where_it_started(write: Write) -> None:
    write("bad.yaml", "tags: [\n  {name: a},\nlists: []\n")
    (line,) = problems("bad.yaml")
    assert line.startswith("bad.yaml:4:1: invalid YAML: expected ',' or ']'")
    assert "which starts at 1:7" in line


def test_bad_characters_are_located(workdir: Path) -> None:
    (workdir / "bad.yaml").write_text("tags:\n  - name: a\x07b\n", encoding="utf-8")
    assert problems("bad.yaml") == [
        "bad.yaml:2:12: invalid YAML: character U+0007 is not allowed; remove it",
    ]


def test_non_utf8_files_are_a_problem(workdir: Path) -> None:
    (workdir / "latin.yaml").write_bytes("tags: [{name: caf\xe9}]\n".encode("latin-1"))
    assert problems("latin.yaml") == [
        "latin.yaml:1:18: not UTF-8 text (byte 0xe9); save the file as UTF-8",
    ]


def test_every_duplicate_key_is_reported_with_both_places(write: Write) -> None:
    write(
        "dup.yaml",
        """
        tags:
          - name: a
            description: one
            description: two
        lists: []
        lists: []
        """,
    )
    assert problems("dup.yaml") == [
        'dup.yaml:4:5: duplicate key "description": it is already set at 3:5; keep one of them',
        'dup.yaml:6:1: duplicate key "lists": it is already set at 5:1; keep one of them',
    ]


def test_several_documents_in_one_file_are_refused(write: Write) -> None:
    write("two.yaml", "tags: []\n---\nlists: []\n")
    (line,) = problems("two.yaml")
    assert line.startswith("two.yaml:2:1: invalid YAML: but found another document")


def test_top_level_must_be_a_mapping(write: Write) -> None:
    write("list.yaml", "- name: a\n")
    write("scalar.yaml", "just text\n")
    assert problems("list.yaml", "scalar.yaml") == [
        f"list.yaml:1:1: the top level must be a mapping of sections ({SECTIONS}), got a list",
        f"scalar.yaml:1:1: the top level must be a mapping of sections ({SECTIONS}), got a string",
    ]


def test_unknown_section_suggests_the_closest(write: Write) -> None:
    write("s.yaml", "tags: []\ntag: []\ncontacts: []\n")
    assert problems("s.yaml") == [
        f's.yaml:2:1: tag: unknown section "tag"; did you mean "tags"? Sections: {SECTIONS}',
        f's.yaml:3:1: contacts: unknown section "contacts"; Sections: {SECTIONS}',
    ]


def test_stages_are_not_a_section_of_their_own(write: Write) -> None:
    write("s.yaml", "stages: []\n")
    (line,) = problems("s.yaml")
    assert line.startswith('s.yaml:1:1: stages: unknown section "stages";')


def test_a_section_must_be_a_list(write: Write) -> None:
    write("s.yaml", "tags:\n  name: VIP\nlists: newsletter\n")
    assert problems("s.yaml") == [
        's.yaml:2:3: tags: section "tags" must be a list of entries ("- ..."), got a mapping',
        's.yaml:3:8: lists: section "lists" must be a list of entries ("- ..."), got a string',
    ]


def test_an_entry_must_be_a_mapping(write: Write) -> None:
    write("s.yaml", "tags:\n  - VIP\n  - [a]\n")
    assert problems("s.yaml") == [
        's.yaml:2:5: tags[0]: expected a mapping, got a string ("VIP")',
        "s.yaml:3:5: tags[1]: expected a mapping, got a list",
    ]


def test_problems_in_other_files_are_still_reported(write: Write) -> None:
    write("a.yaml", "tags: [\n")
    write("b.yaml", "tags: [{name: b, type: person}]\n")
    lines = problems("a.yaml", "b.yaml")
    assert len(lines) == 2
    assert (
        lines[1] == 'b.yaml:1:24: tags[0].type: tag "b": "person" is not one of: contact, template'
    )
