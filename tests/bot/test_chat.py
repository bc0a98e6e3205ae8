"""`copydesk chat` drives the same engine: draft, refine, approve, export, and continue after a restart."""

from __future__ import annotations

import csv
import io

from bot.chat import TerminalChat
from bot.engine.replies import BulkDoneReply, ChoiceReply, DraftReply, ErrorReply, ExportReply, InfoReply


def test_a_terminal_conversation_survives_a_restart(make_services, sample_catalog, tmp_path):
    product = sample_catalog.products[2]
    out = io.StringIO()
    chat = TerminalChat(make_services(), out=out, thread="t1")

    [draft] = chat.say(f"draft {product.sku}")
    assert isinstance(draft, DraftReply) and draft.draft.sku == product.sku and draft.draft.version == 1
    assert f"Facts used (SKU {product.sku})" in out.getvalue()

    [approved] = chat.say("approve")
    assert isinstance(approved, InfoReply) and "Approved" in approved.text

    # a new process: new Services and engine over the same home, same thread name
    again = TerminalChat(make_services(), out=io.StringIO(), thread="t1")
    [refined] = again.say("shorter")
    assert isinstance(refined, DraftReply)
    assert (refined.draft.draft_id, refined.draft.version) == (draft.draft.draft_id, 2)

    [exported] = again.say("export")
    assert isinstance(exported, ExportReply) and exported.count == 1
    rows = list(csv.DictReader(exported.path.open(encoding="utf-8")))
    assert [r.get("sku") or r.get("SKU") for r in rows] == [product.sku]


def test_unknown_products_and_bad_requests_get_answers_not_exceptions(make_services):
    chat = TerminalChat(make_services(), out=io.StringIO())
    [reply] = chat.say("approve")
    assert isinstance(reply, InfoReply) and "no draft" in reply.text.lower()
    [reply] = chat.say("draft qqqzzz 0000000")
    assert isinstance(reply, (ChoiceReply, ErrorReply))


def test_an_image_request_without_an_image_model_says_how_to_configure_one(make_services, sample_catalog):
    chat = TerminalChat(make_services(), out=io.StringIO())
    [reply] = chat.say(f"image of {sample_catalog.products[0].sku} on a wooden desk")
    assert isinstance(reply, ErrorReply)
    assert "COPYDESK_IMAGE_MODEL" in f"{reply.message} {reply.hint}"
    assert reply.ref.startswith("ref-")


def test_chat_loop_reads_until_quit(make_services):
    out = io.StringIO()
    lines = iter(["help", "quit"])
    TerminalChat(make_services(), out=out).run(read=lambda prompt: next(lines))
    assert "What copydesk can do" in out.getvalue()


def test_a_refinement_word_with_no_draft_yet_asks_for_a_product_instead_of_searching(make_services):
    chat = TerminalChat(make_services(), out=io.StringIO(), thread="fresh")
    for words in ("shorter", "make it warmer", "more technical"):
        [reply] = chat.say(words)
        assert isinstance(reply, InfoReply), words
        assert reply.text.startswith("There is no draft in this thread yet: name a product first"), reply.text


def test_a_thumbs_up_reaction_is_recorded_through_the_engine(make_services, sample_catalog):
    services = make_services()
    chat = TerminalChat(services, out=io.StringIO(), thread="react")
    [draft] = chat.say(f"draft {sample_catalog.products[0].sku}")
    services_engine = chat.engine
    services_engine.state.remember_message("C1", "111.222", draft.draft.draft_id, draft.draft.version)
    assert services_engine.react("C1", "111.222", "thumbs_up", "U9") is True
    assert services_engine.react("C1", "999.000", "thumbs_up", "U9") is False
    kinds = [f.kind for f in services.drafts.feedback() if f.draft_id == draft.draft.draft_id]
    assert kinds == ["thumbs_up"]


def test_a_bulk_job_in_the_terminal_runs_to_its_file(make_services, sample_catalog):
    out = io.StringIO()
    chat = TerminalChat(make_services(polish_budget_s=0), out=out, thread="t-bulk")
    [done] = chat.say(f"bulk query {sample_catalog.products[0].title}")
    assert isinstance(done, BulkDoneReply) and done.drafted >= 1 and done.path.is_file()
    assert "Drafting" in out.getvalue() and f"File: {done.path}" in out.getvalue()
    sku = next(csv.DictReader(done.path.open(encoding="utf-8")))["sku"]
    [opened] = chat.say(sku)  # a SKU in the bulk job's thread opens its draft
    assert isinstance(opened, DraftReply) and opened.draft.sku == sku and "bulk job" in opened.heading
