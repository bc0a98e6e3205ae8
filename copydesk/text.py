"""Text hygiene every layer shares."""

from __future__ import annotations

import re

# NUL, escape sequences and other control characters are never product text or a request (line breaks and tabs
# are kept); PostgreSQL refuses NUL in text columns.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(text: str) -> str:
    return _CONTROL.sub("", text)
