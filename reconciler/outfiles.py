"""Files acr writes for the user (``plan --out``): checked before any request is sent, so a
typo in a folder name fails in a second, not after the whole account was read; and written
so that an operating-system error is a message, not a traceback.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from reconciler.errors import ConfigError


def check_writable(path: str, option: str) -> Path:
    """``path`` as a Path, when a file can be written there; ``ConfigError`` naming
    ``option`` (``--out``) and what to do when not."""
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise ConfigError(f"{option} {path}: is a folder; give a file name, e.g. {path}/plan.json")
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise ConfigError(
            f"{option} {path}: the folder {folder} {what}; create it first or choose another path"
        )
    try:  # os.access says yes to root on a read-only file system: try it for real
        fd, probe = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ConfigError(
            f"{option} {path}: cannot write in {folder} ({exc.strerror or exc}); "
            "choose a writable folder"
        ) from exc
    return target


def write_text(path: Path, text: str, option: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:  # the folder vanished since the check, the disk is full...
        raise ConfigError(f"{option} {path}: cannot write it ({exc.strerror or exc})") from exc


def os_error_message(exc: OSError) -> str | None:
    """A user's message for an operating-system error about a file, or None when it names
    no file (then it is not the user's to fix)."""
    if exc.filename is None:
        return None
    name = exc.filename if exc.filename2 is None else f"{exc.filename} -> {exc.filename2}"
    return f"{name}: {exc.strerror or exc}; check that it exists and that acr may use it"
