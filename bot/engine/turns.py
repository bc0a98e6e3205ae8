"""What a transport hands the engine: a message in a thread (Turn) or a button press (Press), and the
progress hooks (Progress) through which the engine reports work while it happens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from bot.engine.replies import DraftReply
from copydesk.text import without_controls


@dataclass(frozen=True)
class UploadedFile:
    """A file a person attached to their message, already checked for type and size by the transport."""

    name: str
    mimetype: str
    content: bytes


@dataclass
class Turn:
    thread_key: str  # e.g. "slack:C0123:1700000000.000100" or "terminal:5f2c"
    user: str | None
    text: str
    channel_id: str | None = None  # where approvals are scoped and exports drawn from
    files: list[UploadedFile] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = without_controls(self.text)


@dataclass
class Press:
    thread_key: str
    user: str | None
    action: str  # one of bot.engine.replies.ALL_ACTIONS
    value: str
    channel_id: str | None = None

    def __post_init__(self) -> None:
        self.value = without_controls(self.value)


class Progress(Protocol):
    def status(self, text: str) -> None:
        """A short line saying what is being done now ("Drafting copy for SKU 123…")."""

    def text(self, delta: str) -> None:
        """More of the description as the model writes it (unverified: the final reply replaces it)."""

    def step(self, done: int, total: int) -> None:
        """Image progress: step `done` of `total`."""

    def draft(self, reply: DraftReply, *, final: bool = False) -> None:
        """Show a draft now, before the work on it is over (a first draft while it is polished); later calls
        update the same message in place, where the transport can, at most once per interval. `final`: the
        last one (the polish is over), always shown; it may come from another thread after the turn ended."""

    def progress(self, text: str, *, force: bool = False) -> None:
        """One progress line kept in place (a bulk job's "drafted 120 of 1,000"), updated at most once per
        interval unless forced."""


class NoProgress:
    def status(self, text: str) -> None:
        pass

    def text(self, delta: str) -> None:
        pass

    def step(self, done: int, total: int) -> None:
        pass

    def draft(self, reply: DraftReply, *, final: bool = False) -> None:
        pass

    def progress(self, text: str, *, force: bool = False) -> None:
        pass
