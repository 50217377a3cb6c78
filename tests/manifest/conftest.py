"""Manifests are written into a temporary directory that is also the current directory, so
display paths are short and relative ("m.yaml", "manifests/tags.yaml")."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from .helpers import Write


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def write(workdir: Path) -> Write:
    """Write a (dedented) file under the working directory and return its path."""

    def write(name: str, text: str) -> Path:
        path = workdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write
