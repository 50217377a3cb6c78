"""Terminal styling for the text plan: colours per action and widths as a terminal shows
them (pure: the caller decides whether colour is wanted).

Colours follow Terraform: creates green, updates yellow, deletes red. Widths count what a
terminal draws: East Asian wide and fullwidth characters take two cells, combining marks
none, so columns line up under names in any script.
"""

from __future__ import annotations

import unicodedata

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
COLOURS = {"create": "\x1b[32m", "update": "\x1b[33m", "delete": "\x1b[31m"}
MAX_PAD = 40  # heads wider than this do not push the notes of all the others right


def width(text: str) -> int:
    """The cells ``text`` takes on a terminal."""
    cells = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in {"Mn", "Me", "Cf"}:
            continue
        cells += 2 if unicodedata.east_asian_width(char) in {"W", "F"} else 1
    return cells


def pad(text: str, cells: int) -> str:
    """``text`` with spaces after it to fill ``cells`` (display width, never cut)."""
    return text + " " * max(0, cells - width(text))


def paint(text: str, action: str, colour: bool) -> str:
    """``text`` in the colour of ``action`` when ``colour`` is on."""
    if not colour or action not in COLOURS:
        return text
    return f"{COLOURS[action]}{text}{RESET}"


def bold(text: str, colour: bool) -> str:
    return f"{BOLD}{text}{RESET}" if colour else text
