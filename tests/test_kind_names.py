"""No module outside ``reconciler/kinds`` names a kind: the core asks the registry it is
given. The sandbox, which emulates the API's collections, is exempt."""

from __future__ import annotations

import ast
from pathlib import Path

from reconciler.kinds import standard_kinds

PACKAGE = Path(__file__).resolve().parents[1] / "reconciler"
EXEMPT = ("kinds", "sandbox")
# Strings equal to a kind's word that mean something else, by module and value.
ELSEWHERE = {
    ("manifest/limits.py", "tag"): "ruamel's attribute holding a node's YAML tag",
    ("manifest/validate.py", "lists"): "the plural of a value's type in messages",
}


def kind_words() -> set[str]:
    words = set()
    for kind in standard_kinds():
        words |= {kind.name, kind.section, kind.collection, *kind.collections()}
    return words


def docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def named_kinds(path: Path, words: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = docstrings(tree)
    module = path.relative_to(PACKAGE).as_posix()
    return [
        f"reconciler/{module}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in words
        and id(node) not in skip
        and (module, node.value) not in ELSEWHERE
    ]


def test_no_module_outside_kinds_spells_a_kind() -> None:
    words = kind_words()
    modules = [
        p for p in sorted(PACKAGE.rglob("*.py")) if p.relative_to(PACKAGE).parts[0] not in EXEMPT
    ]
    assert len(modules) > 40
    found = [hit for path in modules for hit in named_kinds(path, words)]
    assert found == [], "name kinds through the registry instead:\n" + "\n".join(found)


def test_the_scan_sees_a_kind_named_in_code() -> None:
    module = PACKAGE / "engine.py"
    hits = named_kinds(module, {"default"})  # engine.py's target="default"
    assert hits and hits[0].startswith("reconciler/engine.py:")
