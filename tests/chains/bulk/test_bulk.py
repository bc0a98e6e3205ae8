"""Bulk drafting on a small real catalog: selection, one row per product (bad rows with their reason),
resuming without redoing finished products, cancelling, worker processes, and the result files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import chains.bulk.run as bulk_run
from chains.bulk import (
    BulkRun, Selection, job_results, output_kind, prepare, read_references, select, write_results,
)
from chains.drafting import CopyChain
from copydesk.errors import InputError
from copydesk.state.bulk import CANCELLED, DONE, BulkStore
from copydesk.state.drafts import DraftStore
from tests.chains.drafting.fixtures import shared_env


class CountingChain(CopyChain):
    """The real chain, counting the first drafts it makes (to see what a resumed job redoes)."""

    made: list[str]

    def first_draft(self, product, **kwargs):  # noqa: ANN001, ANN003, ANN201
        self.made.append(product.sku)
        return super().first_draft(product, **kwargs)


@pytest.fixture
def env(tmp_path: Path, shared_data: Path, tiny_lm_dir: Path):
    settings, catalog = shared_env(shared_data, tiny_lm_dir)
    chain = CountingChain(catalog, None, DraftStore(tmp_path / "state.sqlite3"), settings)
    chain.made = []
    return chain, BulkStore(tmp_path / "state.sqlite3"), catalog


def _skus(catalog) -> list[str]:
    return sorted(catalog.products.get(include=[])["ids"])


def test_references_from_a_csv_column_or_plain_lines() -> None:
    assert read_references("Name,SKU\nKettle,A-1\nToaster, B-2 \nKettle again,A-1\n") == ("A-1", "B-2")
    assert read_references("# SKUs for spring\nA-1\n\nB-2\n") == ("A-1", "B-2")
    with pytest.raises(InputError, match="lists no SKUs"):
        read_references("# nothing here\n\n")


def test_a_category_part_or_a_query_selects_products(env) -> None:
    chain, _, catalog = env
    toy = next(p for p in catalog.get_many(_skus(catalog)).values() if p.category)
    part = toy.category.split(">")[-1].strip()
    picked = select(catalog, Selection("category", part.lower()), query_limit=10)
    assert toy.sku in [p.reference for p in picked] and all(part in p.product.category for p in picked)
    found = select(catalog, Selection("query", toy.title), query_limit=3)
    assert found[0].product.sku == toy.sku and len(found) <= 3
    with pytest.raises(InputError, match="category contains"):
        select(catalog, Selection("category", "no such category words"), query_limit=10)


def test_every_product_gets_a_row_and_bad_rows_say_why(env, tmp_path: Path) -> None:
    chain, store, catalog = env
    skus = _skus(catalog)
    selection = Selection("references", "file", tuple([skus[0], "NOPE-1", *skus[1:], "NOPE-2"]))
    picks = select(catalog, selection, query_limit=10)
    job, resumed = prepare(store, picks, selection, brand=None, channel="amazon", polish=False)
    assert not resumed and job.failed == 2
    progress = BulkRun(chain, store).run(job.job_id)
    assert progress.complete and store.get(job.job_id).status == DONE
    results = job_results(store, chain.store, job.job_id)
    assert [r.reference for r in results] == list(selection.references)
    assert [r.reference for r in results if r.error] == ["NOPE-1", "NOPE-2"]
    assert "NOPE-1" in (results[1].error or "") and "catalog" in (results[1].error or "")
    drafted = [r for r in results if r.draft]
    assert len(drafted) == len(skus) and all(r.draft.channel == "amazon" and r.draft.title for r in drafted)

    out = write_results(tmp_path / "drafts.csv", results, {})
    rows = list(csv.DictReader(out.path.open(encoding="utf-8", newline="")))
    assert [r["status"] for r in rows].count("failed") == 2 and rows[1]["issues"] == results[1].error
    assert rows[0]["title"] == drafted[0].draft.title and rows[0]["clean"] in ("yes", "no")
    jsonl = write_results(tmp_path / "x.jsonl", results, {}).path
    lines = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [line["status"] for line in lines].count("drafted") == len(skus)
    products = catalog.get_many(skus)
    amazon = write_results(tmp_path / "amazon.csv", results, products)
    assert amazon.rows == len(skus) and amazon.failures_path == tmp_path / "amazon.failures.csv"
    failures = list(csv.DictReader(amazon.failures_path.open(encoding="utf-8", newline="")))
    assert [f["reference"] for f in failures] == ["NOPE-1", "NOPE-2"]


def test_a_rerun_resumes_without_redoing_finished_products(env) -> None:
    chain, store, catalog = env
    skus = _skus(catalog)
    selection = Selection("references", "file", tuple(skus))
    picks = select(catalog, selection, query_limit=10)
    job, _ = prepare(store, picks, selection, brand=None, channel="generic", polish=False)

    def interrupt(progress) -> None:  # noqa: ANN001 - stands in for Ctrl-C after three products
        if progress.finished == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        BulkRun(chain, store).run(job.job_id, on_progress=interrupt)
    first_three = {r.reference: r.draft.draft_id for r in job_results(store, chain.store, job.job_id) if r.draft}
    assert len(first_three) == 3 and chain.made == skus[:3]

    again, resumed = prepare(store, select(catalog, selection, query_limit=10), selection, brand=None,
                             channel="generic", polish=False)
    assert resumed and again.job_id == job.job_id
    progress = BulkRun(chain, store).run(again.job_id)
    assert progress.resumed == 3 and progress.drafted_now == len(skus) - 3 and progress.complete
    assert chain.made == skus  # each product drafted once over both runs
    after = {r.reference: r.draft.draft_id for r in job_results(store, chain.store, job.job_id) if r.draft}
    assert all(after[sku] == draft_id for sku, draft_id in first_three.items())
    other, resumed = prepare(store, picks, selection, brand=None, channel="amazon", polish=False)
    assert not resumed and other.job_id != job.job_id  # other inputs: another job


def test_cancel_stops_the_job_and_leaves_the_rest_undrafted(env, tmp_path: Path) -> None:
    chain, store, catalog = env
    skus = _skus(catalog)
    selection = Selection("references", "file", tuple(skus))
    job, _ = prepare(store, select(catalog, selection, query_limit=10), selection, brand=None,
                     channel="generic", polish=False)
    run = BulkRun(chain, store)
    progress = run.run(job.job_id, on_progress=lambda p: p.finished == 2 and run.cancel(job.job_id))
    assert progress.cancelled and progress.finished == 2 and store.get(job.job_id).status == CANCELLED
    rows = list(csv.DictReader(write_results(tmp_path / "c.csv", job_results(store, chain.store, job.job_id),
                                             {}).path.open(encoding="utf-8", newline="")))
    assert [r["status"] for r in rows] == ["drafted"] * 2 + ["not drafted"] * (len(skus) - 2)
    assert BulkRun(chain, store).run(job.job_id).drafted_now == 0  # a cancelled job stays cancelled


def test_worker_processes_give_the_same_drafts(env, monkeypatch: pytest.MonkeyPatch) -> None:
    chain, store, catalog = env
    skus = _skus(catalog)
    selection = Selection("references", "file", tuple(skus))
    picks = select(catalog, selection, query_limit=10)
    here, _ = prepare(store, picks, selection, brand=None, channel="generic", polish=False)
    BulkRun(chain, store).run(here.job_id, processes=1)
    monkeypatch.setattr(bulk_run, "PROCESS_MIN_PRODUCTS", 2)
    forked, _ = prepare(store, picks, selection, brand=None, channel="generic", polish=False, resume=False)
    chain.made = []
    BulkRun(chain, store).run(forked.job_id, processes=2)
    assert chain.made == skus[:1]  # the first one here (it loads the tables), the rest in the workers
    texts = lambda job: [(r.draft.title, r.draft.bullets, r.draft.description)  # noqa: E731
                         for r in job_results(store, chain.store, job.job_id)]
    assert texts(forked) == texts(here)
    drafts = [r.draft for r in job_results(store, chain.store, forked.job_id)]
    assert len({d.draft_id for d in drafts}) == len(skus)  # stored by this process, each once


def test_output_kind_comes_from_the_name() -> None:
    assert [output_kind(Path(n)) for n in ("d.csv", "d.jsonl", "shopify.csv", "spring.amazon.csv")] == [
        "csv", "jsonl", "shopify", "amazon"]
    with pytest.raises(InputError, match="drafts.csv"):
        output_kind(Path("drafts.xlsx"))
