"""Phase 3 on the tiny model: candidates are verified and ranked, the best kept, the rest dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import chains.training_data.rank_retrain as rank_training
from chains.training_data.rank_retrain import RankOptions, rank_train
from chains.training_data.examples import write_training_data
from generators.text.base import Generation
from generators.training import SFTConfig, train_sft
from generators.training.examples import read_examples
from tests.fixtures.training_rows import write_icecat_rows


class ScriptedGenerator:
    """Answers every title prompt with one grounded and one invented title, and descriptions with an
    invented sentence only, so the verifier's and ranker's choices are known in advance."""

    name = "scripted"

    def __init__(self) -> None:
        self.calls = 0

    def generate(self, messages, *, n=1, **kwargs) -> list[Generation]:
        self.calls += 1
        if "product title" in messages[-1].content:
            texts = ["Acme Mug Red Ceramic 350 ml", "Acme Mug with a bamboo lid"]
        else:
            texts = ["A mug with a velvet pouch and a glass handle."] * 2
        return [Generation(texts[i % len(texts)], 8, -1.0 - i, "stop") for i in range(n)]

    def score(self, messages, completion) -> float:
        return -1.0


@pytest.fixture(scope="module")
def phase2(tmp_path_factory: pytest.TempPathFactory, tiny_lm_dir: Path) -> tuple[Path, Path]:
    """Built once for the module: the data folder and a one-step phase-2 adapter."""
    from copydesk.settings import Settings

    tmp_path = tmp_path_factory.mktemp("phase2")
    data = tmp_path / "data"
    settings = Settings(home=tmp_path / "home", _env_file=None)
    write_training_data([write_icecat_rows(tmp_path / "rows.jsonl", count=12)], data, settings)
    adapter = tmp_path / "phase2"
    train_sft(SFTConfig(data=data, base=str(tiny_lm_dir), out=adapter, max_steps=1, batch_size=4, device="cpu",
                        progress=False, checkpoint_every=0))
    return data, adapter


def test_keeps_the_best_verified_candidate_and_drops_prompts_where_none_passes(
    phase2, settings, tiny_lm_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, adapter = phase2
    scripted = ScriptedGenerator()
    loaded: list[str | None] = []
    monkeypatch.setattr(rank_training, "load_text_generator", lambda s: loaded.append(s.llm_adapter) or scripted)
    out = tmp_path / "phase3"
    (report,) = rank_train(data, adapter, out, str(tiny_lm_dir), settings,
                           RankOptions(rounds=1, candidates=2, max_steps=2, batch_size=2, device="cpu"))
    assert loaded == [str(adapter)]  # candidates come from the phase-2 adapter
    titles = report.by_field["title"]
    assert titles["candidates"] == 2 * titles["prompts"] and titles["passed"] == titles["kept"] == titles["prompts"]
    assert report.by_field["description"]["kept"] == 0  # every description candidate invents: all dropped
    assert report.dropped == report.by_field["description"]["prompts"]
    assert report.pass_rate == pytest.approx(titles["passed"] / report.candidates, abs=1e-3)
    kept = read_examples(out / "round-1" / "data" / "train.jsonl")
    assert {e.completion for e in kept} == {"Acme Mug Red Ceramic 350 ml"}  # the invented title never wins
    assert report.train["steps"] == 2 and (out / "adapter_model.safetensors").is_file()
    saved = json.loads((out / "rank.json").read_text())
    assert saved["rounds"][0]["kept"] == report.kept


def test_a_round_where_nothing_passes_keeps_the_adapter(phase2, settings, tiny_lm_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    data, adapter = phase2

    class Inventing(ScriptedGenerator):
        def generate(self, messages, *, n=1, **kwargs):
            return [Generation("Zorblax 9000 with a bamboo lid", 8, -1.0, "stop")] * n

    monkeypatch.setattr(rank_training, "load_text_generator", lambda s: Inventing())
    out = tmp_path / "phase3"
    (report,) = rank_train(data, adapter, out, str(tiny_lm_dir), settings, RankOptions(rounds=1, candidates=2))
    assert report.kept == 0 and "carried over unchanged" in report.note
    assert (out / "adapter_model.safetensors").read_bytes() == (adapter / "adapter_model.safetensors").read_bytes()
