"""`copydesk train data` -> `train sft --max-steps 2` -> `train rank --rounds 1 --candidates 2 --max-steps 2`,
end to end on the tiny model; then the adapter is served through COPYDESK_LLM_ADAPTER and drafts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.fixtures.training_rows import write_icecat_rows


def _ok(result) -> dict | list:
    assert result.exit_code == 0, (result.output, result.exception)
    return json.loads(result.stdout)


def test_data_sft_rank_then_serve_the_adapter(tmp_path: Path, tiny_lm_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COPYDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COPYDESK_LLM", str(tiny_lm_dir))
    monkeypatch.setenv("COPYDESK_MAX_NEW_TOKENS", "8")
    rows = write_icecat_rows(tmp_path / "rows.jsonl", count=8)
    runner = CliRunner()

    report = _ok(runner.invoke(app, ["train", "data", "--products", str(rows), "--out", str(tmp_path / "data"), "--json"]))
    assert report["totals"]["train"] > 0 and report["dropped_total"]["paragraph"] > 0  # the invented copy was dropped
    prompts = min(4, report["totals"]["train"])

    sft = _ok(runner.invoke(app, ["train", "sft", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "phase2"),
                                  "--max-steps", "2", "--batch-size", "2", "--device", "cpu", "--json"]))
    assert sft["steps"] == 2 and sft["validation_loss"]

    rounds = _ok(runner.invoke(app, ["train", "rank", "--data", str(tmp_path / "data"), "--adapter", str(tmp_path / "phase2"),
                                     "--out", str(tmp_path / "phase3"), "--rounds", "1", "--candidates", "2",
                                     "--max-steps", "2", "--limit", "4", "--device", "cpu", "--json"]))
    (first,) = rounds
    assert first["prompts"] == prompts and first["candidates"] == 2 * prompts  # 2 candidates for each prompt
    assert first["kept"] + first["dropped"] == prompts
    assert (tmp_path / "phase3" / "adapter_model.safetensors").is_file()

    # Served like any adapter: COPYDESK_LLM_ADAPTER, through the text model's own loader, and it drafts.
    from chains.drafting.chain import CopyChain
    from copydesk.state.drafts import DraftStore
    from copydesk.settings import Settings
    from generators.text import ChatMessage, load_text_generator
    from retrieval.readers import read_products

    monkeypatch.setenv("COPYDESK_LLM_ADAPTER", str(tmp_path / "phase3"))
    settings = Settings()
    assert settings.llm_adapter == str(tmp_path / "phase3")
    tuned = load_text_generator(settings)
    base = load_text_generator(settings.model_copy(update={"llm_adapter": None}))
    messages = [ChatMessage("user", "Write a title for a red mug.")]
    assert tuned.score(messages, "Acme Mug") != pytest.approx(base.score(messages, "Acme Mug"), abs=1e-7)
    product = next(iter(read_products(rows)))
    result = CopyChain(None, tuned, DraftStore(settings.db_path), settings).compose(product)  # type: ignore[arg-type]
    assert result.draft.title and result.draft.sku == product.sku
