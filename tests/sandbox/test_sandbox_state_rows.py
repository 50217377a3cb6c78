"""A state file is checked row by row on load, like a seed: a broken row is refused with its
place in the file, instead of loading and then answering 500 to every request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.errors import ConfigError
from reconciler.sandbox import SandboxStore
from reconciler.sandbox.opening import open_store

EXAMPLES = Path(__file__).parents[2] / "examples"


def example_state() -> dict[str, Any]:
    data: dict[str, Any] = open_store(seed=EXAMPLES / "sandbox-seed.json").data()
    return data


def tables(state: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = state["connections"][0]["account"]["tables"]
    return found


def refused(state: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as caught:
        SandboxStore.from_data(state, source="s.json")
    return str(caught.value)


def test_a_state_the_sandbox_wrote_loads_again() -> None:
    state = example_state()
    again = SandboxStore.from_data(json.loads(json.dumps(state)))
    assert again.data() == state


def test_a_stage_without_a_title_is_refused_with_its_place() -> None:
    state = example_state()
    del tables(state)["dealStages"][2]["title"]
    message = refused(state)
    assert message.startswith("sandbox state file s.json is malformed (1 problem):\n")
    assert "  connections[0].account.tables.dealStages[2] (id 3): 'title' is missing" in message
    assert message.endswith("Fix or delete it (`acr sandbox reset` starts afresh).")


@pytest.mark.parametrize(
    ("table", "column", "value", "expected"),
    [
        ("tags", "tag", 5, "'tag' must be a string, not 5"),
        ("deals", "stage", "x", "'stage' must be an integer, not 'x'"),
        ("webhooks", "events", "subscribe", "'events' must be a list, not 'subscribe'"),
    ],
)
def test_a_value_of_the_wrong_type(table: str, column: str, value: Any, expected: str) -> None:
    state = example_state()
    tables(state)[table][0][column] = value
    assert f"tables.{table}[0] (id {tables(state)[table][0]['id']}): {expected}" in refused(state)


def test_ids_rows_and_tables() -> None:
    state = example_state()
    rows = tables(state)
    rows["tags"][1]["id"] = rows["tags"][0]["id"]
    rows["lists"][0]["id"] = "1"
    rows["contacts"].append("not a row")
    rows["notes"] = []
    message = refused(state)
    assert "(4 problems)" in message
    assert "tables.tags[1]: two tags rows have id 1" in message
    assert "tables.lists[0]: the row has no integer id" in message
    assert "tables.contacts[2]: a row must be an object, not str" in message
    assert "connections[0].account.tables.notes: unknown table 'notes'" in message


def test_many_problems_are_summarised() -> None:
    state = example_state()
    for row in tables(state)["tags"]:
        del row["tag"]
    message = refused(state)
    assert "(6 problems)" in message and "  ... and 1 more" in message


def test_a_state_folder_that_cannot_be_written_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cannot keep the sandbox state in .*file/state.json"):
        open_store(tmp_path / "file" / "state.json")
