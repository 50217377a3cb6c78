"""Which files a list of manifest paths names, in the order they are read."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
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
    left out). A file named twice is read once, where it first appears. A directory that
    holds no manifest file is a problem: empty input must never read as "no objects"."""
    files, problems, _ = scan(paths)
    return files, problems


def scan(paths: Sequence[str | Path]) -> tuple[list[Path], list[Problem], list[str]]:
    """``find_files``, plus the files of the directories that were skipped (``.YAML``,
    ``.yml.bak``...), as display paths, so that a user can be told about them."""
    files: list[Path] = []
    problems: list[Problem] = []
    skipped: list[str] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found, passed = _directory_files(path)
            skipped += [display_path(p) for p in passed]
            if not found:
                problems.append(Problem(_empty_message(passed), Location(display_path(path))))
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
    return files, problems, skipped


def _empty_message(skipped: list[Path]) -> str:
    head = "no manifest files (*.yaml, *.yml) in this directory, so nothing was planned"
    if skipped:
        names = ", ".join(p.name for p in skipped[:5])
        return f"{head}; skipped: {names}. Rename them to end in .yaml or .yml"
    return f"{head}; check the path (or manifests: in acr.yaml)"


def _directory_files(directory: Path) -> tuple[list[Path], list[Path]]:
    """The manifest files under ``directory``, and the other visible files it skipped."""
    out: list[Path] = []
    skipped: list[Path] = []
    for path in directory.rglob("*"):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue  # .git, .acr, editor swap files
        if relative.parts == (PROJECT_FILE,) or not path.is_file():
            continue
        (out if path.suffix in SUFFIXES else skipped).append(path)
    return sorted(out, key=_parts(directory)), sorted(skipped, key=_parts(directory))


def _parts(directory: Path) -> Callable[[Path], tuple[str, ...]]:
    return lambda path: path.relative_to(directory).parts
