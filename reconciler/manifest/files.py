"""Which files a list of manifest paths names, in the order they are read."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from reconciler.errors import Location, Problem

SUFFIXES = (".yaml", ".yml")
PROJECT_FILE = "acr.yaml"


def display_path(path: Path) -> str:
    """``path`` relative to the current directory when it is under it, else absolute."""
    absolute = Path(os.path.normpath(path.absolute()))  # "repo/../shared" -> "shared"
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def find_files(paths: Sequence[str | Path]) -> tuple[list[Path], list[Problem]]:
    """The manifest files that ``paths`` name: a file as given, a directory's ``*.yaml`` and
    ``*.yml`` files recursively in sorted order (hidden ones and a top-level ``acr.yaml``
    left out). A file named twice is read once, where it first appears."""
    files: list[Path] = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = _directory_files(path)
        elif path.is_file():
            found = [path]
        else:
            problems.append(
                Problem(
                    "no such file or directory; check the path (or manifests: in acr.yaml)",
                    Location(display_path(path)),
                )
            )
            continue
        for file in found:
            resolved = file.resolve()
            if resolved not in seen:
                seen.add(resolved)
                files.append(file)
    return files, problems


def _directory_files(directory: Path) -> list[Path]:
    out = []
    for path in directory.rglob("*"):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue  # .git, .acr, editor swap files
        if relative.parts == (PROJECT_FILE,):
            continue
        if path.suffix in SUFFIXES and path.is_file():
            out.append(path)
    return sorted(out, key=lambda p: p.relative_to(directory).parts)
