"""`copydesk chat`: a terminal conversation on the same ConversationEngine the Slack bot uses.

One terminal session is one thread; the description streams to the terminal as the model writes it;
images are saved as PNG files in the current folder.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Callable, TextIO

from bot.engine import ConversationEngine, Turn
from bot.engine.replies import ImageReply, Reply
from bot.engine.text import render_text
from bot.services import Services
from copydesk.state.threads import BotState

PROMPT = "you> "
BYE = {"quit", "exit", "bye", ":q"}


class TerminalProgress:
    """Streams description text and image steps to the terminal."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.streaming = False

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

    def end(self) -> None:
        if self.streaming:
            self.out.write("\n")
            self.streaming = False


class TerminalChat:
    def __init__(self, services: Services, *, out: TextIO | None = None, image_dir: Path | None = None,
                 thread: str | None = None) -> None:
        self.services = services
        self.out = out or sys.stdout
        self.image_dir = image_dir or Path.cwd()
        services.settings.home.mkdir(parents=True, exist_ok=True)
        self.engine = ConversationEngine(services, BotState(services.database))
        self.thread_key = f"terminal:{thread or secrets.token_hex(3)}"

    def say(self, text: str) -> list[Reply]:
        """One turn: the engine's replies, printed (and images saved)."""
        progress = TerminalProgress(self.out)
        replies = self.engine.handle(Turn(self.thread_key, "terminal", text, channel_id="terminal"), progress)
        progress.end()
        for reply in replies:
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


__all__ = ["TerminalChat"]
