"""One Slack thread as the engine's Progress and as the place replies are posted.

- description text streams with `client.chat_stream` (chat.startStream/appendStream/stopStream) where the
  workspace supports it; elsewhere one message is posted and updated at most once per
  `settings.stream_update_interval_s`;
- image progress is one message "step k of N", updated at most once per interval;
- replies are rendered to Block Kit (bot/slack/blocks.py) and posted with `thread_ts`; images and exports go
  up with `files_upload_v2` into the thread.
Every Web API call goes through the app's WebClient, whose retry handlers deal with 429s and 5xx.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.slack.blocks import SlackMessage, SlackUpload, render
from bot.engine.replies import DraftReply, Reply
from copydesk.state.threads import BotState

log = logging.getLogger("copydesk.bot")


# Shown above streamed model text: the verifier has not seen it yet.
PREVIEW_LABEL = "_Drafting… unverified preview: the checked draft replaces it._"


@dataclass
class Capabilities:
    """What this workspace supports, learnt once per process (chat streaming is not everywhere)."""

    chat_stream: bool = True


class SlackThread:
    def __init__(self, client: WebClient, *, channel: str, thread_ts: str, user: str | None, team: str | None,
                 interval_s: float, state: BotState, capabilities: Capabilities, assistant: bool = False) -> None:
        self.client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self.user = user
        self.team = team
        self.interval_s = interval_s
        self.state = state
        self.capabilities = capabilities
        self.assistant = assistant
        self._lock = threading.Lock()
        self._stream = None  # slack_sdk ChatStream while streaming
        self._draft_ts: str | None = None  # the "drafting…" message in update mode
        self._buffer = ""  # all description text so far
        self._pending = ""  # text not yet shown
        self._shown = False
        self._last_update = 0.0
        self._progress_ts: str | None = None
        self._progress_text = ""
        self._last_progress = 0.0
        self._shown_ts: str | None = None  # a draft shown before its work was over (progressive drafts)
        self._shown_ref: tuple[str | None, int] | None = None  # (draft id, version) first shown there
        self._last_shown = 0.0

    # --- Progress (called from the engine while it works) ------------------------------------
    def status(self, text: str) -> None:
        if self.assistant:
            self._quietly("assistant.threads.setStatus", lambda: self.client.assistant_threads_setStatus(
                channel_id=self.channel, thread_ts=self.thread_ts, status=text[:100]))

    def text(self, delta: str) -> None:
        """Stream the description: at most one Web API call per interval, whichever way it is shown."""
        with self._lock:
            self._buffer += delta
            self._pending += delta
            if self._shown and time.monotonic() - self._last_update < self.interval_s:
                return
            self._show_text()

    def step(self, done: int, total: int) -> None:
        self.progress(f":art: Rendering the image… step {done} of {total}", force=done >= total)

    def draft(self, reply: DraftReply, *, final: bool = False) -> None:
        """Post the draft now, buttons and all; later calls update that message at most once per interval, the
        final one always (polishing runs on after the turn, so this may come from the polishing lane)."""
        message = next((p for p in render(reply) if isinstance(p, SlackMessage)), None)
        if message is None:
            return
        with self._lock:
            now = time.monotonic()
            if self._shown_ts is None:
                self._shown_ts = self.post(message)
                self._shown_ref = (reply.draft.draft_id, reply.draft.version)
                self._last_shown = now
            elif final or now - self._last_shown >= self.interval_s:
                self.client.chat_update(channel=self.channel, ts=self._shown_ts, text=message.text,
                                        blocks=message.blocks or None)
                self._remember(message, self._shown_ts)
                self._last_shown = now

    @property
    def progress_ts(self) -> str | None:
        """The progress message's ts, once there is one."""
        return self._progress_ts

    @property
    def progress_shown_at(self) -> float | None:
        """When the progress message was last posted or updated (epoch seconds), if it was."""
        return time.time() - (time.monotonic() - self._last_progress) if self._progress_ts else None

    def keep_progress_in(self, ts: str | None, shown_at: float | None = None) -> None:
        """Update this existing message rather than post a new one (a bulk job's next slice, maybe in another
        process), no sooner than one interval after it was last shown."""
        with self._lock:
            self._progress_ts = ts or self._progress_ts
            if ts and shown_at:
                self._last_progress = time.monotonic() - max(0.0, time.time() - shown_at)

    def progress(self, text: str, *, force: bool = False) -> None:
        """One progress message in the thread, updated at most once per interval (always when forced)."""
        with self._lock:
            self._progress_text = text
            now = time.monotonic()
            if self._progress_ts is None:
                response = self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts, text=text)
                self._progress_ts = response["ts"]
                self._last_progress = now
            elif force or now - self._last_progress >= self.interval_s:
                self.client.chat_update(channel=self.channel, ts=self._progress_ts, text=text)
                self._last_progress = now

    # --- replies --------------------------------------------------------------------------------
    def deliver(self, replies: list[Reply]) -> None:
        """Post the replies into the thread; a streamed or progress message is finished first."""
        if not replies:  # a bulk job's slice with more to come: its progress message stays as it is
            return
        rendered = [render(reply) for reply in replies]
        parts = [part for group in rendered for part in group]
        first = next((p for p in parts if isinstance(p, SlackMessage)), None)
        with self._lock:
            consumed = self._finish_stream(first)
            if consumed is None and self._shown_ts is not None and replies and isinstance(replies[0], DraftReply) \
                    and (replies[0].draft.draft_id, replies[0].draft.version) == self._shown_ref:
                # already in the thread: posted by `draft`, and being polished in place from the lane
                consumed = next(p for p in rendered[0] if isinstance(p, SlackMessage))
        for part in parts:
            if part is consumed:
                continue
            if isinstance(part, SlackUpload):
                self.upload(part)
            else:
                self.post(part)

    def post(self, message: SlackMessage) -> str:
        response = self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts, text=message.text,
                                                blocks=message.blocks or None)
        ts = response["ts"]
        self._remember(message, ts)
        return ts

    def upload(self, upload: SlackUpload) -> None:
        self.client.files_upload_v2(channel=self.channel, thread_ts=self.thread_ts, content=upload.content,
                                    filename=upload.filename, title=upload.title, alt_txt=upload.alt_text,
                                    initial_comment=upload.initial_comment)

    def ephemeral(self, text: str) -> None:
        if self.user:
            self.client.chat_postEphemeral(channel=self.channel, user=self.user, text=text,
                                           thread_ts=self.thread_ts or None)

    # --- streaming internals (hold self._lock) -----------------------------------------------------
    def _show_text(self) -> None:
        self._shown = True
        self._last_update = time.monotonic()
        if self.capabilities.chat_stream and self._draft_ts is None:
            try:
                if self._stream is None:  # buffer_size=1: this class decides when to send, not ChatStream
                    self._stream = self.client.chat_stream(
                        channel=self.channel, thread_ts=self.thread_ts, recipient_team_id=self.team,
                        recipient_user_id=self.user, buffer_size=1)
                    self._pending = PREVIEW_LABEL + "\n" + self._pending
                self._stream.append(markdown_text=self._pending)
                self._pending = ""
                return
            except (SlackApiError, SlackRequestError) as error:
                log.info("chat streaming unavailable (%s); updating one message instead", _error_code(error))
                self.capabilities.chat_stream = False
                self._stream = None
        text = f"{PREVIEW_LABEL}\n{self._buffer[-2800:]}"
        if self._draft_ts is None:
            self._draft_ts = self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts,
                                                          text=text)["ts"]
        else:
            self.client.chat_update(channel=self.channel, ts=self._draft_ts, text=text)
        self._pending = ""

    def _finish_stream(self, first: SlackMessage | None) -> SlackMessage | None:
        """End a stream or the drafting message, putting the first reply message there. Returns it if used."""
        if self._progress_ts is not None:
            self.client.chat_update(channel=self.channel, ts=self._progress_ts,
                                    text=self._progress_text.replace("Rendering", "Rendered"))
        if self._stream is not None:
            # The streamed text is the model's unverified candidate: it must not stay in the thread next to
            # the checked draft (a stream cannot be rewritten once appended), so the preview is deleted and
            # the reply is posted as its own message.
            stream, self._stream = self._stream, None
            pending = self._pending or None
            self._quietly("chat.stopStream", lambda: stream.stop(markdown_text=pending))
            if stream.ts:
                self._quietly("chat.delete", lambda: self.client.chat_delete(channel=self.channel, ts=stream.ts))
            return None
        if self._draft_ts is not None and first is not None:
            self.client.chat_update(channel=self.channel, ts=self._draft_ts, text=first.text, blocks=first.blocks)
            self._remember(first, self._draft_ts)
            return first
        return None

    def _remember(self, message: SlackMessage, ts: str | None) -> None:
        if message.draft_ref and ts:
            self.state.remember_message(self.channel, ts, *message.draft_ref)

    def _quietly(self, what: str, call) -> None:  # noqa: ANN001
        """For cosmetic calls (status lines): a failure is logged, never fatal to the request."""
        try:
            call()
        except (SlackApiError, SlackRequestError) as error:
            log.info("%s failed: %s", what, _error_code(error))


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None)
    if response is not None:
        try:
            return str(response.get("error"))
        except Exception:  # noqa: BLE001
            pass
    return type(error).__name__
