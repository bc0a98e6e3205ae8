"""Sends correctly signed Events API, interactivity and slash-command requests to a bot's HTTP endpoint.

Signatures come from slack_sdk's own SignatureVerifier (v0 HMAC-SHA256 of "v0:{timestamp}:{body}").
"""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from tests.slack_standin.webapi import BOT_USER_ID, TEAM_ID

SIGNING_SECRET = "test-signing-secret"
_IDS = itertools.count(1)


@dataclass
class Sent:
    status: int
    body: str
    seconds: float


class SignedSender:
    """Posts to `url` (the bot's /slack/events) as Slack would."""

    def __init__(self, url: str, signing_secret: str = SIGNING_SECRET) -> None:
        self.url = url
        self.verifier = SignatureVerifier(signing_secret)
        self._ids = _IDS  # shared: two senders (a bot and its restart, on one database) never repeat an event id

    # --- raw --------------------------------------------------------------------
    def post(self, body: str, content_type: str, *, headers: dict[str, str] | None = None,
             bad_signature: bool = False, timeout: float = 10.0) -> Sent:
        timestamp = str(int(time.time()))
        signature = self.verifier.generate_signature(timestamp=timestamp, body=body)
        if bad_signature:
            signature = "v0=" + "0" * 64
        request = urllib.request.Request(self.url, data=body.encode(), method="POST", headers={
            "Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature, **(headers or {})})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Sent(response.status, response.read().decode(), time.perf_counter() - started)
        except urllib.error.HTTPError as error:
            return Sent(error.code, error.read().decode(), time.perf_counter() - started)

    # --- Events API -------------------------------------------------------------
    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None,
              bad_signature: bool = False) -> Sent:
        envelope = event_envelope(event, event_id or f"Ev{next(self._ids):08d}")
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(envelope), "application/json", headers=headers, bad_signature=bad_signature)

    def mention(self, text: str, *, channel: str = "C0TEST", user: str = "U0ALICE", ts: str | None = None,
                thread_ts: str | None = None, event_id: str | None = None, retry_num: int | None = None,
                files: list[dict[str, Any]] | None = None) -> tuple[Sent, str]:
        """An app_mention; returns the response and the message ts (the thread the answer belongs in)."""
        ts = ts or f"{int(time.time())}.{next(self._ids):06d}"
        event = {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts,
                 "channel": channel, "event_ts": ts, "team": TEAM_ID}
        if thread_ts:
            event["thread_ts"] = thread_ts
        if files:
            event["files"] = files
        return self.event(event, event_id=event_id, retry_num=retry_num), ts

    def thread_reply(self, text: str, *, thread_ts: str, channel: str = "C0TEST", user: str = "U0ALICE",
                     channel_type: str = "channel", files: list[dict[str, Any]] | None = None) -> Sent:
        ts = f"{int(time.time())}.{next(self._ids):06d}"
        event = {"type": "message", "user": user, "text": text, "ts": ts, "thread_ts": thread_ts,
                 "channel": channel, "channel_type": channel_type, "event_ts": ts, "team": TEAM_ID}
        if files:
            event["files"] = files
            event["subtype"] = "file_share"
        return self.event(event)

    # --- interactivity and slash commands ---------------------------------------
    def action(self, action_id: str, value: str, *, channel: str = "C0TEST", thread_ts: str,
               message_ts: str = "1700000000.000001", user: str = "U0ALICE") -> Sent:
        payload = {
            "type": "block_actions", "team": {"id": TEAM_ID}, "user": {"id": user, "team_id": TEAM_ID},
            "api_app_id": "A0TEST", "trigger_id": "1.2.3", "channel": {"id": channel},
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel,
                          "thread_ts": thread_ts},
            "message": {"ts": message_ts, "thread_ts": thread_ts, "text": "", "bot_id": "BBOT"},
            "response_url": "https://hooks.invalid/actions/1",
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                         "action_ts": str(time.time())}],
        }
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def command(self, text: str, *, command: str = "/copydesk", channel: str = "C0TEST",
                user: str = "U0ALICE") -> Sent:
        form = {"token": "x", "team_id": TEAM_ID, "channel_id": channel, "channel_name": "marketing",
                "user_id": user, "user_name": "alice", "command": command, "text": text,
                "api_app_id": "A0TEST", "response_url": "https://hooks.invalid/commands/1", "trigger_id": "1.2.3"}
        return self.post(urlencode(form), "application/x-www-form-urlencoded")


def event_envelope(event: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {"token": "x", "team_id": TEAM_ID, "api_app_id": "A0TEST", "event": event, "type": "event_callback",
            "event_id": event_id, "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}]}
