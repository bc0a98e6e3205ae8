"""Phase 3 on the tiny model: candidates for the polish prompts are verified and ranked, the best kept, the rest dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import chains.training_data.rank_retrain as rank_training
from chains.training_data.rank_retrain import RankOptions, rank_train
from chains.training_data.examples import write_training_data
from generators.text.base import Generation
from generators.training import SFTConfig, train_sft
from chains.drafting import rewrite_tokens
from generators.training.examples import read_examples
from tests.fixtures.training_rows import write_icecat_rows


GROUNDED = "This ceramic mug comes in red."
INVENTED = "A mug with a velvet pouch and a glass handle."  # neither is in the facts
LOSES_A_FACT = "This mug is made from ceramic."  # supported, but the realized paragraph also says red


class ScriptedGenerator:
    """Answers every polish prompt with one grounded rewrite, one invented and one that drops a fact the realized
    paragraph states, so the verifier's, the polish gates' and the ranker's choices are known in advance."""

    name = "scripted"

    def __init__(self) -> None:
        self.calls: list[tuple[list, dict]] = []

    def generate(self, messages, *, n=1, **kwargs) -> list[Generation]:
        self.calls.append((messages, kwargs))
        texts = [GROUNDED, INVENTED, LOSES_A_FACT]
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


def test_keeps_the_best_candidate_the_polish_would_keep_decoded_as_the_polish_decodes(
    phase2, settings, tiny_lm_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, adapter = phase2
    scripted = ScriptedGenerator()
    loaded: list[str | None] = []
    monkeypatch.setattr(rank_training, "load_text_generator", lambda s: loaded.append(s.llm_adapter) or scripted)
    out = tmp_path / "phase3"
    (report,) = rank_train(data, adapter, out, str(tiny_lm_dir), settings,
                           RankOptions(rounds=1, candidates=3, max_steps=2, batch_size=2, device="cpu"))
    assert loaded == [str(adapter)]  # candidates come from the phase-2 adapter
    prompts = read_examples(data / "train.jsonl")
    assert set(report.by_field) == {"bullet", "description"} and report.prompts == len(prompts)
    for field_name, counts in report.by_field.items():
        assert counts["candidates"] == 3 * counts["prompts"]
        assert counts["passed"] == counts["kept"] == counts["prompts"]  # one of three passes for each prompt
    for (messages, kwargs), example in zip(scripted.calls, prompts):  # decoded as the polish decodes the part
        field_name = example.meta["field"]
        assert [{"role": m.role, "content": m.content} for m in messages] == example.prompt
        assert kwargs["stop"] == (("\n\n",) if field_name == "description" else ("\n",))
        assert kwargs["max_new_tokens"] == min(rewrite_tokens(field_name, example.meta["realized"]),
                                               settings.max_new_tokens)
    assert report.pass_rate == pytest.approx(1 / 3, abs=1e-3)
    kept = read_examples(out / "round-1" / "data" / "train.jsonl")
    assert {e.completion for e in kept} == {GROUNDED}  # the invented and the fact-losing rewrites never win
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
