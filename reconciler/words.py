"""Words for counts, so that every message says "1 change" and "2 changes" (pure)."""

from __future__ import annotations

_IRREGULAR = {"is": "are", "was": "were"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 contact``, ``3 contacts``; ``many`` when the plural is not ``word + "s"``."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many or _IRREGULAR.get(word) or word + 's'}"
