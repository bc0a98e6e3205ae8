"""Bulk jobs through the conversation engine (no Slack): start, slices until done, the result file,
approve all clean drafts, a SKU opening its draft, cancel, and a CSV of SKUs attached to the message."""

from __future__ import annotations

import csv

from bot.engine import ConversationEngine, Turn, UploadedFile
from bot.engine.replies import BulkDoneReply, BulkReply, DraftReply, InfoReply
from copydesk.state.threads import BotState
from tests.bot.engine.test_progressive import Recorder


class Lines(Recorder):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def progress(self, text: str, *, force: bool = False) -> None:
        self.lines.append(text)


def _run_to_the_end(engine: ConversationEngine, job_id: str, progress: Lines) -> BulkDoneReply:
    for _ in range(1000):
        step = engine.bulk_step(job_id, progress)
        if step.finished:
            [done] = step.replies
            assert isinstance(done, BulkDoneReply), done
            return done
    raise AssertionError("the bulk job never finished")


def test_a_category_is_drafted_then_approved_and_reviewed_in_its_thread(make_services, sample_catalog):
    services = make_services(polish_budget_s=0, bulk_slice_s=0.05)
    engine = ConversationEngine(services, BotState(services.database))
    toy = next(p for p in sample_catalog.products if p.category)
    part = toy.category.split(">")[0].strip()
    expected = [p.sku for p in services.catalog.in_category(part)]

    [started] = engine.handle(Turn("t:b1", "U1", f"bulk {part} for amazon", "C1"))
    assert isinstance(started, BulkReply) and started.products == len(expected) and started.estimate_s > 0
    assert "category" in started.description
    progress = Lines()
    done = _run_to_the_end(engine, started.job_id, progress)
    assert (done.total, done.drafted, done.failed, done.cancelled) == (len(expected), len(expected), 0, False)
    assert progress.lines and "done" in progress.lines[-1]
    rows = list(csv.DictReader(done.path.open(encoding="utf-8", newline="")))
    assert [r["sku"] for r in rows] == expected and all(r["status"] == "drafted" for r in rows)

    [approved] = engine.handle(Turn("t:b1", "U1", "approve all clean drafts", "C1"))
    assert isinstance(approved, InfoReply) and f"Approved {done.clean} clean draft" in approved.text
    assert sorted(d.sku for d in services.drafts.approved("C1")) == sorted(
        r["sku"] for r in rows if r["clean"] == "yes")

    [opened] = engine.handle(Turn("t:b1", "U1", toy.sku, "C1"))
    assert isinstance(opened, DraftReply) and opened.draft.sku == toy.sku and started.job_id in opened.heading
    assert opened.draft.draft_id == next(r["draft_id"] for r in rows if r["sku"] == toy.sku)
    assert opened.draft.channel == "amazon"
    [shorter] = engine.handle(Turn("t:b1", "U1", "shorter", "C1"))  # the opened draft is the thread's now
    assert isinstance(shorter, DraftReply) and (shorter.draft.draft_id, shorter.draft.version) == (
        opened.draft.draft_id, opened.draft.version + 1)


def test_cancel_in_the_thread_stops_the_job(make_services, sample_catalog):
    services = make_services(polish_budget_s=0, bulk_slice_s=0.01)  # a slice drafts about one product
    engine = ConversationEngine(services, BotState(services.database))
    skus = "\n".join(p.sku for p in sample_catalog.products)
    [started] = engine.handle(Turn("t:b2", "U1", "bulk", "C1", [UploadedFile("all.txt", "text/plain", skus.encode())]))
    assert isinstance(started, BulkReply) and started.products == len(sample_catalog.products)
    assert not engine.bulk_step(started.job_id, Lines()).finished  # a first slice runs
    [cancelled] = engine.handle(Turn("t:b2", "U2", "cancel", "C1"))
    assert isinstance(cancelled, InfoReply) and f"Cancelling bulk job {started.job_id}" in cancelled.text
    done = _run_to_the_end(engine, started.job_id, Lines())
    assert done.cancelled and done.drafted < done.total
    [nothing] = engine.handle(Turn("t:b2", "U2", "cancel", "C1"))
    assert "Nothing is running" in nothing.text


def test_an_attached_csv_of_skus_with_bad_rows(make_services, sample_catalog):
    services = make_services(polish_budget_s=0)
    engine = ConversationEngine(services, BotState(services.database))
    skus = [p.sku for p in sample_catalog.products[:3]]
    listing = UploadedFile("spring.csv", "text/csv", ("SKU,Name\n" + "".join(f"{s},x\n" for s in skus)
                                                      + "NOT-A-SKU,y\n").encode())
    [started] = engine.handle(Turn("t:b3", "U1", "bulk", "C1", [listing]))
    assert isinstance(started, BulkReply) and (started.products, started.failed) == (4, 1)
    done = _run_to_the_end(engine, started.job_id, Lines())
    assert (done.drafted, done.failed) == (3, 1) and any("NOT-A-SKU" in p for p in done.problems)
    [missing] = engine.handle(Turn("t:b3", "U1", "NOT-A-SKU", "C1"))
    assert isinstance(missing, InfoReply) and "has no draft" in missing.text
    [again] = engine.handle(Turn("t:b3", "U1", "bulk", "C1", [listing]))  # a second job in the same thread
    assert isinstance(again, BulkReply) and again.job_id != started.job_id
