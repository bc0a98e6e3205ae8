"""Load a causal LM and its tokenizer from a folder or the local Hugging Face cache, plus a LoRA adapter."""

from __future__ import annotations

import json
from pathlib import Path

from copydesk.errors import ModelError

def choose_device():  # -> (torch.device, torch.dtype); torch is imported lazily
    import torch

    """CUDA in bf16 (fp16 on cards without bf16) when there is a GPU, else the CPU in float32."""
    if torch.cuda.is_available():
        dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.device("cuda"), dtype
    return torch.device("cpu"), torch.float32


ADAPTER_HINT = "Set COPYDESK_LLM_ADAPTER to a folder written by `copydesk train sft` for this base model, or unset it."


def load_model_and_tokenizer(path: str | Path, *, adapter: str | Path | None = None):
    """(model on the chosen device, tokenizer). Never downloads: only local folders and cached ids."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    device, dtype = choose_device()
    source = str(path)
    try:
        tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(source, dtype=dtype, local_files_only=True)
    except (OSError, ValueError) as error:
        raise ModelError(
            f"Cannot load the text model {source!r}: it is neither a model folder nor a model in the local "
            f"Hugging Face cache ({error.__class__.__name__}: {str(error)[:200]}).",
            hint="Set COPYDESK_LLM to a folder with config.json and weights, or to builtin:SmolLM2-135M-Instruct.",
        ) from error
    if adapter is not None:
        model = apply_adapter(model, Path(adapter))
    return model.to(device), tokenizer


def apply_adapter(model, folder: Path):
    """The model with the LoRA adapter in `folder` merged in (merged weights run as fast as the base)."""
    from peft import PeftModel

    config_file = folder / "adapter_config.json"
    if not config_file.is_file():
        what = "does not exist" if not folder.exists() else "has no adapter_config.json"
        raise ModelError(f"The LoRA adapter folder {folder} {what}.", hint=ADAPTER_HINT)
    try:
        json.loads(config_file.read_text(encoding="utf-8"))
        peft_model = PeftModel.from_pretrained(model, folder, is_trainable=False)
    except (RuntimeError, ValueError, KeyError, OSError) as error:  # shape mismatch, missing modules, bad files
        raise ModelError(
            f"The LoRA adapter in {folder} does not fit the text model "
            f"({error.__class__.__name__}: {str(error).splitlines()[0][:300]}).",
            hint=ADAPTER_HINT,
        ) from error
    return peft_model.merge_and_unload()
