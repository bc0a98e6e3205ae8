"""The copy chain with the real built-in SmolLM2 (slow: about a minute on a quiet 2-core CPU).

The converted weights are shared with the text-model tests under the test cache (`<cache>/models`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chains.drafting.chain import CopyChain
from copydesk.state.drafts import DraftStore
from copydesk.settings import Settings
from tests.chains.drafting.fixtures import XEROX_SKU, build_catalog
from tests.chains.drafting.test_chain import assert_all_supported, assert_complete


@pytest.mark.slow
def test_real_model_draft_is_verified_and_reports_its_parts(tmp_path: Path, shared_data: Path, test_cache: Path) -> None:
    from generators.text.factory import load_text_generator

    home = tmp_path / "home"
    home.mkdir()
    (test_cache / "models").mkdir(exist_ok=True)
    (home / "models").symlink_to(test_cache / "models")  # convert the GGUF once per machine, not per run
    settings = Settings(home=home, candidates=2, max_new_tokens=16, llm_threads=1, _env_file=None)
    catalog = build_catalog(settings, shared_data, tmp_path / "data")
    chain = CopyChain(catalog, load_text_generator(settings), DraftStore(settings.db_path), settings)
    streamed: list[str] = []
    result = chain.draft(chain.catalog.product(XEROX_SKU), channel="amazon", on_text=streamed.append)
    assert_complete(result.draft)
    assert_all_supported(result.draft, result.product)
    assert streamed  # the description was streamed as it was written
    assert result.parts and all(p.generated == 2 for p in result.parts)
    for part in result.parts:  # every step says where its text came from
        assert (part.origin == "model") == (part.passed > 0)
        assert (part.origin == "template") == ("from the template" in part.note())
    template_parts = sum(part.origin == "template" for part in result.parts)
    assert sum("from the template" in note for note in result.notes) == template_parts
