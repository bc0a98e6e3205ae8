"""A 40,000-character mention (Slack's longest message) must not hold up anyone else: while the bot works on
the hostile messages that used to take the interpreter for seconds (a long word without digits for the
resolver, a run of "<" for the mention pattern), other people's requests are acknowledged in under 1 s.
(Before the fixes, an unrelated request waited 20 s for its acknowledgement.) The bound is generous for a
loaded machine: an acknowledgement normally takes a few milliseconds."""

from __future__ import annotations

import threading
import time

import pytest

from tests.bot.conftest import said_in_thread
from tests.slack_standin.signed import Sent

CHANNEL = "C0TEST"
LONGEST = 40_000
HOSTILE = {"a word without digits": "a./-" * (LONGEST // 4), "a run of <": "<" * LONGEST,
           "mentions without an end": "<@U1|" * (LONGEST // 5), "words": "draft " + "kettle " * (LONGEST // 7 - 1)}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_40000_character_mention_delays_no_one_elses_acknowledgement(http_bot, text):
    big: list[Sent] = []
    sender = threading.Thread(target=lambda: big.append(http_bot.sender.mention(text[:LONGEST])[0]))
    sender.start()
    time.sleep(0.05)  # the long one is in, and being worked on
    others = []
    for user in ("U0BOB", "U0CAROL", "U0DAN"):
        sent, ts = http_bot.sender.mention("help", user=user)
        others.append((sent, ts))
        time.sleep(0.2)
    sender.join(30)
    assert big and big[0].status == 200 and big[0].seconds < 3.0  # Slack's own limit for the long one
    assert [sent.status for sent, _ in others] == [200, 200, 200]
    assert max(sent.seconds for sent, _ in others) < 1.0, [round(s.seconds, 3) for s, _ in others]
    for _, ts in others:  # and they are answered
        http_bot.slack.wait_for(lambda calls, ts=ts: any("What copydesk can do" in s
                                                         for s in said_in_thread(calls, CHANNEL, ts)), 60)
    http_bot.wait_idle(120)
