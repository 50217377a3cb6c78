"""Opening the sandbox's state: a state file if it exists, else a seed file, else the default
account. Above both ``store`` and ``seed``, so that neither imports the other."""

from __future__ import annotations

from pathlib import Path

from reconciler.sandbox.seed import load_seed
from reconciler.sandbox.store import SandboxStore, check_state_folder, read_json


def open_store(state: Path | None = None, seed: Path | None = None) -> SandboxStore:
    """Load ``state`` if that file exists, else ``seed`` if given, else the default account;
    a new ``state`` file is written at once, so that a folder that cannot hold it fails now.

    Raises ``ConfigError`` naming the file when it cannot be read or is malformed.
    """
    if state is not None:
        check_state_folder(state)
    if state is not None and state.exists():
        store = SandboxStore.from_data(read_json(state), source=state)
    elif seed is not None:
        store = load_seed(read_json(seed), source=seed)
    else:
        store = SandboxStore.default()
    store.path = state
    if state is not None and not state.exists():
        store.save()
    return store
