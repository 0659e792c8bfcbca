"""Fine-tune a local vision model on geosleuth's own loop with TRL: SFT, then GRPO.

    geosleuth eval DATASET --backend BIG_MODEL --paths 4 --out run    # rollouts with truth
    geosleuth export run --out export --max-km 200 --no-tool-errors    # SFT: the good paths
    python examples/training/train.py export --model Qwen/Qwen2.5-VL-3B-Instruct --out ckpt

Stage 1 (SFT) trains on ``sft.jsonl``: every path as a conversation (system prompt, then
per step the request the model saw and the reply it gave), the loss on the replies
only. Stage 2 (GRPO) starts from the SFT weights and trains on ``rl.jsonl``: for each
photo's first request the trainer samples ``--generations`` answers and scores each with
``geosleuth.training.rewards.reward`` (Thinking with Map's step reward of the first
JSON answer against the ``ground_truth`` column); the answers of one prompt form the
group whose mean the advantages are taken against.

Images: an export names each photo by its path (and a zoom crop by its box in
``image_crops``), or holds them as data URLs (``--embed-images``); ``open_image``
reads either. Hardware: see README.md beside this file.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
from pathlib import Path
from typing import Any

from PIL import Image

from geosleuth.training.rewards import reward as twm_reward


def open_image(entry: str, box: list[int] | None = None) -> Image.Image:
    """An image of an export: a data URL, or a file path cut to ``box`` when given."""
    if entry.startswith("data:"):
        image = Image.open(io.BytesIO(base64.b64decode(entry.split(",", 1)[1])))
    else:
        image = Image.open(entry)
    image = image.convert("RGB")
    return image.crop(tuple(box)) if box else image  # type: ignore[arg-type]


def _images(row: dict[str, Any]) -> list[Image.Image]:
    boxes = row.get("image_crops") or [None] * len(row["images"])
    return [open_image(e, b) for e, b in zip(row["images"], boxes, strict=True)]


def _rows(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise SystemExit(f"train.py: {path} is missing; run 'geosleuth export' first")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def load_sft(export_dir: Path, limit: int | None = None) -> Any:
    """sft.jsonl as a datasets.Dataset of ``messages``, ``images`` (PIL) and ``tools``."""
    from datasets import Dataset

    rows = _rows(export_dir / "sft.jsonl")[:limit]
    return Dataset.from_list([{"messages": r["messages"], "images": _images(r),
                               "tools": r["tools"]} for r in rows])


def load_rl(export_dir: Path, limit: int | None = None) -> Any:
    """rl.jsonl (or rl.parquet) as ``prompt``, ``images`` (PIL) and ``ground_truth``, one row
    per photo (the K paths of a photo share its first request)."""
    from datasets import Dataset

    if (export_dir / "rl.parquet").is_file() and not (export_dir / "rl.jsonl").is_file():
        import pyarrow.parquet as pq

        rows = pq.read_table(export_dir / "rl.parquet").to_pylist()
    else:
        rows = _rows(export_dir / "rl.jsonl")
    seen: set[str] = set()
    out = []
    for r in rows:
        if r["group"] in seen or r["ground_truth"].get("lat") is None:
            continue
        seen.add(r["group"])
        out.append({"prompt": r["prompt"], "images": _images(r),
                    "ground_truth": r["ground_truth"]})
    return Dataset.from_list(out[:limit])


def _common(out: Path, steps: int, batch: int, lr: float, cpu: bool) -> dict[str, Any]:
    return {"output_dir": str(out), "max_steps": steps, "per_device_train_batch_size": batch,
            "gradient_accumulation_steps": 1, "learning_rate": lr, "logging_steps": 1,
            "save_strategy": "no", "report_to": "none", "use_cpu": cpu, "bf16": not cpu,
            "dataloader_num_workers": 0, "seed": 0}


def sft(model: str, export_dir: Path, out: Path, *, steps: int, batch: int = 1,
        lr: float = 1e-5, max_length: int | None = None, cpu: bool = False,
        limit: int | None = None) -> Any:
    """Stage 1: supervised fine-tuning on the replies of the exported paths."""
    from transformers import AutoModelForImageTextToText, AutoProcessor
    from trl import SFTConfig, SFTTrainer

    processor = AutoProcessor.from_pretrained(model)
    net = AutoModelForImageTextToText.from_pretrained(model)
    config = SFTConfig(**_common(out, steps, batch, lr, cpu), max_length=max_length,
                       assistant_only_loss=True)
    trainer = SFTTrainer(model=net, args=config, train_dataset=load_sft(export_dir, limit),
                         processing_class=processor)
    trainer.train()
    trainer.save_model(str(out))
    processor.save_pretrained(str(out))
    return trainer


def grpo(model: str, export_dir: Path, out: Path, *, steps: int, generations: int = 4,
         completion_tokens: int = 512, lr: float = 1e-6, cpu: bool = False,
         limit: int | None = None, rewards: list[Any] | None = None) -> Any:
    """Stage 2: GRPO on each photo's first request, rewarded by Thinking with Map's steps
    (or by ``rewards``: functions ``f(completions, ground_truth, **kwargs)``, summed)."""
    from transformers import AutoModelForImageTextToText, AutoProcessor
    from trl import GRPOConfig, GRPOTrainer

    processor = AutoProcessor.from_pretrained(model)
    net = AutoModelForImageTextToText.from_pretrained(model)
    config = GRPOConfig(**_common(out, steps, generations, lr, cpu),
                        num_generations=generations, max_completion_length=completion_tokens)
    trainer = GRPOTrainer(model=net, reward_funcs=rewards or [twm_reward], args=config,
                          train_dataset=load_rl(export_dir, limit), processing_class=processor)
    trainer.train()
    trainer.save_model(str(out))
    processor.save_pretrained(str(out))
    return trainer


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("export", type=Path, help="a 'geosleuth export' folder")
    p.add_argument("--model", required=True, help="a vision model (hub id or local folder)")
    p.add_argument("--out", type=Path, default=Path("geosleuth-model"))
    p.add_argument("--sft-steps", type=int, default=500)
    p.add_argument("--grpo-steps", type=int, default=200)
    p.add_argument("--generations", type=int, default=4, help="answers sampled per prompt")
    p.add_argument("--max-length", type=int, default=None, help="truncate SFT rows (tokens)")
    p.add_argument("--cpu", action="store_true", help="train on the CPU (tiny models only)")
    a = p.parse_args(argv)
    sft(a.model, a.export, a.out / "sft", steps=a.sft_steps, max_length=a.max_length, cpu=a.cpu)
    grpo(str(a.out / "sft"), a.export, a.out / "grpo", steps=a.grpo_steps,
         generations=a.generations, cpu=a.cpu)


if __name__ == "__main__":
    main()
