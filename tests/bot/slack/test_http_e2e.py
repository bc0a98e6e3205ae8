"""End to end over real HTTP: signed requests into the bot's /slack/events, Web API calls into the stand-in,
the REAL chains with the tiny model and a catalog of real rows."""

from __future__ import annotations

import json
import re
import time

from chains.drafting import word_change
from retrieval.facts import facts_for
from tests.bot.conftest import final_answers, said_in_thread

CHANNEL = "C0TEST"


def _answers(bot, thread_ts: str, count: int = 1, timeout: float = 60) -> list[str]:
    bot.slack.wait_for(lambda calls: len(final_answers(calls, CHANNEL, thread_ts)) >= count, timeout)
    return final_answers(list(bot.slack.calls), CHANNEL, thread_ts)


def _drafts(bot, thread_ts: str, count: int = 1, timeout: float = 60) -> list[str]:
    """The draft messages in the thread (they carry the "Facts used" context), one per draft version: a first
    draft posted at once and updated in place when its polish ends counts once, as its latest text."""
    def drafts(calls) -> list[str]:
        latest: dict[str, str] = {}
        for answer in final_answers(calls, CHANNEL, thread_ts):
            heading = re.search(r"Draft d-\w+ v\d+", answer)
            if heading and "Facts used" in answer:
                latest[heading.group()] = answer
        return list(latest.values())

    bot.slack.wait_for(lambda calls: len(drafts(calls)) >= count, timeout)
    return drafts(list(bot.slack.calls))


def test_mention_gets_a_draft_with_the_products_facts_in_the_thread(http_bot, sample_catalog):
    product = sample_catalog.products[0]
    sent, ts = http_bot.sender.mention(f"draft {product.sku}")
    assert sent.status == 200
    assert sent.seconds < 3.0

    answer = _answers(http_bot, ts)[0]
    assert product.sku in answer
    assert "Facts used" in answer
    facts = facts_for(product)
    cited = [f for f in facts if f"{f.id} {f.name}" in answer]
    assert cited, f"no fact of {product.sku} cited in: {answer[:500]}"
    # every reply went into the request's thread, none into the channel itself
    posted = http_bot.slack.calls_to("chat.postMessage") + http_bot.slack.calls_to("chat.startStream")
    assert posted and all(call.args.get("thread_ts") == ts for call in posted)
    # the eyes reaction acknowledges the request
    assert http_bot.slack.calls_to("reactions.add")[0].args["timestamp"] == ts


def test_reply_shorter_in_the_thread_gets_version_2(http_bot, sample_catalog):
    product = sample_catalog.products[1]
    _, ts = http_bot.sender.mention(f"draft {product.sku}")
    first = _drafts(http_bot, ts)[0]
    draft_id = first.split("Draft ", 1)[1].split(" ", 1)[0]
    sent = http_bot.sender.thread_reply("shorter", thread_ts=ts)
    assert sent.status == 200
    second = _drafts(http_bot, ts, count=2)[-1]
    assert f"Draft {draft_id} v2" in second
    assert len(http_bot.services.drafts.versions(draft_id)) == 2


def test_buttons_approve_and_regenerate_record_feedback(http_bot, sample_catalog):
    product = sample_catalog.products[0]
    _, ts = http_bot.sender.mention(f"draft {product.sku}")
    _answers(http_bot, ts)
    draft_id = http_bot.bot.state.thread(f"slack:{CHANNEL}:{ts}").draft_id

    assert http_bot.sender.action("copydesk_approve", f"{draft_id}:1", thread_ts=ts).status == 200
    http_bot.slack.wait_for(lambda calls: any("Approved" in s for s in said_in_thread(calls, CHANNEL, ts)))
    assert [d.draft_id for d in http_bot.services.drafts.approved()] == [draft_id]

    http_bot.sender.action("copydesk_regenerate", f"{draft_id}:1", thread_ts=ts)
    http_bot.slack.wait_for(lambda calls: any("(regenerate, seed" in a for a in final_answers(calls, CHANNEL, ts)))
    kinds = [f.kind for f in http_bot.services.drafts.feedback()]
    assert kinds == ["approve", "regenerate"]
    # the next version of the same draft, on a new seed, reading differently from v1
    versions = http_bot.services.drafts.versions(draft_id)
    regenerated = next(v for v in versions if v.instruction == "regenerate")
    assert regenerated.seed is not None and regenerated.seed != versions[0].seed
    assert word_change(regenerated, versions[0]) >= 0.05


def test_slash_command_help_answers_at_once(http_bot):
    sent = http_bot.sender.command("help")
    assert sent.status == 200
    text = json.loads(sent.body)["text"] if sent.body.startswith("{") else sent.body
    assert "draft" in text.lower() and "image" in text.lower()


def test_slash_command_export_answers_in_a_thread_of_its_own(http_bot):
    sent = http_bot.sender.command("export")
    assert sent.status == 200 and "thread" in sent.body
    [parent] = [c for c in http_bot.slack.calls_to("chat.postMessage") if not c.args.get("thread_ts")]
    assert "/copydesk export" in parent.args["text"]
    thread_ts = parent.response["ts"]
    answer = _answers(http_bot, thread_ts)[0]
    assert "Exported 0 approved draft" in answer


def test_bad_signature_gets_401_and_no_answer(http_bot):
    before = len(http_bot.slack.calls)
    bad = http_bot.sender.event({"type": "app_mention", "user": "U1", "text": "help", "ts": "1.2",
                                 "channel": CHANNEL}, bad_signature=True)
    assert bad.status == 401
    _, ts = http_bot.sender.mention("help")  # a good one after it is answered, and only it
    _answers(http_bot, ts)
    assert not [c for c in http_bot.slack.calls[before:] if c.args.get("thread_ts") == "1.2"]


def test_a_retried_event_gets_no_second_answer(http_bot):
    sent, ts = http_bot.sender.mention("help", event_id="EvRETRY1")
    again, _ = http_bot.sender.mention("help", event_id="EvRETRY1", ts=ts, retry_num=1)
    assert sent.status == 200 and again.status == 200
    _answers(http_bot, ts)
    time.sleep(0.5)  # give a second answer, if there were one, time to arrive
    http_bot.wait_idle()
    assert len(final_answers(list(http_bot.slack.calls), CHANNEL, ts)) == 1
    assert len(http_bot.slack.calls_to("reactions.add")) == 1


def test_web_api_429_is_retried_and_the_answer_arrives(http_bot):
    http_bot.slack.fail("chat.postMessage", status=429, retry_after=1, times=1)
    _, ts = http_bot.sender.mention("help")
    answers = _answers(http_bot, ts)
    assert "draft" in answers[0].lower()
    statuses = [c.status for c in http_bot.slack.calls if c.method == "chat.postMessage"]
    assert statuses[:2] == [429, 200]


def test_unknown_product_gets_closest_matches_and_a_pick_button_drafts_it(http_bot, sample_catalog):
    _, ts = http_bot.sender.mention("draft zzqx nonexistent gadget 99999")
    choice = _answers(http_bot, ts)[0]
    assert "closest" in choice.lower()
    [message] = [c for c in http_bot.slack.calls_to("chat.postMessage") if c.args.get("thread_ts") == ts
                 and "copydesk_pick" in json.dumps(c.args.get("blocks"))]
    buttons = message.args["blocks"][-1]["elements"]
    skus = {p.sku for p in sample_catalog.products}
    assert buttons and all(b["value"] in skus for b in buttons)
    http_bot.sender.action(buttons[0]["action_id"], buttons[0]["value"], thread_ts=ts)
    draft = _drafts(http_bot, ts)[0]
    assert buttons[0]["value"] in draft


def test_a_failure_is_a_visible_message_with_a_reference_id(http_bot, caplog):
    _, ts = http_bot.sender.mention("approve")  # nothing to approve: an informative answer
    _answers(http_bot, ts)
    http_bot.slack.fail("chat.postMessage", status=200, error="channel_not_found", times=1)
    _, ts2 = http_bot.sender.mention("help")
    http_bot.slack.wait_for(lambda calls: any("ref-" in s for s in said_in_thread(calls, CHANNEL, ts2)))
    text = " ".join(said_in_thread(list(http_bot.slack.calls), CHANNEL, ts2))
    ref = text[text.index("ref-"):][:10]
    logged = http_bot.logged(caplog)  # with COPYDESK_BROKER_URL the job ran, and logged, in a worker process
    assert ref in logged
    assert "xoxb-test-token" not in logged
