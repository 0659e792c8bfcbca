"""Benchmark of the model loop: prompt size per step, and the loop's own time per step.

A 12-step scripted case runs through the real LLM reasoner, executor, recorder and
fusion; only the model is scripted (it answers instantly, so everything timed is the
loop's own work). Each step the "model" calls two synthetic clue tools that return
point and country evidence, with a long thought; the last step submits a verdict. The
recorder uses the gazetteer's country lookup and place names, as a real case does.

Printed, as medians over several runs:
- the prompt the model is sent at each step: characters of text and estimated tokens
  (text at ~4 characters per token, OpenAI's rule of thumb for English; the image by
  OpenAI's tile formula: fit in 2048², shortest side to 768, 85 + 170 per 512-px tile,
  from the "Vision" guide's "Calculating costs"), beside the size a prompt carrying the
  whole transcript would have;
- the loop's time per step excluding the model: building the prompt (reasoner), running
  the tools (executor), folding and fusing (recorder), and the total.

It renders its own photo with the photo factory; it reads nothing from /work/shared.
Run: python benchmarks/bench_loop.py [--runs 5]
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

from geosleuth.agent.executor import Executor
from geosleuth.agent.loop import investigate
from geosleuth.agent.recorder import Recorder
from geosleuth.backends.chat import Capabilities, ChatReply, ChatToolCall, ChatUsage, Message
from geosleuth.backends.llm_reasoner import LLMReasoner, render_step
from geosleuth.cases.wiring import geo_services
from geosleuth.images import load_case
from geosleuth.model import CountryConstraint, Finding, PointConstraint
from geosleuth.settings import Settings
from geosleuth.testing import render_photo
from geosleuth.tools.api import ClueTool
from geosleuth.tools.context import ToolContext
from geosleuth.tools.registry import Registry

STEPS = 12
CHARS_PER_TOKEN = 4.0
THOUGHT = ("The facade, the street furniture and the signage style point to a dense European "
           "city centre; I will check the next candidate against the map and the text. ")


def image_tokens(width: int, height: int) -> int:
    """OpenAI's high-detail image cost (Vision guide, "Calculating costs")."""
    scale = min(1.0, 2048 / max(width, height))
    w, h = width * scale, height * scale
    scale = min(1.0, 768 / min(w, h))
    w, h = w * scale, h * scale
    return 85 + 170 * math.ceil(w / 512) * math.ceil(h / 512)


class Probe(ClueTool):
    name = "probe"
    version = "1"
    description = "Look up a candidate place and return where it is."
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object", "properties": {"i": {"type": "integer"}}, "required": ["i"]}

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        i = args["i"]
        lat, lon = 48.85 + 0.01 * (i % 5), 2.35 + 0.013 * (i % 7)
        return Finding(summary=f"candidate {i}: a café named 'Le Petit {i}' on rue {i} matches"
                       f" the sign; it is at {lat:.4f}, {lon:.4f}",
                       data={"i": i, "raw": "x" * 400},
                       constraint=PointConstraint(lat=lat, lon=lon, radius_km=0.3,
                                                  strength=0.5 + 0.03 * (i % 10)))


class Language(ClueTool):
    name = "language"
    version = "1"
    description = "Name the language of some text and the countries that speak it."
    parameters: ClassVar[dict[str, Any]] = {
        "type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}

    def run(self, ctx: ToolContext, args: dict[str, Any]) -> Finding:
        return Finding(summary=f"French, from «{args['text'][:60]}»",
                       constraint=CountryConstraint(weights={"FR": 1.0, "BE": 0.3, "CH": 0.3},
                                                    strength=0.6))


class ScriptedModel:
    """Answers instantly; records how long the reasoner spent outside it."""

    provider = "openai"
    model = "gpt-4o"
    host = "api.openai.com"
    remote = True
    capabilities = Capabilities(max_image_side=2048)

    def __init__(self) -> None:
        self.step = 0
        self.prompts: list[tuple[int, int]] = []  # (text chars, image tokens)

    def chat(self, messages: list[Message], tools: list[dict[str, Any]] | None = None, **_: Any,
             ) -> ChatReply:
        self.step += 1
        text = sum(len(m.text) for m in messages) + sum(len(str(t)) for t in tools or [])
        img = sum(image_tokens(i.width, i.height) for m in messages for i in m.images)
        self.prompts.append((text, img))
        n = self.step
        if n == STEPS:
            calls = (ChatToolCall("s", "submit_verdict", {
                "lat": 48.85, "lon": 2.35, "radius_km": 5.0, "evidence": ["E1"]}),)
        else:
            calls = (ChatToolCall(f"a{n}", "probe", {"i": n}),
                     ChatToolCall(f"b{n}", "language", {"text": f"Boulangerie du marché {n}"}))
        return ChatReply(text=THOUGHT * 3, tool_calls=calls,
                         usage=ChatUsage(int(text / CHARS_PER_TOKEN) + img, 120))


class Timed:
    """Wraps a callable and sums the time spent in it."""

    def __init__(self, fn: Any) -> None:
        self.fn, self.total = fn, 0.0

    def __call__(self, *a: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        try:
            return self.fn(*a, **kw)
        finally:
            self.total += time.perf_counter() - t


def one_run(photo: Path, cache: Path, services: tuple[Any, Any]) -> dict[str, Any]:
    settings = Settings(cache_dir=cache, steps=STEPS, cache=False)
    case = load_case(photo)
    model = ScriptedModel()
    reasoner = LLMReasoner(model, settings, name="openai")
    reg = Registry()
    reg.add(Probe(), "bench")
    reg.add(Language(), "bench")
    executor = Executor(reg)
    countries, describe = services
    recorder = Recorder(case, coverage=settings.coverage, countries=countries, describe=describe)
    decide, run_tool, fuse = Timed(reasoner.decide), Timed(executor.run), Timed(recorder.fuse)
    reasoner.decide, executor.run, recorder.fuse = decide, run_tool, fuse  # type: ignore[method-assign]
    per_step: list[dict[str, float]] = []
    marks = (0.0, 0.0, 0.0)
    started = time.perf_counter()
    state = recorder.state
    for event in investigate(reasoner, executor, recorder, settings):
        if type(event).__name__ in ("StepStarted", "CaseFinished") and state.steps and \
                len(per_step) < len(state.steps):
            now = (decide.total, run_tool.total, fuse.total)
            per_step.append({"reasoner": now[0] - marks[0], "executor": now[1] - marks[1],
                             "recorder": now[2] - marks[2]})
            marks = now
    total = time.perf_counter() - started
    naive = []
    for k in range(1, len(model.prompts) + 1):
        full = sum(len(render_step(s, state, {})) for s in state.steps[: k - 1])
        full += sum(len(e.summary) + len(str(e.data)) for e in state.evidence
                    if int(e.id[1:]) <= 2 * (k - 1))
        naive.append(model.prompts[0][0] + full)
    return {"prompts": model.prompts, "naive": naive, "steps": per_step, "total": total,
            "n_steps": len(state.steps)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    # the gazetteer's country lookup and place names, as in a real case (the index is built
    # in the user's cache directory on first use, like `geosleuth locate` does)
    services = geo_services(Settings())
    with tempfile.TemporaryDirectory() as tmp:
        photo = render_photo(Path(tmp) / "street.jpg", size=(4032, 3024), gps=(48.8566, 2.3522))
        one_run(photo, Path(tmp) / "cache", services)  # warm-up: imports, the fusion's prior
        runs = [one_run(photo, Path(tmp) / "cache", services) for _ in range(args.runs)]
    n = min(r["n_steps"] for r in runs)
    print(f"12-step scripted case, {args.runs} runs (medians); photo 4032x3024")
    print("step | prompt text chars | est. prompt tokens (text + image) | whole-transcript chars"
          " | reasoner ms | executor ms | recorder ms")
    for i in range(n):
        chars = statistics.median(r["prompts"][i][0] for r in runs)
        img = statistics.median(r["prompts"][i][1] for r in runs)
        naive = statistics.median(r["naive"][i] for r in runs)
        ms = [statistics.median(r["steps"][i][part] * 1000 for r in runs)
              for part in ("reasoner", "executor", "recorder")]
        print(f"{i + 1:4d} | {chars:17.0f} | {chars / CHARS_PER_TOKEN + img:8.0f}"
              f" ({chars / CHARS_PER_TOKEN:.0f} + {img:.0f}) | {naive:8.0f}"
              f" | {ms[0]:8.2f} | {ms[1]:8.2f} | {ms[2]:8.1f}")
    print("loop time per step, model excluded (ms, median over steps and runs):")
    for part in ("reasoner", "executor", "recorder"):
        vals = [s[part] * 1000 for r in runs for s in r["steps"]]
        print(f"  {part:9s} median {statistics.median(vals):7.2f}  max {max(vals):7.2f}")
    tot = [sum(s.values()) * 1000 for r in runs for s in r["steps"]]
    own = [(s["reasoner"] + s["executor"]) * 1000 for r in runs for s in r["steps"][1:]]
    print(f"  {'total':9s} median {statistics.median(tot):7.2f}  max {max(tot):7.2f}")
    print(f"  reasoner + executor after the first step: median {statistics.median(own):.2f}"
          f"  max {max(own):.2f}")
    print(f"  first step (photo decoded and encoded once) median "
          f"{statistics.median(sum(r['steps'][0].values()) * 1000 for r in runs):.1f}")


if __name__ == "__main__":
    main()
