"""Errors and tracebacks as acr prints them: no credential in either.

Manifest problems are printed as they are: they quote only what the manifests hold as plain
text (a value that came from ``${env.*}`` is never echoed; see ``manifest/validate.py``).
Any other error may carry a URL (a gateway from the environment, a server's answer): its
credentials are masked (``secrets.mask_text``). A ``--debug`` traceback is masked the same
way, and, as a last guard, the values of the credential variables of the environment
(``MATON_API_KEY``, ``ACTIVECAMPAIGN_API_TOKEN``, anything named like a key, token, secret
or password) are blanked wherever they appear in it: a traceback has no positions to mask.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Mapping

from reconciler.errors import ManifestError
from reconciler.secrets import MASK, mask_text

_CREDENTIAL_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|PASSWD|AUTH", re.IGNORECASE)
_SHORTEST = 6  # shorter values would blank ordinary words of the traceback


def shown_error(exc: BaseException) -> str:
    """The message of ``exc`` with the credentials of any URL in it masked."""
    if isinstance(exc, ManifestError):
        return str(exc)
    return mask_text(str(exc))


def shown_traceback(exc: BaseException, env: Mapping[str, str]) -> str:
    """The traceback of ``exc`` (its causes included), with URL credentials masked and the
    environment's credential values blanked."""
    text = mask_text("".join(traceback.format_exception(exc)))
    values = {
        value
        for name, value in env.items()
        if _CREDENTIAL_NAME.search(name) and len(value) >= _SHORTEST
    }
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text
