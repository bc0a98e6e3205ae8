"""A draft belongs to the thread that made it: a button pressed in another channel or another thread (a shared
message, a forged value) is refused and changes nothing; an `edit:` is verified before it can become training
data, and one with claims the catalog lacks is stored with the reason and kept out of training."""

from __future__ import annotations

from tests.bot.conftest import final_answers, said_in_thread

CHANNEL = "C0TEST"


def _draft_in_thread(bot, product) -> tuple[str, str]:
    _, ts = bot.sender.mention(f"draft {product.sku}")
    bot.slack.wait_for(lambda calls: any("Facts used" in a for a in final_answers(calls, CHANNEL, ts)), 90)
    bot.wait_idle()
    return ts, bot.bot.state.thread(f"slack:{CHANNEL}:{ts}").draft_id


def _said(bot, channel: str, ts: str, needle: str, timeout: float = 60) -> str:
    bot.slack.wait_for(lambda calls: any(needle in s for s in said_in_thread(calls, channel, ts)), timeout)
    return " ".join(said_in_thread(list(bot.slack.calls), channel, ts))


def test_a_press_from_another_channel_or_thread_is_refused(http_bot, sample_catalog):
    ts, draft_id = _draft_in_thread(http_bot, sample_catalog.products[0])
    feedback_before = len(http_bot.services.drafts.feedback())

    http_bot.sender.action("copydesk_approve", f"{draft_id}:1", channel="C0OTHER", thread_ts="1700000099.000001",
                           user="U0MALLORY")
    said = _said(http_bot, "C0OTHER", "1700000099.000001", "belongs to another conversation")
    assert draft_id in said
    http_bot.sender.action("copydesk_shorter", f"{draft_id}:1", thread_ts="1700000098.000001", user="U0MALLORY")
    _said(http_bot, CHANNEL, "1700000098.000001", "belongs to another conversation")
    http_bot.wait_idle()
    assert len(http_bot.services.drafts.feedback()) == feedback_before
    assert http_bot.services.drafts.approved() == []
    assert len(http_bot.services.drafts.versions(draft_id)) == 1  # no "shorter" version was made elsewhere
    assert http_bot.bot.state.thread(f"slack:C0OTHER:1700000099.000001").draft_id is None

    http_bot.sender.action("copydesk_approve", f"{draft_id}:1", thread_ts=ts)  # in its own thread: approved
    _said(http_bot, CHANNEL, ts, f"Approved {draft_id} v1")
    assert [d.draft_id for d in http_bot.services.drafts.approved(CHANNEL)] == [draft_id]
    assert http_bot.services.drafts.approved("C0OTHER") == []


def test_an_edit_is_verified_before_it_becomes_training_data(http_bot, sample_catalog):
    product = sample_catalog.products[0]
    ts, draft_id = _draft_in_thread(http_bot, product)
    http_bot.sender.thread_reply("edit: Waterproof to 100 m and the number one bestseller of 2024.", thread_ts=ts)
    said = _said(http_bot, CHANNEL, ts, "kept it out of the training data")
    assert "catalog does not support" in said
    http_bot.sender.thread_reply(f"edit: {product.title}", thread_ts=ts)  # the catalog's own words
    _said(http_bot, CHANNEL, ts, "it becomes training data")
    http_bot.wait_idle()
    edits = [f for f in http_bot.services.drafts.feedback() if f.kind == "edit"]
    assert [e.draft_id for e in edits] == [draft_id, draft_id]
    assert edits[0].excluded and "100 m" in edits[0].excluded
    assert edits[1].excluded is None


def test_a_foreign_bulk_job_is_not_approved_from_another_thread(http_bot, sample_catalog):
    category = next(p.category for p in sample_catalog.products if p.category).split(">")[0].strip()
    _, ts = http_bot.sender.mention(f"bulk category {category}")
    key = f"slack:{CHANNEL}:{ts}"
    http_bot.slack.wait_for(lambda calls: http_bot.services.bulk.for_thread(key) is not None, 60)
    http_bot.wait_idle(120)
    job = http_bot.services.bulk.for_thread(key)
    http_bot.sender.action("copydesk_bulk_approve", job.job_id, channel="C0OTHER", thread_ts="1700000097.000001")
    _said(http_bot, "C0OTHER", "1700000097.000001", "belongs to another conversation")
    http_bot.wait_idle()
    assert not [f for f in http_bot.services.drafts.feedback() if f.kind == "approve"]
