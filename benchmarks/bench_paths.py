"""Parallel paths against a local model server that takes 1 s per call.

Measures, with everything real except the model (the openai SDK, the LVLM reasoner, the
installed clue tools, fusion, clustering, the verifier, the case record):

1. wall time of ``--paths 4`` against ``--paths 1`` (median of ``--runs``);
2. model calls and tokens for K = 1, 2, 4, 8, with early stopping off and on
   (``early_stop_agree`` = 2, ``agree_km`` = 25).

The server (127.0.0.1, OpenAI chat completions) answers like a model that follows the
tool protocol, by the request's seed (the path number): step 1 reads the metadata and
the sign (``exif_metadata`` and ``ocr_signage``), step 2 looks up a town
(``place_lookup``): Vaduz for most paths, Zürich for every third path (so paths
disagree and the verifier is asked), step 3 submits it citing the lookup. The verifier
request gets ``{"path": 0, ...}``. Usage is reported as a real server would: prompt
tokens ~ text characters / 4 plus 765 per image. The photo is rendered by the photo
factory (a street scene with a sign); nothing is read from /work/shared. Model caches
are off, the tool cache is off (each case reads the sign afresh, once for all paths).

Run: ``python benchmarks/bench_paths.py [--runs 5] [--delay 1.0]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fake_vlm_server import FakeVLMServer

TOWNS = {"Vaduz": (47.1410, 9.5209), "Zürich": (47.3769, 8.5417)}


def _completion(message: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    chars, images = 0, 0
    for m in body.get("messages") or []:
        content = m.get("content")
        if isinstance(content, str):
            chars += len(content)
        elif isinstance(content, list):
            for p in content:
                if p.get("type") == "text":
                    chars += len(p.get("text", ""))
                else:
                    images += 1
    chars += len(json.dumps(body.get("tools") or []))
    prompt = chars // 4 + 765 * images
    completion = len(json.dumps(message)) // 4
    return {
        "id": "chatcmpl-bench", "object": "chat.completion", "created": int(time.time()),
        "model": "bench-vlm",
        "choices": [{"index": 0, "message": message,
                     "finish_reason": "tool_calls" if message.get("tool_calls") else "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                  "total_tokens": prompt + completion},
    }


def _calls(*calls: tuple[str, dict[str, Any]], thought: str = "") -> dict[str, Any]:
    return {"role": "assistant", "content": thought or None, "tool_calls": [
        {"id": f"call_{i}", "type": "function",
         "function": {"name": name, "arguments": json.dumps(args)}}
        for i, (name, args) in enumerate(calls)]}


class PathsBenchServer(FakeVLMServer):
    """The slow server of fake_vlm_server.py, scripted for several paths (see above)."""

    def __init__(self, delay_s: float, split: int = 3, extra_steps: int = 0) -> None:
        super().__init__(delay_s)
        self.split = split  # every split-th path (seed % split == split - 1) goes elsewhere
        self.extra_steps = extra_steps  # steps between reading the sign and the lookup
        self.verifier_calls = 0

    def reply(self, body: dict[str, Any]) -> dict[str, Any]:
        return _completion(self.answer(body), body)

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        messages = body.get("messages") or []
        text = json.dumps(messages)
        if "verifier of a photo geolocation" in text:
            with self._lock:
                self.verifier_calls += 1
            return {"role": "assistant", "content": json.dumps(
                {"path": 0, "reasons": "the sign and the town lookup agree"})}
        seed = int(body.get("seed") or 0)
        town = "Zürich" if self.split and seed % self.split == self.split - 1 else "Vaduz"
        found = re.search(r"Step (\d+) of \d+", text)
        step = int(found.group(1)) if found else 1
        if step == 1:
            return _calls(("exif_metadata", {}), ("ocr_signage", {}),
                          thought="Read the metadata and the sign first.")
        if step <= 1 + self.extra_steps:
            return _calls(("language_detect", {"text": f"Städtle {30 + step} Vaduz"}),
                          thought=f"Check the reading, round {step - 1}.")
        if step == 2 + self.extra_steps:
            return _calls(("place_lookup", {"name": town}), thought=f"Look up {town}.")
        lat, lon = TOWNS[town]
        return _calls(("submit_verdict", {
            "lat": lat, "lon": lon, "radius_km": 10.0, "evidence": [], "place": town,
            "rationale": f"the town looked up, {town}"}), thought="Submit the town.")


def one_case(photo: Path, server: PathsBenchServer, k: int, early: int) -> dict[str, Any]:
    from geosleuth.cases.runner import investigate_photo
    from geosleuth.settings import ServerConfig, load_settings

    settings, _ = load_settings({
        "backend": "bench", "paths": k, "steps": 6, "cache": False,
        "early_stop_agree": early,
        "servers": {"bench": ServerConfig(base_url=server.url, model="bench-vlm",
                                          context_tokens=128_000)},
    })
    before, vbefore = server.calls, server.verifier_calls
    t0 = time.perf_counter()
    result = investigate_photo(photo, settings)
    wall = time.perf_counter() - t0
    rec = result.record
    if result.error:
        raise SystemExit(f"the case failed: {result.error}")
    return {
        "wall_s": wall, "calls": server.calls - before,
        "verifier_calls": server.verifier_calls - vbefore,
        "tokens_in": rec["usage"]["tokens_in"], "tokens_out": rec["usage"]["tokens_out"],
        "paths_run": rec.get("budget", {}).get("paths_run", 1),
        "clusters": len(rec.get("clusters") or []),
        "ocr_runs": (rec.get("tool_sharing") or {}).get("ran", {}).get("ocr_signage", 1),
        "ocr_reuses": (rec.get("tool_sharing") or {}).get("reused", {}).get("ocr_signage", 0),
    }


SCENARIOS = {
    # name: (split, extra steps, description)
    "disagree-3": (3, 0, "3 model steps a path, every third path elsewhere (verifier called)"),
    "agree-3": (0, 0, "3 model steps a path, all paths agree (no verifier call)"),
    "disagree-6": (3, 3, "6 model steps a path, every third path elsewhere (verifier called)"),
}
CALL_TABLES = {
    "disagree-3": (3, 0, "every third path elsewhere: paths 0 and 1 agree"),
    "alternate-3": (2, 0, "every second path elsewhere: paths 0 and 1 disagree"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--delay", type=float, default=1.0, help="seconds per model call")
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS),
                        help="wall-time scenarios to run (default: all)")
    parser.add_argument("--no-calls", action="store_true", help="skip the calls/tokens tables")
    args = parser.parse_args()
    from geosleuth.testing import render_photo

    tmp = Path(tempfile.mkdtemp(prefix="bench-paths-"))
    os.environ.setdefault("GEOSLEUTH_CONFIG", str(tmp / "no-config.toml"))
    photo = render_photo(tmp / "street.jpg", size=(1600, 1000), sign_text="Städtle 32\nVaduz")
    print(f"## Wall time of K = 4 against K = 1, {args.delay:g} s per model call,"
          f" median of {args.runs}\n")
    print("| scenario | K = 1 s | K = 4 s | ratio | K = 1 runs | K = 4 runs |")
    print("|---|---:|---:|---:|---|---|")
    for name in args.scenario or list(SCENARIOS):
        split, extra, _ = SCENARIOS[name]
        with PathsBenchServer(args.delay, split, extra) as server:
            one_case(photo, server, 1, 0)  # warm-up: gazetteer, OCR models, fusion
            one_case(photo, server, 4, 0)
            walls: dict[int, list[float]] = {1: [], 4: []}
            for _ in range(args.runs):
                for k in (1, 4):
                    walls[k].append(one_case(photo, server, k, 0)["wall_s"])
        m1, m4 = statistics.median(walls[1]), statistics.median(walls[4])
        print(f"| {name} | {m1:.2f} | {m4:.2f} | {m4 / m1:.2f}x |"
              f" {', '.join(f'{w:.2f}' for w in walls[1])} |"
              f" {', '.join(f'{w:.2f}' for w in walls[4])} |")
    print()
    for split, extra, what in ([] if args.no_calls else CALL_TABLES.values()):
        print(f"## Model calls and tokens per case, 3 model steps a path: {what}\n")
        print("| K | early stop | paths run | clusters | model calls (verifier) | tokens in"
              " | tokens out | OCR runs (reused) | wall s |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        with PathsBenchServer(args.delay, split, extra) as server:
            for early in (0, 2):
                for k in (1, 2, 4, 8):
                    r = one_case(photo, server, k, early if k > 1 else 0)
                    print(f"| {k} | {'M = 2' if early else 'off'} | {r['paths_run']} |"
                          f" {r['clusters']} | {r['calls']} ({r['verifier_calls']}) |"
                          f" {r['tokens_in']} | {r['tokens_out']} |"
                          f" {r['ocr_runs']} ({r['ocr_reuses']}) | {r['wall_s']:.2f} |")
        print()


if __name__ == "__main__":
    main()
