"""How ActiveCampaign normalises a custom field's personalisation tag (perstag).

Observed in the API reference's examples [V-docs]: a supplied "Personalized Tag" is stored as
"PERSONALIZEDTAG" and "listBoxTagName" as "LISTBOXTAGNAME"; with no perstag, the title
"Another Test Title" gives "ANOTHER_TEST_TITLE". What happens to punctuation is not documented
[INF]: we drop it from a supplied perstag and turn runs of it into "_" in a derived one.
"""

from __future__ import annotations

import re

_NOT_TAG = re.compile(r"[^A-Z0-9_]")
_NOT_WORD = re.compile(r"[^A-Z0-9]+")


def normalise_perstag(perstag: str) -> str:
    """A supplied perstag as the API stores it: upper-cased, spaces and punctuation removed."""
    return _NOT_TAG.sub("", perstag.upper())


def perstag_from_title(title: str) -> str:
    """The perstag the API derives from a title when none is supplied."""
    return _NOT_WORD.sub("_", title.upper()).strip("_")


def field_perstag(title: str, perstag: str | None) -> str:
    """The perstag a field ends up with, supplied or derived."""
    return normalise_perstag(perstag) if perstag else perstag_from_title(title)
