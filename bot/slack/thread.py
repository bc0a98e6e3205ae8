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

import base64
import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.slack.blocks import SlackMessage, SlackUpload, escape, render
from bot.engine.replies import DraftReply, Reply
from copydesk.state.outbox import PREVIEW, Outbox
from copydesk.state.threads import BotState

log = logging.getLogger("copydesk.bot")


# Shown above streamed model text: the verifier has not seen it yet.
PREVIEW_LABEL = "_Drafting… unverified preview: the checked draft replaces it._"
DELETE_TRIES = 3  # chat.delete of a preview (ok:false answers are not retried by the client's handlers)
DELETE_PAUSE_S = 0.5


class Undelivered(Exception):
    """Slack refused (or could not be reached for) part of an answer once the client's retries ran out.
    `parts`: what was not posted, in order; `cause`: the last error."""

    def __init__(self, parts: list[SlackMessage | SlackUpload], cause: Exception) -> None:
        super().__init__(f"{len(parts)} part(s) not posted: {_error_code(cause)}")
        self.parts = parts
        self.cause = cause


@dataclass
class Capabilities:
    """What this workspace supports, learnt once per process (chat streaming is not everywhere)."""

    chat_stream: bool = True


class SlackThread:
    def __init__(self, client: WebClient, *, channel: str, thread_ts: str, user: str | None, team: str | None,
                 interval_s: float, state: BotState, capabilities: Capabilities, assistant: bool = False,
                 outbox: Outbox | None = None) -> None:
        """`outbox`: where a preview is recorded until it is deleted (so a restart can delete it)."""
        self.client = client
        self.outbox = outbox
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
        # set by a worker: answers carry their job id, so a job run again can see it was already answered
        self.metadata: dict | None = None
        self._shown_ts: str | None = None  # a draft shown before its work was over (progressive drafts)
        self._shown_ref: tuple[str | None, int] | None = None  # (draft id, version) first shown there
        self._last_shown = 0.0
        self._kept_previews: set[str] = set()  # previews recorded in the outbox by this thread
        self._showing_failed = False  # Slack refused a progress update: no more of them (the answer still goes)

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
            if not self._showing_failed:
                with self._best_effort("the preview"):
                    self._show_text()

    def step(self, done: int, total: int) -> None:
        self.progress(f":art: Rendering the image… step {done} of {total}", force=done >= total)

    def draft(self, reply: DraftReply, *, final: bool = False) -> None:
        """Post the draft now, buttons and all; later calls update that message at most once per interval, the
        final one always (polishing runs on after the turn, so this may come from the polishing lane)."""
        message = next((p for p in render(reply) if isinstance(p, SlackMessage)), None)
        if message is None or self._showing_failed:
            return
        with self._lock, self._best_effort("showing the draft early"):
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
        if self._showing_failed:
            return
        with self._lock, self._best_effort("a progress message"):
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
            try:
                consumed = self._finish_stream(first)
            except (SlackApiError, SlackRequestError, OSError) as error:  # nothing of the answer is shown yet
                raise Undelivered(parts, error) from error
            if consumed is None and self._shown_ts is not None and replies and isinstance(replies[0], DraftReply) \
                    and (replies[0].draft.draft_id, replies[0].draft.version) == self._shown_ref:
                # already in the thread: posted by `draft`, and being polished in place from the lane
                consumed = next(p for p in rendered[0] if isinstance(p, SlackMessage))
        left = [part for part in parts if part is not consumed]
        for done, part in enumerate(left):
            try:
                self.upload(part) if isinstance(part, SlackUpload) else self.post(part)
            except (SlackApiError, SlackRequestError, OSError) as error:  # the client's retries ran out
                raise Undelivered(left[done:], error) from error

    def post(self, message: SlackMessage) -> str:
        response = self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts, text=message.text,
                                                blocks=message.blocks or None, metadata=self.metadata)
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
                self._stream.append(markdown_text=escape(self._pending))  # model text: no mention, no link
                self._pending = ""
                self._keep_preview(self._stream.ts)
                return
            except (SlackApiError, SlackRequestError) as error:
                log.info("chat streaming unavailable (%s); updating one message instead", _error_code(error))
                self.capabilities.chat_stream = False
                self._stream = None
        text = f"{PREVIEW_LABEL}\n{escape(self._buffer[-2800:])}"
        if self._draft_ts is None:
            self._draft_ts = self.client.chat_postMessage(channel=self.channel, thread_ts=self.thread_ts,
                                                          text=text)["ts"]
            self._keep_preview(self._draft_ts)
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
            pending = escape(self._pending) or None
            self._quietly("chat.stopStream", lambda: stream.stop(markdown_text=pending))
            if stream.ts:
                self._delete_preview(stream.ts)
            return None
        if self._draft_ts is not None and first is not None:
            self.client.chat_update(channel=self.channel, ts=self._draft_ts, text=first.text, blocks=first.blocks,
                                    metadata=self.metadata)
            self._remember(first, self._draft_ts)
            self._preview_gone(self._draft_ts)  # the checked reply took its place
            return first
        return None

    @contextmanager
    def _best_effort(self, what: str) -> Iterator[None]:
        """Progress (an early draft, a preview, "step k of N") is shown if Slack takes it: when Slack refuses it
        once the client's retries ran out, the work goes on, no more progress is tried, and the answer itself is
        delivered (or kept) as usual."""
        try:
            yield
        except (SlackApiError, SlackRequestError, OSError) as error:
            self._showing_failed = True
            log.warning("Slack refused %s in %s:%s (%s); the answer follows when it is ready", what, self.channel,
                        self.thread_ts, _error_code(error))

    def _keep_preview(self, ts: str | None) -> None:
        """Record an unverified preview until it is deleted or replaced: a restart deletes what a crash left."""
        if ts and self.outbox is not None and ts not in self._kept_previews:
            self._kept_previews.add(ts)
            self.outbox.keep(f"slack:{self.channel}:{self.thread_ts}", PREVIEW, ref=ts, body={"channel": self.channel})

    def _preview_gone(self, ts: str) -> None:
        if self.outbox is not None and ts in self._kept_previews:
            self.outbox.done_ref(PREVIEW, ts)

    def _delete_preview(self, ts: str) -> None:
        """Delete the unverified preview, retried; if Slack keeps refusing, a WARNING (it must not stay next to
        the checked draft unnoticed) and the record stays, so the next start tries again."""
        for attempt in range(1, DELETE_TRIES + 1):
            try:
                self.client.chat_delete(channel=self.channel, ts=ts)
            except (SlackApiError, SlackRequestError, OSError) as error:
                if attempt == DELETE_TRIES:
                    log.warning("could not delete the unverified preview %s in %s:%s after %d tries (%s); the next "
                                "start tries again", ts, self.channel, self.thread_ts, attempt, _error_code(error))
                    return
                time.sleep(DELETE_PAUSE_S * attempt)
            else:
                self._preview_gone(ts)
                return

    def _remember(self, message: SlackMessage, ts: str | None) -> None:
        if message.draft_ref and ts:
            self.state.remember_message(self.channel, ts, *message.draft_ref)

    def _quietly(self, what: str, call) -> None:  # noqa: ANN001
        """For cosmetic calls (status lines): a failure is logged, never fatal to the request."""
        try:
            call()
        except (SlackApiError, SlackRequestError) as error:
            log.info("%s failed: %s", what, _error_code(error))


def parts_to_json(parts: list[SlackMessage | SlackUpload]) -> list[dict[str, Any]]:
    """Rendered messages and uploads as JSON, to keep an answer Slack refused until it can be sent again."""
    found: list[dict[str, Any]] = []
    for part in parts:
        if isinstance(part, SlackUpload):
            found.append({"upload": {"content": base64.b64encode(part.content).decode(), "filename": part.filename,
                                     "title": part.title, "alt_text": part.alt_text,
                                     "initial_comment": part.initial_comment}})
        else:
            found.append({"message": {"text": part.text, "blocks": part.blocks,
                                      "draft_ref": list(part.draft_ref) if part.draft_ref else None}})
    return found


def parts_from_json(data: list[dict[str, Any]]) -> list[SlackMessage | SlackUpload]:
    parts: list[SlackMessage | SlackUpload] = []
    for item in data:
        if "upload" in item:
            upload = dict(item["upload"])
            parts.append(SlackUpload(content=base64.b64decode(upload.pop("content")), **upload))
        else:
            message = item["message"]
            ref = message.get("draft_ref")
            parts.append(SlackMessage(message["text"], message.get("blocks") or [], tuple(ref) if ref else None))
    return parts


def _error_code(error: Exception) -> str:
    response = getattr(error, "response", None)
    if response is not None:
        try:
            return str(response.get("error"))
        except Exception:  # noqa: BLE001
            pass
    return type(error).__name__
