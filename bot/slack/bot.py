"""The Slack side of the conversation: turns Bolt payloads into engine calls on the worker pool and posts
the replies in the request's thread. Listeners (bot/slack/listeners.py) stay thin and call into here.

Guarantees: one answer per request (event ids and message ids de-duplicated, Slack retries dropped),
every failure visible in the thread with a reference id that is also in the log, replies always threaded,
allowlists respected, tokens never logged.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.engine import ConversationEngine, Press, Turn
from bot.engine.failures import error_reply
from bot.engine.intents import parse
from bot.engine.replies import (
    ACTION_IMAGE, ACTION_IMAGE_ANOTHER, ACTION_IMAGE_VARIATION, ACTION_PICK, BulkReply, InfoReply, Reply,
)
from bot.slack.blocks import escape
from bot.slack.files import SlackFiles
from bot.slack.owed import OwedAnswers, is_resend
from bot.slack.pool import InProcessRunner, Job, JobRunner, WorkPool
from bot.slack.thread import Capabilities, SlackThread, Undelivered
from copydesk.state.bulk import BulkStore
from copydesk.state.outbox import Outbox
from copydesk.state.threads import BotState, ThreadState
from copydesk.domain import Feedback
from copydesk.errors import RateLimitedError, ServiceUnavailableError
from copydesk.settings import Settings

log = logging.getLogger("copydesk.bot")

THUMBS = {"+1": "thumbs_up", "thumbsup": "thumbs_up", "-1": "thumbs_down", "thumbsdown": "thumbs_down"}
IMAGE_ACTIONS = (ACTION_IMAGE, ACTION_IMAGE_ANOTHER, ACTION_IMAGE_VARIATION)
ANSWER_EVENT = "copydesk_answer"  # Slack message metadata on a worker's answers: {"job_id": ...}
# A job handler: (the bot, the job, the thread its answer goes to) -> the replies to post there.
Handler = Callable[["SlackBot", Job, SlackThread], list[Reply]]


@dataclass
class Where:
    """The thread a request came from and the one its answer belongs in."""

    channel: str
    thread_ts: str
    user: str | None
    team: str | None
    assistant: bool = False

    @property
    def key(self) -> str:
        return f"slack:{self.channel}:{self.thread_ts}"

    def to_json(self) -> dict[str, Any]:
        return {"channel": self.channel, "thread_ts": self.thread_ts, "user": self.user, "team": self.team,
                "assistant": self.assistant}


class SlackBot:
    def __init__(self, settings: Settings, engine: ConversationEngine, state: BotState, client: WebClient,
                 runner: JobRunner | None = None) -> None:
        """`runner`: where jobs run (default: this process's pool; bot/worker/runner.py: Celery workers)."""
        self.settings = settings
        self.engine = engine
        self.state = state
        self.client = client
        self.pool: JobRunner = runner or InProcessRunner(WorkPool(settings.workers, settings.user_queue_limit),
                                                         self.run_job)
        self.handlers: dict[str, Handler] = {"turn": SlackBot._turn_job, "press": SlackBot._press_job,
                                             "bulk": SlackBot._bulk_job}
        self.bulk = BulkStore(state.db)  # where a bulk job's progress message is kept between its slices
        self.capabilities = Capabilities()
        self.tag_answers = False  # workers: answers carry their job id (Slack message metadata)
        self.bot_user_id: str | None = None  # set from auth.test by the app factory
        self.files = SlackFiles(client.token or "", settings.slack_api_url, settings.upload_max_bytes)
        self.outbox = Outbox(state.db)
        self.owed = OwedAnswers(self.outbox)  # answers Slack refused, previews to delete, requests in flight
        self._active: set[str] = set()  # ids of the jobs this process has taken and not yet answered
        self._active_lock = threading.Lock()

    # --- messages -------------------------------------------------------------------------
    def on_message(self, event: dict[str, Any], body: dict[str, Any], headers: dict[str, Any], *,
                   assistant: bool = False) -> None:
        channel, ts = event.get("channel"), event.get("ts")
        if not channel or not ts:
            return
        where = Where(channel, event.get("thread_ts") or ts, event.get("user"), body.get("team_id")
                      or event.get("team"), assistant)
        event_key = f"event:{body['event_id']}" if body.get("event_id") else ""
        try:
            if not self._first_time(body, headers, f"msg:{channel}:{ts}"):
                return
        except ServiceUnavailableError as error:  # the database is down: say so rather than stay silent
            self._deliver(self.thread_for(where), [error_reply(error, context=f"thread={where.key}")], where)
            return
        if not self._allowed(where):
            return
        if not self.state.knows_thread(where.key):  # known from now on: a crash mid-answer leaves no deaf thread
            self.state.save_thread(ThreadState(where.key, started_by=where.user))
        self._react(channel, ts)
        text = event.get("text") or ""
        files = event.get("files") or []
        self._submit(where, Job(f"msg:{channel}:{ts}", self._message_kind(text, files), "turn",
                                {"text": text, "files": files, "answers": [event_key, f"msg:{channel}:{ts}"]},
                                where.user, where.key))

    def is_followup(self, event: dict[str, Any]) -> bool:
        """A plain message (no mention) the bot should answer: a DM, or a reply in a thread it is part of."""
        if event.get("bot_id") or event.get("subtype") not in (None, "file_share", "thread_broadcast"):
            return False
        if event.get("channel_type") == "im":
            return True
        if self.bot_user_id and f"<@{self.bot_user_id}>" in (event.get("text") or ""):
            return False  # the app_mention event answers this one
        thread_ts = event.get("thread_ts")
        return bool(thread_ts) and self.state.knows_thread(f"slack:{event.get('channel')}:{thread_ts}")

    # --- buttons ------------------------------------------------------------------------------
    def on_action(self, body: dict[str, Any]) -> None:
        action = (body.get("actions") or [{}])[0]
        action_id = str(action.get("action_id", "")).split(":", 1)[0]
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        message = body.get("message") or {}
        container = body.get("container") or {}
        thread_ts = message.get("thread_ts") or container.get("thread_ts") or message.get("ts")
        if not channel or not thread_ts:
            log.warning("button press without a message thread: %s", action_id)
            return
        user = (body.get("user") or {}).get("id")
        where = Where(channel, thread_ts, user, (body.get("team") or {}).get("id"))
        if not self._allowed(where):
            return
        action_id = ACTION_PICK if action_id.startswith(ACTION_PICK) else action_id
        # Slack does not retry interactions; the action's own timestamp tells two presses apart
        job_id = f"press:{channel}:{thread_ts}:{user}:{action.get('action_ts') or message.get('ts')}:{action_id}"
        self._submit(where, Job(job_id, self._press_kind(where, action_id), "press",
                                {"action": action_id, "value": str(action.get("value", ""))}, user, where.key))

    # --- /copydesk --------------------------------------------------------------------------------
    def on_command(self, command: dict[str, Any], respond_now: Callable[[str], None]) -> None:
        """`/copydesk help|brands` answer at once (only to the person); the rest get a thread of their own.
        `respond_now` is the acknowledgement (Bolt's ack): called exactly once, before any slow work."""
        text = (command.get("text") or "").strip()
        channel, user = command.get("channel_id"), command.get("user_id")
        word = text.split(" ", 1)[0].lower() if text else "help"
        where = Where(channel, "", user, command.get("team_id"))
        if not self._allowed(where, tell=False):  # every command, help and brands included
            respond_now("copydesk is not enabled here (see COPYDESK_ALLOWED_CHANNELS / COPYDESK_ALLOWED_USERS).")
            return
        if word in ("help", "brands", ""):
            reply = self.engine.handle(Turn(f"slack-command:{channel}:{user}", user, word or "help", channel))
            from bot.engine.text import render_text

            respond_now(escape("\n".join(render_text(r) for r in reply)))
            return
        try:
            posted = self.client.chat_postMessage(channel=channel, text=f"<@{user}> asked: `/copydesk {escape(text)}`")
        except SlackApiError as error:
            reply = error_reply(error, context=f"/copydesk in {channel}")
            respond_now(f"Could not start a thread here ({error.response.get('error')}); invite copydesk to "
                        f"the channel first. Reference: {reply.ref}")
            return
        respond_now(f"Working on `/copydesk {escape(text)}`; the answer goes in the thread of my message here.")
        where.thread_ts = posted["ts"]
        self._submit(where, Job(f"cmd:{channel}:{posted['ts']}", self._message_kind(text, []), "turn",
                                {"text": text, "files": []}, user, where.key))

    # --- reactions: thumbs on a draft become feedback ---------------------------------------------
    def on_reaction(self, event: dict[str, Any]) -> None:
        kind = THUMBS.get(str(event.get("reaction", "")).split("::")[0])
        item = event.get("item") or {}
        if kind is None or item.get("type") != "message":
            return
        if not self._allowed(Where(item.get("channel", ""), "", event.get("user"), None), tell=False):
            return  # a reaction in a channel copydesk does not serve is no feedback
        self.engine.react(item.get("channel", ""), item.get("ts", ""), kind, event.get("user"))

    # --- internals ------------------------------------------------------------------------------------
    def thread_for(self, where: Where) -> SlackThread:
        return SlackThread(self.client, channel=where.channel, thread_ts=where.thread_ts, user=where.user,
                           team=where.team, interval_s=self.settings.stream_update_interval_s, state=self.state,
                           capabilities=self.capabilities, assistant=where.assistant, outbox=self.outbox)

    def recover(self) -> None:
        """At start-up: delete unverified previews a crash left, tell threads whose request died with it."""
        try:
            self.owed.recover(self.client)
        except ServiceUnavailableError:
            log.warning("could not look for work a stopped process left (the database is unavailable)")

    # --- jobs: queued by the listeners above, run here or in a `copydesk worker` ------------------------
    def run_job(self, job: Job) -> None:
        """Run one job and post its replies in its thread (in this process or in a worker: the same code).
        Never raises: a failure is a visible reply with a reference id."""
        where = thread_where(job)
        thread = self.thread_for(where)
        if self.tag_answers:
            thread.metadata = {"event_type": ANSWER_EVENT, "event_payload": {"job_id": job.job_id}}
        try:
            thread.status("is working on it…")
            resent = self.owed.resend(thread, where.key) if job.handler != "bulk" else 0  # what Slack refused before
            if job.handler == "turn" and is_resend(job.payload.get("text") or ""):
                replies = [] if resent else [InfoReply("Nothing in this thread is waiting to be sent again.")]
            else:
                replies = self.handlers[job.handler](self, job, thread)
        except Exception as error:  # noqa: BLE001 - the engine answers errors itself; this is a bug
            replies = [error_reply(error, context=f"thread={where.key} job={job.job_id}")]
        self._deliver(thread, replies, where)
        for reply in replies:
            if isinstance(reply, BulkReply):  # answered at once; the drafting follows in slices
                self._queue_bulk(where, reply.job_id, 1)
        try:
            self.state.mark_answered(*job.payload.get("answers", []))
            if job.payload.get("tracked"):
                self.owed.answered(job.job_id)
        except ServiceUnavailableError:  # the answer is posted; only its record is missing
            log.warning("could not record job %s as answered", job.job_id, exc_info=True)
        finally:
            with self._active_lock:
                self._active.discard(job.job_id)

    def already_answered(self, job: Job) -> bool:
        """Whether the job's thread shows an answer tagged with its id (a worker that died after posting it)."""
        where = thread_where(job)
        try:
            replies = self.client.conversations_replies(channel=where.channel, ts=where.thread_ts,
                                                        include_all_metadata=True, limit=1000)
        except SlackApiError as error:  # cannot tell: answering again beats not answering
            log.info("conversations.replies failed (%s); job %s runs again", error.response.get("error"), job.job_id)
            return False
        return any(((m.get("metadata") or {}).get("event_payload") or {}).get("job_id") == job.job_id
                   for m in replies.get("messages") or [])

    def _turn_job(self, job: Job, thread: SlackThread) -> list[Reply]:
        where, payload = thread_where(job), job.payload
        turn = Turn(where.key, where.user, payload["text"], where.channel, self.files.attachments(payload.get("files") or []))
        return self.engine.handle(turn, thread)

    def _press_job(self, job: Job, thread: SlackThread) -> list[Reply]:
        where, payload = thread_where(job), job.payload
        return self.engine.press(Press(where.key, where.user, payload["action"], payload["value"], where.channel),
                                 thread)

    def _bulk_job(self, job: Job, thread: SlackThread) -> list[Reply]:
        """One slice of a bulk job. While products remain, the next slice is queued behind every request that
        waits (the pool takes jobs in order; with Celery the bulk queue comes after copy and image), so a
        single draft is never stuck behind a 1,000-product job. One progress message, kept across slices."""
        bulk_id, shown = job.payload["bulk"], self.bulk.get(job.payload["bulk"]).message_ts
        thread.keep_progress_in(shown, job.payload.get("shown_at"))
        step = self.engine.bulk_step(bulk_id, thread)
        if thread.progress_ts and thread.progress_ts != shown:
            self.bulk.set_message(bulk_id, thread.progress_ts)
        if not step.finished:
            self._queue_bulk(thread_where(job), bulk_id, job.payload["slice"] + 1, thread.progress_shown_at)
        return step.replies

    def _queue_bulk(self, where: Where, bulk_id: str, number: int, shown_at: float | None = None) -> None:
        # queued under the job's own name: its slices never count against the person's request limit
        payload = {"bulk": bulk_id, "slice": number, "shown_at": shown_at}
        self._submit(where, Job(f"bulk:{bulk_id}:{number}", "bulk", "bulk", payload, where.user, where.key),
                     queue_as=f"bulk:{bulk_id}")

    def _message_kind(self, text: str, files: list[dict[str, Any]]) -> str:
        """The queue a message goes to: images to the image workers, everything else to the copy workers."""
        if any(str(f.get("mimetype", "")).startswith("image/") for f in files):
            return "image"
        return "image" if parse(text, has_draft=True).kind == "image" else "draft"

    def _press_kind(self, where: Where, action_id: str) -> str:
        if action_id in IMAGE_ACTIONS:
            return "image"
        if action_id == ACTION_PICK:  # a product pick continues what the thread was doing
            thread = self.state.thread(where.key)
            return "image" if thread is not None and thread.pending == "image" else "draft"
        return "draft"

    def _submit(self, where: Where, job: Job, *, queue_as: str | None = None) -> None:
        thread = self.thread_for(where)
        # a request run in this process is recorded until answered, so that a restart can own up to it
        tracked = isinstance(self.pool, InProcessRunner) and job.handler in ("turn", "press")
        job = Job(job.job_id, job.kind, job.handler, {**job.payload, "where": where.to_json(), "tracked": tracked},
                  job.user, job.thread_key)
        with self._active_lock:
            self._active.add(job.job_id)
        try:
            if tracked:
                self.owed.taking(where.key, job.job_id, where.to_json())
            ticket = self.pool.submit(queue_as or where.user, job)
        except (RateLimitedError, ServiceUnavailableError) as error:
            with self._active_lock:
                self._active.discard(job.job_id)
            if tracked:
                self._quietly_untrack(job.job_id)
            self._deliver(thread, [error_reply(error, context=f"queueing user={where.user}")], where)
            return
        if ticket.position > 0 and queue_as is None:  # (a bulk job's next slice waits without a notice)
            # its own SlackThread: the job may already be streaming into `thread`
            notice = InfoReply(f":hourglass_flowing_sand: You are number {ticket.position} in the queue; "
                               "the answer will appear here.")
            self._deliver(self.thread_for(where), [notice], where)

    def _quietly_untrack(self, job_id: str) -> None:
        try:
            self.owed.answered(job_id)
        except ServiceUnavailableError:
            log.warning("could not clear the record of request %s", job_id)

    def _deliver(self, thread: SlackThread, replies: list[Reply], where: Where) -> None:
        try:
            thread.deliver(replies)
        except Undelivered as failed:  # Slack refused once the retries ran out: keep the answer, say so
            self.owed.keep(thread, where.key, failed)
        except Exception as error:  # noqa: BLE001 - a reply that cannot be posted still gets a visible note
            failure = error_reply(error, context=f"posting to {where.key}")
            try:
                thread.deliver([failure])
            except Exception:  # noqa: BLE001
                log.error("%s could not post the failure notice to %s either", failure.ref, where.key)

    def _first_time(self, body: dict[str, Any], headers: dict[str, Any], message_key: str) -> bool:
        """True for a request to answer: never seen, or Slack's retry of one that was taken more than
        `event_retake_s` ago and never answered (the process that took it died), unless it runs here."""
        event_id = body.get("event_id")
        retry = _header(headers, "x-slack-retry-num")
        keys = (f"event:{event_id}" if event_id else "", message_key)
        if self.state.first_time(*keys):
            return True
        with self._active_lock:
            running_here = message_key in self._active
        if retry and not running_here and self.state.retake(
                *keys, seen_before=time.time() - self.settings.event_retake_s):
            log.warning("answering Slack's retry %s of event %s (%s): it was taken and never answered", retry,
                        event_id, message_key)
            return True
        log.info("dropping a repeated event %s (%s, retry %s)", event_id, message_key, retry or "none")
        return False

    def _allowed(self, where: Where, *, tell: bool = True) -> bool:
        """Whether copydesk serves this channel and user; `tell`: say so to the person (ephemeral) when not."""
        channels, users = self.settings.allowed_channels, self.settings.allowed_users
        if (not channels or where.channel in channels) and (not users or (where.user or "") in users):
            return True
        log.info("not allowed: channel %s user %s", where.channel, where.user)
        if not tell:
            return False
        try:
            self.thread_for(where).ephemeral(
                "copydesk is not enabled for you in this channel. Ask whoever runs it to add the channel to "
                "COPYDESK_ALLOWED_CHANNELS (or you to COPYDESK_ALLOWED_USERS).")
        except SlackApiError as error:
            log.info("could not tell %s they are not allowed: %s", where.user, error.response.get("error"))
        return False

    def _react(self, channel: str, ts: str) -> None:
        try:
            self.client.reactions_add(channel=channel, timestamp=ts, name="eyes")
        except SlackApiError as error:  # cosmetic: the answer itself still follows
            log.info("reactions.add failed: %s", error.response.get("error"))


def thread_where(job: Job) -> Where:
    return Where(**job.payload["where"])


def _header(headers: dict[str, Any], name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value[0] if isinstance(value, (list, tuple)) else value
    return None
