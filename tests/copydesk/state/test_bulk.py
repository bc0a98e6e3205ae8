"""BulkStore: a job with a row per product, progress counted once per product, found again by its inputs."""

from __future__ import annotations

import pytest

from copydesk.errors import NotFoundError
from copydesk.state.bulk import BulkStore, inputs_hash
from copydesk.state.schema import bulk_jobs


def test_progress_is_counted_once_per_product(settings):
    store = BulkStore(settings)
    job = store.create(["SKU-1", "SKU-2", "SKU-3"], user="U1", channel_id="C1", thread_key="slack:C1:1.0",
                       options={"brand": "pebble", "channel": "amazon"})
    assert (job.status, job.total, job.done, job.failed, job.options["brand"]) == ("queued", 3, 0, 0, "pebble")
    assert job.inputs_hash == inputs_hash(["SKU-1", "SKU-2", "SKU-3"], {"channel": "amazon", "brand": "pebble"})
    store.set_status(job.job_id, "running")
    store.set_message(job.job_id, "1700000000.000200")
    assert store.finish_item(job.job_id, 0, sku="SKU-1", draft_id="d-aaaaaa", draft_version=1)
    assert not store.finish_item(job.job_id, 0, sku="SKU-1", draft_id="d-bbbbbb", draft_version=1)  # redelivered
    assert store.finish_item(job.job_id, 2, error="No product matches SKU-3.")
    job = store.get(job.job_id)
    assert (job.status, job.done, job.failed, job.finished, job.message_ts) == ("running", 1, 1, 2,
                                                                                "1700000000.000200")
    assert [i.reference for i in store.items(job.job_id, status="pending")] == ["SKU-2"]
    first, _, third = store.items(job.job_id)
    assert (first.draft_id, first.status, third.status, third.error) == ("d-aaaaaa", "done", "failed",
                                                                        "No product matches SKU-3.")


def test_the_same_inputs_find_the_unfinished_job(settings):
    store = BulkStore(settings)
    job = store.create(["A", "B"], options={"channel": "shopify"})
    digest = inputs_hash(["A", "B"], {"channel": "shopify"})
    assert store.find(digest).job_id == job.job_id
    assert store.find(inputs_hash(["B", "A"], {"channel": "shopify"})) is None  # order is part of the output
    store.set_status(job.job_id, "done")
    assert store.find(digest) is None and store.find(digest, unfinished_only=False).job_id == job.job_id
    with pytest.raises(NotFoundError, match="b-00000000"):
        store.get("b-00000000")


def test_a_thread_finds_its_newest_job(settings):
    store = BulkStore(settings)
    older = store.create(["A"], thread_key="slack:C1:1.0")
    newer = store.create(["B"], thread_key="slack:C1:1.0")
    store.create(["C"], thread_key="slack:C1:2.0")
    with store.db.write() as conn:  # created in the same instant on a fast machine: make the order explicit
        conn.execute(bulk_jobs.update().where(bulk_jobs.c.job_id == older.job_id).values(created_at=1.0))
    assert store.for_thread("slack:C1:1.0").job_id == newer.job_id
    assert store.for_thread("slack:C9:9.0") is None
