"""Masking secrets in text before it is shown or logged: one helper for logs, errors and `copydesk config`.

What is masked: the configured secret values (in full, never a first few characters), passwords in URLs
(http://user:PASS@host -> http://***@host), values of secret-looking query parameters, and tokens recognised
by their shape (Slack xoxb-/xoxp-/xapp-, OpenAI-style sk-, bearer tokens), so a token nobody configured here,
echoed in an upstream error body, is masked too. Each pattern is a literal prefix then one character class,
so masking is linear in the length of the text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote

MASK = "***"
# A configured secret shorter than this is not masked: it would mask ordinary words, and it is no secret.
MIN_SECRET_CHARS = 4

_USERINFO = re.compile(r"(?<=://)[^/\s@]+@")
_QUERY_SECRET = re.compile(
    r"(?i)([?&](?:api[_-]?key|access[_-]?token|auth|key|password|passwd|secret|sig|signature|token)=)[^&#\s]+"
)
# The prefix names the kind of credential (no secret in itself); the rest goes.
_TOKEN = re.compile(r"\b(xox[a-z]-|xapp-|sk-)[A-Za-z0-9_-]{6,}")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{6,}")


class Redactor:
    """Callable: text -> the same text with secrets masked."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values: set[str] = set()
        for secret in secrets:
            if secret and len(secret) >= MIN_SECRET_CHARS:
                values |= {secret, quote(secret, safe="")}  # also as it appears inside a URL
        # Longest first, so a secret that contains another is masked whole.
        self.secrets = sorted(values, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        text = _USERINFO.sub(MASK + "@", text)
        text = _QUERY_SECRET.sub(lambda m: m.group(1) + MASK, text)
        text = _TOKEN.sub(lambda m: m.group(1) + MASK, text)
        return _BEARER.sub(lambda m: m.group(1) + MASK, text)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    return Redactor(secrets)(text)


class RedactingFilter(logging.Filter):
    """Masks secrets in every record a handler emits: message, arguments, traceback and stack.

    Install it on handlers (`install_log_redaction`), not on a logger: a logger's filters do not see the
    records its child loggers pass up.
    """

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redactor(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # Formatters print exc_text when it is set; exc_info stays for handlers that want the object.
            record.exc_text = self.redactor(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor(record.stack_info)
        return True


def install_log_redaction(redactor: Redactor, logger: logging.Logger | None = None) -> RedactingFilter:
    """Add one RedactingFilter to every handler of `logger` (the root logger by default); call it after
    the handlers are set up (logging.basicConfig). Installing twice replaces the earlier filter."""
    logger = logger or logging.getLogger()
    found = RedactingFilter(redactor)
    for handler in logger.handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(found)
    return found
