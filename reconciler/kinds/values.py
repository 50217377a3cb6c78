"""How the API's values read: numbers, flags and strings arrive in several forms, and a kind
compares them in one (pure). ``kinds.base`` re-exports these for the kind modules."""

from __future__ import annotations

from typing import Any

__all__ = ["as_bool", "as_int", "as_set", "as_str", "casefold", "same"]


def as_int(value: Any, default: int = 0) -> int:
    """The API's numbers arrive as "3", 3, "" or None."""
    if value is None or value == "":
        return default
    return int(value)


def as_bool(value: Any) -> bool:
    """The API's flags arrive as "1"/"0", 1/0, true/false or None."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def as_str(value: Any) -> str:
    """The API's optional strings arrive as null or ""; both mean empty."""
    return "" if value is None else str(value)


def as_set(values: Any) -> list[Any]:
    """A set of values (a webhook's events), compared sorted; null reads as none."""
    return sorted(set(values or []))


def casefold(text: str) -> str:
    return text.casefold().strip()


def same(value: Any) -> Any:
    return value
