"""Property: whatever YAML text or manifest structure is loaded, only a ManifestError (with
located problems) or a valid desired state comes out; never another exception."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from reconciler.errors import ManifestError
from reconciler.kinds import standard_kinds
from reconciler.manifest import load_manifests, load_project
from reconciler.manifest.yaml import to_plain

KINDS = standard_kinds()

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
KEYS = sorted(
    {"name", "type", "description", "renamed_from", "stringid", "sender_url", "sender_reminder",
     "title", "perstag", "options", "default", "lists", "stages", "color", "width", "absorbs",
     "url", "events", "sources", "list", "value", "label", "currency", "colour", ""}
)  # fmt: skip
WORDS = ["VIP", "vip", "news", "Lead", "all", "dropdown", "text", "subscribe", "api",
         "https://h.example/x?t=${env.T}", "${vars.v}", "${env.T}", "${", "FF0000"]  # fmt: skip

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(WORDS),
    st.text(string.printable, max_size=8),
)  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    ),
    max_leaves=25,
)
entries = st.one_of(st.dictionaries(st.sampled_from(KEYS), values, max_size=6), values)
manifests = st.dictionaries(
    st.one_of(st.sampled_from(list(KINDS.sections())), st.sampled_from(["tag", "x"])),
    st.one_of(st.lists(entries, max_size=4), values),
    max_size=4,
)
yaml_text = st.lists(
    st.sampled_from(list("ab:-[]{}&*!|>'\"#%@`,?\t\n ") + ["tags", "name", "${env.T}", "\x00"]),
    max_size=60,
).map("".join)


def _load(path: Path) -> None:
    try:
        load_manifests([path], vars={"v": "https://v.example"}, env={"T": "t0ken"}, kinds=KINDS)
    except ManifestError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.location is not None and problem.message
            assert "t0ken" not in str(problem)


@SETTINGS
@given(text=yaml_text)
def test_any_text_gives_a_result_or_located_problems(tmp_path: Path, text: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    _load(path)


@SETTINGS
@given(data=manifests)
def test_any_structure_gives_a_result_or_located_problems(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    path = tmp_path / "m.yaml"
    with path.open("w", encoding="utf-8") as out:
        YAML().dump(data, out)
    _load(path)


@SETTINGS
@given(data=manifests)
def test_generated_structures_round_trip_through_yaml(tmp_path: Path, data: dict[str, Any]) -> None:
    # The generator's own check: what the loader reads is what was generated.
    path = tmp_path / "m.yaml"
    with path.open("w", encoding="utf-8") as out:
        YAML().dump(data, out)
    assert to_plain(YAML(typ="rt").load(path.read_text(encoding="utf-8"))) == data


PROJECT_KEYS = ["manifests", "vars", "policy", "targets", "prune", "protect", "max_deletes",
                "connection", "url", "production", "base", "x"]  # fmt: skip
projects = st.dictionaries(
    st.sampled_from(PROJECT_KEYS),
    st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(st.sampled_from(PROJECT_KEYS), inner, max_size=4),
        ),
        max_leaves=15,
    ),
    max_size=5,
)


@SETTINGS
@given(data=projects)
def test_any_project_file_gives_a_project_or_located_problems(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    path = tmp_path / "acr.yaml"
    with path.open("w", encoding="utf-8") as out:
        YAML().dump(data, out)
    try:
        load_project(path, kinds=KINDS)
    except ManifestError as exc:
        assert exc.problems and all(p.location is not None for p in exc.problems)
