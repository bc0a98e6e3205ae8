"""`copydesk chat`: a terminal conversation on the same ConversationEngine the Slack bot uses.

One terminal session is one thread; the description streams to the terminal as the model writes it;
images are saved as PNG files in the current folder.
"""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path
from typing import Callable, TextIO

from bot.engine import ConversationEngine, Turn
from bot.engine.replies import BulkReply, DraftReply, ImageReply, Reply
from bot.engine.text import render_text
from bot.services import Services
from copydesk.state.threads import BotState

PROMPT = "you> "
PROGRESS_EVERY_S = 2.0
BYE = {"quit", "exit", "bye", ":q"}


class TerminalProgress:
    """Streams description text and image steps to the terminal."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.streaming = False
        self.shown: list[DraftReply] = []  # drafts already printed (the engine returns the first one too)
        self.progress_at = 0.0

    def status(self, text: str) -> None:
        self.out.write(f"… {text}\n")
        self.out.flush()

    def text(self, delta: str) -> None:
        if not self.streaming:
            self.out.write("(drafting, unverified) ")
            self.streaming = True
        self.out.write(delta)
        self.out.flush()

    def step(self, done: int, total: int) -> None:
        self.out.write(f"\r… step {done} of {total}")
        if done >= total:
            self.out.write("\n")
        self.out.flush()

    def draft(self, reply: DraftReply, *, final: bool = False) -> None:
        """The first draft in full, polishing progress as status lines, then the final draft in full."""
        if final or not self.shown:
            self.shown.append(reply)
            self.out.write(render_text(reply) + "\n\n")
        elif reply.status:
            self.out.write(f"… {reply.status}\n")
        self.out.flush()

    def progress(self, text: str, *, force: bool = False) -> None:
        """A bulk job's progress, a line every few seconds (and the last one)."""
        now = time.monotonic()
        if force or now - self.progress_at >= PROGRESS_EVERY_S:
            self.progress_at = now
            self.out.write(f"… {text}\n")
            self.out.flush()

    def end(self) -> None:
        if self.streaming:
            self.out.write("\n")
            self.streaming = False


class TerminalChat:
    def __init__(self, services: Services, *, out: TextIO | None = None, image_dir: Path | None = None,
                 thread: str | None = None) -> None:
        self.services = services
        self.out = _Redacting(out or sys.stdout, services.settings.redactor())  # no secret reaches the terminal
        self.image_dir = image_dir or Path.cwd()
        services.settings.home.mkdir(parents=True, exist_ok=True)
        self.engine = ConversationEngine(services, BotState(services.database))
        services.load_text_generator_in_background()  # the first answers are first drafts while it loads
        self.thread_key = f"terminal:{thread or secrets.token_hex(3)}"

    def say(self, text: str) -> list[Reply]:
        """One turn: the engine's replies, printed (and images saved)."""
        progress = TerminalProgress(self.out)
        replies = self.engine.handle(Turn(self.thread_key, "terminal", text, channel_id="terminal"), progress)
        for started in [r for r in replies if isinstance(r, BulkReply)]:  # the terminal waits for its bulk job
            self.out.write(render_text(started) + "\n")
            replies.remove(started)
            while not (step := self.engine.bulk_step(started.job_id, progress)).finished:
                pass
            replies += step.replies
        self.engine.polishing.wait_idle()  # a terminal turn ends with its polished draft
        progress.end()
        for reply in [r for r in replies if not any(r is shown for shown in progress.shown)]:
            if isinstance(reply, ImageReply):
                path = self.image_dir / reply.filename
                path.write_bytes(reply.png)
                reply.filename = str(path)
            self.out.write(render_text(reply) + "\n\n")
        self.out.flush()
        return replies

    def run(self, read: Callable[[str], str] = input) -> None:
        self.out.write("copydesk chat: name a product (SKU, EAN or a description) to draft its listing; "
                       "`help` for more, `quit` to leave.\n\n")
        while True:
            try:
                line = read(PROMPT)
            except (EOFError, KeyboardInterrupt):
                self.out.write("\n")
                return
            if line.strip().lower() in BYE:
                return
            if line.strip():
                self.say(line)


class _Redacting:
    """A text stream that masks configured secrets (and token-shaped text) in everything written to it."""

    def __init__(self, out: TextIO, redact: Callable[[str], str]) -> None:
        self._out, self._redact = out, redact

    def write(self, text: str) -> int:
        return self._out.write(self._redact(text))

    def flush(self) -> None:
        self._out.flush()


__all__ = ["TerminalChat"]
