"""What a thread is owed when Slack or the process failed it (copydesk/state/outbox.py keeps the records):

- an answer Slack refused once the Web API retries ran out is kept, and the thread is told so; it is posted
  again on `resend` in the thread, or before the answer to the thread's next message;
- at start-up, unverified previews a crash left are deleted (a failure is a WARNING, tried again next start),
  and threads whose request died with a process on this host are told to ask again.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.engine.failures import new_ref
from bot.engine.intents import clean
from bot.engine.replies import ErrorReply, InfoReply
from bot.slack.blocks import SlackMessage, SlackUpload, render
from bot.slack.thread import Undelivered, parts_from_json, parts_to_json
from copydesk.state.outbox import ANSWER, PREVIEW, REQUEST, Outbox, process_is_gone, this_process

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.slack.thread import SlackThread

log = logging.getLogger("copydesk.bot")

RESEND = re.compile(r"^\s*(resend|send (it|that|the answer)? ?again|post (it|that) again)\s*[.!]*\s*$", re.I)
PREVIEW_DELETE_STARTS = 5  # starts that try to delete a left-over preview before it is reported and dropped
SLACK_FAILURES = (SlackApiError, SlackRequestError, OSError)


def is_resend(text: str) -> bool:
    return bool(RESEND.match(clean(text)))


class OwedAnswers:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    # --- answers Slack refused ------------------------------------------------------------
    def keep(self, thread: SlackThread, thread_key: str, failed: Undelivered) -> None:
        """Keep what was not posted, and tell the thread (if even that fails: an ERROR in the log)."""
        kept = self.outbox.keep(thread_key, ANSWER, body={"parts": parts_to_json(failed.parts)})
        ref, why = new_ref(), _why(failed.cause)
        log.warning("%s Slack refused an answer for %s after retries (%s); kept as outbox %s", ref, thread_key, why, kept)
        notice = ErrorReply(f"Slack refused to post my answer here ({why}), even after retrying.", ref=ref,
                            hint="The answer is kept: say `resend` in this thread to get it (it also comes "
                                 "before the answer to your next message here).")
        try:
            for part in render(notice):
                if isinstance(part, SlackMessage):
                    thread.post(part)
        except SLACK_FAILURES as error:
            log.error("%s Slack refused the notice for %s too (%s); the answer stays kept (outbox %s)", ref,
                      thread_key, _why(error), kept)

    def resend(self, thread: SlackThread, thread_key: str) -> int:
        """Post the answers this thread is owed, oldest first; returns how many went out. One that fails again
        stays kept (the caller's own answer then meets the same Slack)."""
        sent = 0
        for item in self.outbox.owed(kind=ANSWER, thread_key=thread_key):
            parts = parts_from_json(item.body.get("parts") or [])
            try:
                thread.post(render(InfoReply("Here is the answer Slack refused to take earlier:"))[0])  # type: ignore[arg-type]
                for part in parts:
                    thread.upload(part) if isinstance(part, SlackUpload) else thread.post(part)
            except SLACK_FAILURES as error:
                attempts = self.outbox.failed(item.id)
                log.warning("resending outbox %s to %s failed again (%s, attempt %d)", item.id, thread_key,
                            _why(error), attempts)
                break
            self.outbox.done(item.id)
            sent += 1
        return sent

    # --- requests in flight (so that a restart can own up to them) ----------------------------------
    def taking(self, thread_key: str, job_id: str, where: dict[str, Any]) -> None:
        self.outbox.keep(thread_key, REQUEST, ref=job_id, body={"where": where}, owner=this_process())

    def answered(self, job_id: str) -> None:
        self.outbox.done_ref(REQUEST, job_id)

    # --- start-up -------------------------------------------------------------------------------------
    def recover(self, client: WebClient) -> None:
        """Delete unverified previews a crash left, and tell the threads whose request died with a process."""
        for item in self.outbox.owed(kind=PREVIEW):
            channel = item.body.get("channel") or item.thread_key.split(":")[1]
            try:
                client.chat_delete(channel=channel, ts=item.ref)
            except SLACK_FAILURES as error:
                attempts = self.outbox.failed(item.id)
                log.warning("could not delete the unverified preview %s left in %s (%s; start %d of %d)", item.ref,
                            item.thread_key, _why(error), attempts, PREVIEW_DELETE_STARTS)
                if attempts >= PREVIEW_DELETE_STARTS:
                    log.error("giving up on deleting the unverified preview %s in %s: delete it by hand", item.ref,
                              item.thread_key)
                    self.outbox.done(item.id)
                continue
            self.outbox.done(item.id)
            log.warning("deleted the unverified preview %s that a stopped process left in %s", item.ref,
                        item.thread_key)
        for item in self.outbox.owed(kind=REQUEST):
            if not process_is_gone(item.owner):
                continue  # still running (another replica), or on another host: its own start tells it
            where = item.body.get("where") or {}
            try:
                client.chat_postMessage(
                    channel=where.get("channel"), thread_ts=where.get("thread_ts"),
                    text=":warning: copydesk stopped (it was restarted) before it finished answering this. "
                         "Nothing stored is lost: ask again here (send your last message again).")
            except SLACK_FAILURES as error:
                log.error("could not tell %s that its request died with the process (%s)", item.thread_key,
                          _why(error))
                continue
            self.outbox.done(item.id)
            log.warning("told %s that its request %s died with process %s", item.thread_key, item.ref, item.owner)


def _why(error: BaseException) -> str:
    """Slack's error code, or the HTTP status, or the exception's name: no text that could hold a secret."""
    response = getattr(error, "response", None)
    if response is not None:
        try:
            code, status = response.get("error"), getattr(response, "status_code", None)
            return f"{code}, HTTP {status}" if status and status != 200 else str(code)
        except Exception:  # noqa: BLE001
            pass
    return type(error).__name__
