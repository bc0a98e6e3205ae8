"""Checkpoints a run can resume from: the adapter, the optimiser and scheduler, and where it stood."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import torch

STATE_FILE = "trainer_state.pt"


@dataclass
class Position:
    step: int = 0             # optimiser steps done
    epoch: int = 0            # epoch in progress
    batch_in_epoch: int = 0   # batches of that epoch already done


def checkpoint_dir(out: Path) -> Path:
    return out / "checkpoints"


def save_checkpoint(out: Path, model, optimizer, scheduler, position: Position, keep: int) -> Path:
    folder = checkpoint_dir(out) / f"step-{position.step:07d}"
    model.save_pretrained(folder)
    torch.save(
        {
            "position": position.__dict__,
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
        },
        folder / STATE_FILE,
    )
    for old in sorted(checkpoint_dir(out).glob("step-*"))[:-keep]:
        shutil.rmtree(old)
    return folder


def latest_checkpoint(out: Path) -> Path | None:
    found = sorted(p for p in checkpoint_dir(out).glob("step-*") if (p / STATE_FILE).is_file())
    return found[-1] if found else None


def load_checkpoint(folder: Path, model, optimizer, scheduler) -> Position:
    """Restore the adapter weights, optimiser and scheduler from `folder`; returns where the run stood."""
    from peft.utils import load_peft_weights, set_peft_model_state_dict

    device = next(p.device for p in model.parameters())
    set_peft_model_state_dict(model, load_peft_weights(str(folder), device=str(device)))
    state = torch.load(folder / STATE_FILE, map_location=device, weights_only=False)
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["torch_rng"].cpu())
    return Position(**state["position"])
