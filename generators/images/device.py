"""Where a pipeline runs and how: CUDA in fp16 with memory savers, else the CPU in float32."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

# Attention slicing trades speed for memory. diffusers' docs advise against it with PyTorch 2's
# scaled-dot-product attention unless memory is short, so it is switched on for small cards only.
_SLICING_BELOW_BYTES = 16 * 1024**3


@dataclass(frozen=True)
class Placement:
    device: str
    dtype: torch.dtype
    attention_slicing: bool
    vae_tiling: bool

    def describe(self) -> str:
        savers = [name for name, on in (("attention slicing", self.attention_slicing), ("VAE tiling", self.vae_tiling)) if on]
        return f"{self.device} {str(self.dtype).removeprefix('torch.')}" + (f" ({', '.join(savers)})" if savers else "")


def pick_placement(device: str | None = None) -> Placement:
    """CUDA when present (fp16, VAE tiling, slicing on cards under 16 GiB), else CPU float32."""
    chosen = device or ("cuda" if torch.cuda.is_available() else "cpu")
    if chosen.startswith("cuda"):
        total = torch.cuda.get_device_properties(torch.device(chosen)).total_memory
        return Placement(chosen, torch.float16, attention_slicing=total < _SLICING_BELOW_BYTES, vae_tiling=True)
    return Placement(chosen, torch.float32, attention_slicing=False, vae_tiling=False)


def apply_placement(pipeline: Any, placement: Placement) -> Any:
    """Move a loaded pipeline to its device and switch on the memory savers the placement asks for."""
    pipeline.to(placement.device)
    if placement.attention_slicing:
        pipeline.enable_attention_slicing()
    if placement.vae_tiling and hasattr(pipeline, "vae"):
        pipeline.vae.enable_tiling()  # only engages above the VAE's tile size, so small images pay nothing
    pipeline.set_progress_bar_config(disable=True)
    return pipeline
