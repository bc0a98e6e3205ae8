"""Explicit errors: each says what was wrong and what to do about it.

Transports (CLI, Slack, terminal chat) catch CopydeskError and show `str(error)`;
anything else is a bug and is reported with a reference id.
"""

from __future__ import annotations


class CopydeskError(Exception):
    """Base class: a problem the user can act on. The message says what to do."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} {hint}".strip() if hint else message)


class ConfigError(CopydeskError):
    """The configuration is missing or invalid."""


class InputError(CopydeskError):
    """A file, argument or message given by the user cannot be used."""


class NotFoundError(CopydeskError):
    """A product, brand, draft or model that was asked for does not exist; `candidates`: the closest, if any."""

    def __init__(self, message: str, *, hint: str | None = None, candidates: list | None = None) -> None:
        self.candidates = candidates or []
        super().__init__(message, hint=hint)


class AmbiguousError(CopydeskError):
    """A reference matches several things; `candidates` holds them, best first."""

    def __init__(self, message: str, candidates: list, *, hint: str | None = None) -> None:
        self.candidates = candidates
        super().__init__(message, hint=hint)


class ModelError(CopydeskError):
    """A model could not be loaded or run."""


class UnsupportedRequestError(CopydeskError):
    """The request asks for something copydesk will not do (e.g. a fact the catalog lacks)."""


class RateLimitedError(CopydeskError):
    """Too many requests from one user; `position` is their place in the queue."""

    def __init__(self, message: str, position: int) -> None:
        self.position = position
        super().__init__(message)


class ServiceUnavailableError(CopydeskError):
    """A service copydesk is configured to use (database, job queue) cannot be reached right now."""


class StateUnavailableError(ServiceUnavailableError):
    """The database (SQLite file or PostgreSQL) cannot be reached."""


class QueueUnavailableError(ServiceUnavailableError):
    """The job queue's broker (Redis) cannot be reached, so a request could not be queued."""
