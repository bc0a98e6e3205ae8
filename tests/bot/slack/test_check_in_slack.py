""""check SKU: <copy>" and "check: <copy>" in a thread, end to end through the Slack stand-in: the verdicts come back
in Block Kit, sentence by sentence, and the copy is never rewritten."""

from __future__ import annotations

from tests.bot.conftest import final_answers
from tests.chains.drafting.fixtures import XEROX_SKU

CHANNEL = "C0TEST"
GOOD = "Original Xerox toner in black, 6 per pack."
BAD = "Yields 30000 pages in vivid cyan."


def _answer_with(bot, thread_ts: str, needle: str, timeout: float = 60) -> str:
    def found(calls) -> list[str]:
        return [a for a in final_answers(calls, CHANNEL, thread_ts) if needle in a]

    bot.slack.wait_for(lambda calls: bool(found(calls)), timeout)
    return found(list(bot.slack.calls))[-1]


def test_check_sku_answers_with_each_sentences_verdict(http_bot, sample_catalog):
    assert XEROX_SKU in {p.sku for p in sample_catalog.products}
    sent, ts = http_bot.sender.mention(f"check {XEROX_SKU}: {GOOD} {BAD}")
    assert sent.status == 200 and sent.seconds < 3.0
    answer = _answer_with(http_bot, ts, f"Check of {XEROX_SKU}")
    assert "1 of 2 sentences have unsupported claims" in answer
    assert f":white_check_mark: [copy] {GOOD}" in answer
    assert f":x: [copy] {BAD}" in answer  # listed as written, not rewritten
    assert "✗ 30000 (number)" in answer and "✗ cyan (colour)" in answer
    assert "F5 Printing colours: Black" in answer  # the fact behind "black"
    posted = http_bot.slack.calls_to("chat.postMessage")
    assert posted and all(call.args.get("thread_ts") == ts for call in posted)


def test_check_in_a_thread_uses_the_threads_product(http_bot):
    _, ts = http_bot.sender.mention(f"draft {XEROX_SKU}")
    _answer_with(http_bot, ts, "Facts used")
    http_bot.sender.thread_reply(f"check: {BAD}", thread_ts=ts)
    answer = _answer_with(http_bot, ts, f"Check of {XEROX_SKU}")
    assert f":x: [copy] {BAD}" in answer


def test_check_without_a_product_says_how_to_name_one(http_bot):
    _, ts = http_bot.sender.mention(f"check: {GOOD}")
    answer = _answer_with(http_bot, ts, "Which product is this copy for?")
    assert "check SKU:" in answer
