"""A tiny, randomly initialised LLaVA and its processor, built here with no download.

For the recipe's smoke test only: it proves the export and the reward plug into TRL's
real trainers. It has LLaVA's architecture (a CLIP vision encoder, the projector, a
Llama decoder) at a few thousand parameters a layer, and a byte-level BPE tokenizer
trained on the export's own text, with a ChatML chat template that writes images, tool
specs and tool calls. (LLaVA, not Qwen2-VL: Qwen's processors need torchvision for their
video half, and PyPI's torchvision does not import beside this machine's CPU torch.)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

CHAT_TEMPLATE = (
    "{%- macro body(m) %}"
    "{%- if m.content is string %}{{ m.content }}{%- else %}{%- for p in m.content %}"
    "{%- if p.type == 'image' %}<image>{%- elif p.type == 'text' %}{{ p.text }}{%- endif %}"
    "{%- endfor %}{%- endif %}"
    "{%- if m.tool_calls %}{%- for c in m.tool_calls %}\n<tool_call>"
    "{%- set f = c.function if c.function is defined else c %}"
    '{"name": "{{ f.name }}", "arguments": '
    "{%- if f.arguments is string %}{{ f.arguments }}{%- else %}{{ f.arguments | tojson }}"
    "{%- endif %}}</tool_call>{%- endfor %}{%- endif %}"
    "{%- endmacro %}"
    "{%- if tools %}<|im_start|>system\n# Tools\n{%- for t in tools %}\n{{ t | tojson }}"
    "{%- endfor %}<|im_end|>\n{%- endif %}"
    "{%- for m in messages %}"
    "{%- if m.role == 'assistant' %}<|im_start|>assistant\n"
    "{%- generation %}{{ body(m) }}<|im_end|>{%- endgeneration %}\n"
    "{%- else %}<|im_start|>{{ m.role }}\n{{ body(m) }}<|im_end|>\n{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}<|im_start|>assistant\n{%- endif %}"
)
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<image>"]


def export_texts(export_dir: Path) -> Iterable[str]:
    """Every text in an export's sft.jsonl and rl.jsonl (what the tokenizer learns from)."""
    for name in ("sft.jsonl", "rl.jsonl"):
        path = export_dir / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for m in row.get("messages") or row.get("prompt") or []:
                for p in m["content"]:
                    if p.get("text"):
                        yield p["text"]
                for c in m.get("tool_calls") or []:
                    yield json.dumps(c)
            yield row.get("tools", "")


def build_tiny_vlm(folder: Path, texts: Iterable[str], *, vocab_size: int = 1200) -> Path:
    """Save a tiny random Qwen2-VL, its tokenizer and processor into ``folder``."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import (
        CLIPImageProcessorPil,
        CLIPVisionConfig,
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
        PreTrainedTokenizerFast,
    )

    torch.manual_seed(0)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(texts, trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>",
        extra_special_tokens={"image_token": "<image>"})
    tokenizer.chat_template = CHAT_TEMPLATE
    # 28 x 28 px images in 14 px patches: 4 image tokens each.
    images = CLIPImageProcessorPil(size={"shortest_edge": 28},
                                   crop_size={"height": 28, "width": 28})
    processor = LlavaProcessor(image_processor=images, tokenizer=tokenizer, patch_size=14,
                               vision_feature_select_strategy="default",
                               num_additional_image_tokens=1, chat_template=CHAT_TEMPLATE)
    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in SPECIAL}
    config = LlavaConfig(
        vision_config=CLIPVisionConfig(
            hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
            image_size=28, patch_size=14, projection_dim=16),
        text_config=LlamaConfig(
            vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
            num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
            max_position_embeddings=8192, bos_token_id=ids["<|endoftext|>"],
            eos_token_id=ids["<|im_end|>"], pad_token_id=ids["<|endoftext|>"]),
        image_token_id=ids["<image>"], vision_feature_select_strategy="default",
        vision_feature_layer=-1,
    )
    model = LlavaForConditionalGeneration(config)
    model.generation_config.eos_token_id = ids["<|im_end|>"]
    model.generation_config.pad_token_id = ids["<|endoftext|>"]
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder
