"""The recipe in examples/training/ with TRL's real trainers, on a tiny random model, on the CPU.

A tiny LLaVA (random weights, a tokenizer trained on the export's text) is built from a
config: nothing is downloaded. Two optimisation steps of SFT on sft.jsonl, then two of
GRPO on rl.jsonl with geosleuth's reward, prove that the export's layout and the reward
callback plug into the trainers. It says nothing about how well a real model learns.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytest.importorskip("trl")
pytest.importorskip("torch")

from geosleuth.testing.cli import run_cli
from geosleuth.training import rewards as R

RECIPE = Path(__file__).resolve().parents[2] / "examples" / "training"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"recipe_{name}", RECIPE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_sft_then_grpo_two_steps_each_on_cpu(eval_run: Path, tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    proc = run_cli("export", str(eval_run), "--out", str(tmp_path / "export"))
    assert proc.returncode == 0, proc.stderr
    tiny, train = load("tiny_model"), load("train")
    model = tiny.build_tiny_vlm(tmp_path / "tiny", tiny.export_texts(tmp_path / "export"))

    sft = train.sft(str(model), tmp_path / "export", tmp_path / "ckpt" / "sft", steps=2,
                    cpu=True, limit=4)
    logs = [h for h in sft.state.log_history if "loss" in h]
    assert [h["step"] for h in logs] == [1, 2]
    assert all(h["loss"] > 0 and h["grad_norm"] > 0 for h in logs)
    assert sft.state.global_step == 2
    start = load_file(model / "model.safetensors")
    tuned = load_file(tmp_path / "ckpt" / "sft" / "model.safetensors")
    assert any(not torch.equal(start[k], tuned[k]) for k in start)  # the steps moved weights

    seen: list[tuple[Any, Any]] = []

    def reward(completions: list[Any], ground_truth: list[Any], **kwargs: Any) -> list[float]:
        seen.extend(zip(completions, ground_truth, strict=True))
        return R.reward(completions, ground_truth, **kwargs)

    def varied(completions: list[Any], ground_truth: list[Any], **kwargs: Any) -> list[float]:
        # A random model writes no answer, so every answer scores 0 and GRPO's advantages
        # vanish; this term differs between samples so that the step moves the weights.
        return [len(set(R.completion_text(c))) / 10.0 for c in completions]

    grpo = train.grpo(str(tmp_path / "ckpt" / "sft"), tmp_path / "export",
                      tmp_path / "ckpt" / "grpo", steps=2, generations=2,
                      completion_tokens=8, cpu=True, rewards=[reward, varied])
    assert grpo.state.global_step == 2
    logs = [h for h in grpo.state.log_history if "rewards/reward/mean" in h]
    assert len(logs) == 2
    assert any(h["grad_norm"] > 0 for h in logs)
    # The callback got each completion with its photo's ground truth from rl.jsonl.
    assert len(seen) == 2 * 2  # 2 steps, each 2 generations of one prompt
    truths = {(g["lat"], g["lon"]) for _, g in seen}
    assert truths <= {(48.8584, 2.2945), (-33.8568, 151.2153)}
    assert all(isinstance(c, list) and c[-1]["role"] == "assistant" for c, _ in seen)
    assert (tmp_path / "ckpt" / "grpo" / "model.safetensors").is_file()
