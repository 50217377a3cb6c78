"""The C parser's tree is the round-trip loader's: same values, same positions; whatever it
does not handle goes to the round-trip loader, whose problems are the reference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from reconciler.manifest.fastyaml import available, fast_load
from reconciler.manifest.yaml import parse_yaml, to_plain

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not available(), reason="ruamel.yaml.clib is not installed")


def positions(node: Any, path: tuple[Any, ...] = ()) -> list[Any]:
    """Every position the ``lc`` attributes hold, by path."""
    out: list[Any] = []
    if isinstance(node, CommentedMap | CommentedSeq):
        out.append((path, node.lc.line, node.lc.col))
        items = node.items() if isinstance(node, CommentedMap) else enumerate(node)
        for key, value in items:
            where = node.lc.data.get(key)
            if value is None and isinstance(node, CommentedMap):
                # An empty value has no text: the round-trip loader places it where the next
                # line starts, libyaml where the key ends. ``locate`` uses the key's instead.
                where = where[:2]
            out.append((path + (key,), where))
            out += positions(value, path + (key,))
    return out


TEXTS = {
    "examples": "\n".join(p.read_text() for p in sorted((ROOT / "examples").rglob("*.yaml"))),
    "scalars": (
        "a: 1\nb: -0x1F\nc: 0o17\nd: 1_000\ne: 1.5\nf: .inf\ng: -.INF\nh: true\ni: False\n"
        "j: ~\nk:\nl: yes\nm: on\nn: '1'\no: \"x\\ty\"\np: 2024-01-02 x\nq: 010\nr: Hello!\n"
    ),
    "collections": (
        "tags:\n  - name: A\n    description: |\n      two\n      lines\n"
        "  - {name: B, type: template}\n"
        "lists: [ {stringid: n, name: 'N'} ]\n"
        "refs:\n  first: &one {x: 1}\n  second: *one\n"
        "empty: []\nnone: {}\n1: numeric key\n"
    ),
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_values_and_positions_match_the_round_trip_loader(name: str) -> None:
    text = TEXTS[name]
    done, tree = fast_load(text)
    assert done
    reference = YAML(typ="rt").load(text)
    assert to_plain(tree) == to_plain(reference)
    assert positions(tree) == positions(reference)


@pytest.mark.parametrize(
    "text",
    [
        "%YAML 1.1\n---\na: yes\n",  # another YAML version
        "a: !custom x\n",  # a tag
        "a: !!str 1\n",
        "a: [!!int '1']\n",
        "base: &b {x: 1}\nc:\n  <<: *b\n",  # a merge key
        "when: 2024-01-02\n",  # a timestamp
        "? [a, b]\n: c\n",  # a non-scalar key
        "a: 1\na: 2\n",  # a duplicate key
        "a: [1, 2\n",  # a syntax error
        "tags: &t\n  - name: A\n    renamed_from: *t\n",  # an alias inside its own anchor
    ],
)
def test_what_it_does_not_handle_goes_to_the_round_trip_loader(text: str) -> None:
    assert fast_load(text) == (False, None)


def test_problems_are_the_round_trip_loaders() -> None:
    tree, problems = parse_yaml("tags:\n  - name: A\n  - name: B\n    name: C\n", "t.yaml")
    assert tree is None
    assert [str(p.location) for p in problems] == ["t.yaml:4:5"]
    assert "duplicate key" in problems[0].message


def test_empty_documents() -> None:
    assert fast_load("") == (True, None)
    assert fast_load("# only a comment\n") == (True, None)
