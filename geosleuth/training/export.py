"""``geosleuth export``: trajectories from case folders, a batch or an eval run, as training data.

Sources (``find_cases``): a case folder (or its case.json); an eval folder (its
per_photo.jsonl gives each photo's case folder and ground truth); a batch folder (its
results.jsonl gives the case folders); or a folder of case folders. ``--truth DATASET``
joins ground truth from a dataset file (any format ``eval`` reads) by the photo's
sha256, then by its file name.

Formats (``FORMATS``), each one file in the output folder, one row per path:

- ``sft`` → ``sft.jsonl``: chat messages (one row per path, or per step with
  ``per_step``: each row then one request and its reply, exactly what the model saw at
  that step), the layout TRL's SFTTrainer reads for a vision
  model: ``{"messages": [...], "images": [...], "tools": "<JSON>"}``. The messages are
  the system prompt, then per step the user message the model saw (text parts and
  ``{"type": "image"}`` placeholders, in order) and its reply (text, and ``tool_calls``
  in OpenAI's layout with the arguments as JSON text). ``images`` holds one entry per
  placeholder. ``tools`` is the JSON text of the tools offered (OpenAI function specs):
  JSON schemas differ from tool to tool, which a columnar loader cannot hold as one type.
- ``rl`` → ``rl.jsonl`` (or ``rl.parquet`` with ``parquet``): prompt and answer, the
  layout verl and TRL's GRPOTrainer read: ``prompt`` (the first step's system and user
  messages), ``images``, ``answer`` (the path's verdict as JSON text), ``ground_truth``
  (``{"lat", "lon", "country"}``, a column the reward callback receives),
  ``reward_model`` (verl: ``{"style": "rule", "ground_truth": "<JSON>"}``),
  ``data_source``, ``group`` (the photo's sha256: the K paths of one photo),
  ``reward`` and ``rewards``, and ``extra_info``.
- ``json`` → ``trajectories.jsonl``: geosleuth's own ``geosleuth.trajectory/1`` rows,
  everything above and the observations.

Images: by default no pixels are written anywhere. An image entry is the path of the
photo on this machine; a zoom crop the model saw is that path too, with its box in the
parallel ``image_crops`` list (``[left, top, right, bottom]`` in the photo's pixels;
null for the whole photo) for the loader to cut. With ``embed_images`` each entry is a
``data:image/jpeg;base64,…`` URL of the image as the model saw it (re-encoded at its
size, without metadata) and the export holds the pixels. Nothing is sent anywhere.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geosleuth.errors import BadInputError
from geosleuth.training.trajectories import REWARD_NAMES, Truth, case_trajectories

FORMATS = ("sft", "rl", "json")
FILES = {"sft": "sft.jsonl", "rl": "rl.jsonl", "json": "trajectories.jsonl"}
MANIFEST = "export.json"
MANIFEST_SCHEMA = "geosleuth.export/1"


@dataclass(frozen=True)
class Filters:
    max_km: float | None = None
    no_tool_errors: bool = False
    min_reward: float | None = None
    reward: str = "twm"  # which reward --min-reward and the ``reward`` column use
    backends: tuple[str, ...] = ()
    models: tuple[str, ...] = ()

    def why_not(self, t: dict[str, Any]) -> str | None:
        """Why a trajectory is left out, or None to keep it."""
        b = t["backend"]
        if self.backends and b.get("name") not in self.backends:
            return "another backend"
        if self.models and b.get("model") not in self.models:
            return "another model"
        if self.no_tool_errors and t["tool_errors"]:
            return "tool errors"
        if self.max_km is not None and (t["distance_km"] is None or t["distance_km"] > self.max_km):
            return f"farther than {self.max_km:g} km or no distance"
        if self.min_reward is not None:
            value = t["rewards"].get(self.reward)
            if value is None or value < self.min_reward:
                return f"{self.reward} reward below {self.min_reward:g} or none"
        return None


@dataclass
class CaseRef:
    folder: Path
    truth: Truth | None = None


@dataclass
class ExportResult:
    out: Path
    files: dict[str, Path]
    rows: dict[str, int]
    cases: int
    paths: int
    kept: int
    left_out: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


# -- sources ---------------------------------------------------------------------------


def _jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInputError(f"{path}:{n}: not a JSON line ({exc.msg})") from None
        if isinstance(row, dict):
            rows.append(row)
    return rows


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def find_cases(source: Path) -> list[CaseRef]:
    """The case folders of a source, with the ground truth an eval folder gives."""
    if not source.exists():
        raise BadInputError(f"{source}: no such file or folder; give a case folder, a batch"
                            " or eval --out folder")
    if source.is_file():
        if source.name == "per_photo.jsonl":
            return find_cases(source.parent)
        if source.name == "case.json":
            return [CaseRef(source.parent)]
        raise BadInputError(f"{source}: not a case.json or an eval run's per_photo.jsonl")
    if (source / "case.json").is_file():
        return [CaseRef(source)]
    if (source / "per_photo.jsonl").is_file():
        refs = []
        for row in _jsonl(source / "per_photo.jsonl"):
            if not row.get("case_dir"):
                continue
            lat, lon = _num(row.get("truth_lat")), _num(row.get("truth_lon"))
            truth = Truth(lat, lon, row.get("truth_country") or None)
            refs.append(CaseRef(_resolve(source, row["case_dir"]), truth))
        return refs
    if (source / "results.jsonl").is_file():
        return [CaseRef(_resolve(source, row["case_dir"]))
                for row in _jsonl(source / "results.jsonl") if row.get("case_dir")]
    inside = sorted(p.parent for p in source.glob("*/case.json"))
    if inside:
        return [CaseRef(p) for p in inside]
    raise BadInputError(f"{source}: no case.json, per_photo.jsonl or results.jsonl here, nor"
                        " case folders inside; give a case folder, a batch or eval --out folder")


def _resolve(base: Path, case_dir: str) -> Path:
    p = Path(case_dir)
    return p if p.is_absolute() else base / p


def truth_from_dataset(path: Path) -> tuple[dict[str, Truth], dict[str, Truth]]:
    """Ground truth of a dataset file, by the images' sha256 and by their file names."""
    from geosleuth.eval.adapters import load_dataset
    from geosleuth.images import sha256_of

    by_sha: dict[str, Truth] = {}
    by_name: dict[str, Truth] = {}
    for item in load_dataset(path).items:
        truth = Truth(item.lat, item.lon, item.country)
        by_name.setdefault(Path(item.id).name, truth)
        if item.image.is_file():
            by_sha.setdefault(sha256_of(item.image), truth)
    return by_sha, by_name


# -- images ----------------------------------------------------------------------------


class Images:
    """The image entries of a case's requests: paths (and crop boxes), or data URLs."""

    def __init__(self, photo: Path | None, evidence: dict[str, dict[str, Any]], *,
                 embed: bool, max_pixels: int) -> None:
        self.photo, self.evidence, self.embed, self.max_pixels = photo, evidence, embed, max_pixels
        self._cache: dict[tuple[str, int, int], str] = {}
        self._pixels: Any = None

    def box(self, label: str) -> list[int] | None:
        if not label.startswith("zoom "):
            return None
        e = self.evidence.get(label.split(" ", 1)[1]) or {}
        box = (e.get("data") or {}).get("box_px")
        return [int(v) for v in box] if box else None

    def entry(self, image: dict[str, Any]) -> tuple[str | None, list[int] | None]:
        """(path or data URL, crop box or None) of one image of a request."""
        box = self.box(image["label"])
        if self.photo is None:
            return None, box
        if not self.embed:
            return str(self.photo), box
        key = (image["label"], *image["size"])
        if key not in self._cache:
            self._cache[key] = self._encode(box, max(image["size"]) or 2048)
        return self._cache[key], None

    def _encode(self, box: list[int] | None, side: int) -> str:
        from geosleuth.backends import photo

        assert self.photo is not None
        if box is None:
            part = photo.encode(photo.load_preview(self.photo, side, self.max_pixels), side,
                                50_000_000, "photo")
        else:
            if self._pixels is None:
                self._pixels = photo.load_pixels(self.photo, self.max_pixels)
            part = photo.crop(self._pixels, tuple(box), side, 50_000_000, "zoom")  # type: ignore[arg-type]
        return "data:image/jpeg;base64," + base64.b64encode(part.data).decode("ascii")


# -- rows ------------------------------------------------------------------------------


def openai_tools(t: dict[str, Any], names: list[str] | None) -> list[dict[str, Any]]:
    specs = t["tools"]
    order = names if names else list(specs)
    return [{"type": "function", "function": {
        "name": n, "description": specs[n].get("description", ""),
        "parameters": specs[n].get("parameters") or {"type": "object", "properties": {}}}}
        for n in order if n in specs]


def _assistant(reply: dict[str, Any]) -> dict[str, Any]:
    msg: dict[str, Any] = {"role": "assistant",
                           "content": [{"type": "text", "text": reply["text"]}]}
    calls = [c for c in reply["tool_calls"] if c.get("arguments") is not None]
    if calls:
        msg["tool_calls"] = [{"id": c["id"], "type": "function", "function": {
            "name": c["name"], "arguments": json.dumps(c["arguments"], ensure_ascii=False)}}
            for c in calls]
    return msg


def _user(step: dict[str, Any], images: Images) -> tuple[dict[str, Any], list[Any], list[Any]]:
    req = step["request"]
    content = [p if p["type"] == "image" else {"type": "text", "text": p["text"]}
               for p in req["user"]]
    paths, boxes = [], []
    for img in req["images"]:
        where, box = images.entry(img)
        paths.append(where)
        boxes.append(box)
    return {"role": "user", "content": content}, paths, boxes


def _system(t: dict[str, Any]) -> dict[str, Any]:
    return {"role": "system", "content": [{"type": "text", "text": t["system_prompt"]}]}


def _modelled_steps(t: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in t["steps"] if s["request"] is not None and s["reply"] is not None]


def sft_rows(t: dict[str, Any], images: Images, *, per_step: bool) -> list[dict[str, Any]]:
    """One row for the path, or one per step (each exactly one request and its reply)."""
    if not per_step:
        return [sft_row(t, images)]
    out = []
    for s in _modelled_steps(t):
        row = sft_row(t, images, [s])
        row["id"] = f"{t['id']}-s{s['index']}"
        out.append(row)
    return out


def sft_row(t: dict[str, Any], images: Images, steps: list[dict[str, Any]] | None = None
            ) -> dict[str, Any]:
    messages, paths, boxes = [_system(t)], [], []
    steps = steps if steps is not None else _modelled_steps(t)
    for s in steps:
        user, p, b = _user(s, images)
        messages += [user, _assistant(s["reply"])]
        paths += p
        boxes += b
    row: dict[str, Any] = {"messages": messages, "images": paths,
                           "tools": json.dumps(openai_tools(t, steps[0]["request"]["tools"]),
                                               ensure_ascii=False)}
    if not images.embed:
        row["image_crops"] = boxes
    row.update({"id": t["id"], "group": t["group"], "reward": _primary(t)})
    return row


def _primary(t: dict[str, Any], name: str = "twm") -> float | None:
    return t["rewards"].get(name)


def rl_row(t: dict[str, Any], images: Images, reward: str) -> dict[str, Any]:
    first = _modelled_steps(t)[0]
    user, paths, boxes = _user(first, images)
    truth = t["truth"] or {"lat": None, "lon": None, "country": None}
    answer = t["answer"]
    row: dict[str, Any] = {
        "data_source": "geosleuth",
        "prompt": [_system(t), user],
        "images": paths,
    }
    if not images.embed:
        row["image_crops"] = boxes
    row.update({
        "answer": json.dumps(answer, ensure_ascii=False) if answer else "",
        "ground_truth": truth,
        "reward_model": {"style": "rule", "ground_truth": json.dumps(truth)},
        "ability": "geolocation",
        "tools": json.dumps(openai_tools(t, first["request"]["tools"]), ensure_ascii=False),
        "id": t["id"], "group": t["group"],
        "reward": t["rewards"].get(reward),
        "rewards": t["rewards"],
        "extra_info": {"path": t["path"], "paths": t["paths"], "chosen": t["chosen"],
                       "distance_km": t["distance_km"], "steps": len(t["steps"]),
                       "tool_calls": t["tool_calls"], "tool_errors": t["tool_errors"],
                       "backend": t["backend"]["name"], "model": t["backend"]["model"],
                       "case_dir": t["case_dir"]},
    })
    return row


def json_row(t: dict[str, Any], images: Images) -> dict[str, Any]:
    steps = []
    for s in t["steps"]:
        if s["request"] is None:
            steps.append(s)
            continue
        imgs = []
        for img in s["request"]["images"]:
            where, box = images.entry(img)
            imgs.append({**img, "source": where, "crop": box})
        steps.append({**s, "request": {**s["request"], "images": imgs}})
    return {**t, "steps": steps}


# -- writing ---------------------------------------------------------------------------


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise BadInputError("--parquet needs pyarrow: pip install 'geosleuth[training]'"
                            ) from None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(pa.Table.from_pylist(rows), tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(sources: list[Path], out: Path, *, formats: tuple[str, ...] = FORMATS,
           filters: Filters | None = None, embed_images: bool = False, parquet: bool = False,
           truth_file: Path | None = None, max_pixels: int | None = None,
           per_step: bool = False) -> ExportResult:
    """Export the paths of every case of ``sources`` into ``out`` in ``formats``."""
    from geosleuth.agent.prompts import load_prompt, prompts_version
    from geosleuth.backends.llm_reasoner import CONCLUDE_SPEC, SUBMIT_SPEC
    from geosleuth.cases.folder import find_photo, read_record
    from geosleuth.images import DEFAULT_MAX_PIXELS

    filters = filters or Filters()
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise BadInputError(f"unknown format {', '.join(bad) or '(none)'}; one of"
                            f" {', '.join(FORMATS)}")
    if filters.reward not in REWARD_NAMES:
        raise BadInputError(f"unknown reward {filters.reward!r}; one of {', '.join(REWARD_NAMES)}")
    if out.exists() and not out.is_dir():
        raise BadInputError(f"{out}: a file is in the way; --out names a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise BadInputError(f"{out}: a folder that holds other files; give a new or empty"
                            " folder, or one an earlier export wrote (it is replaced)")
    refs = [ref for s in sources for ref in find_cases(s)]
    by_sha: dict[str, Truth] = {}
    by_name: dict[str, Truth] = {}
    if truth_file is not None:
        by_sha, by_name = truth_from_dataset(truth_file)
    current_tools = _current_tools(SUBMIT_SPEC, CONCLUDE_SPEC)
    result = ExportResult(out=out, files={}, rows={}, cases=0, paths=0, kept=0)
    rows: dict[str, list[dict[str, Any]]] = {f: [] for f in formats}
    seen: set[Path] = set()
    for ref in refs:
        folder = ref.folder.resolve()
        if folder in seen:
            continue
        seen.add(folder)
        record = read_record(folder)
        result.cases += 1
        try:
            photo: Path | None = find_photo(record, folder).resolve()
        except BadInputError:
            photo = None
            result.notes.append(f"{folder}: the photo {record['image']['path']} is not found;"
                                " its rows name no image")
        truth = ref.truth
        if truth is None and (by_sha or by_name):
            truth = by_sha.get(record["image"]["sha256"]) or by_name.get(
                Path(record["image"]["path"]).name)
        trajectories = case_trajectories(
            record, case_dir=folder, photo=photo, truth=truth,
            current_prompt=load_prompt("system").text, current_version=prompts_version(),
            current_tools=current_tools)
        for t in trajectories:
            result.paths += 1
            why = filters.why_not(t)
            if why is not None:
                result.left_out[why] += 1
                continue
            if embed_images and photo is None:
                result.left_out["photo not found (--embed-images)"] += 1
                continue
            result.kept += 1
            evidence = {e.get("id"): e for e in _evidence_of(record, t["path"])}
            images = Images(photo, evidence, embed=embed_images,
                            max_pixels=max_pixels or DEFAULT_MAX_PIXELS)
            modelled = bool(_modelled_steps(t))
            if "json" in rows:
                rows["json"].append(json_row(t, images))
            if not modelled:
                if "sft" in rows or "rl" in rows:
                    result.left_out["no model request recorded (sft, rl)"] += 1
                continue
            if "sft" in rows:
                rows["sft"] += sft_rows(t, images, per_step=per_step)
            if "rl" in rows:
                rows["rl"].append(rl_row(t, images, filters.reward))
    out.mkdir(parents=True, exist_ok=True)
    for fmt, items in rows.items():
        if fmt == "rl" and parquet:
            path = out / "rl.parquet"
            if items:
                _write_parquet(path, items)
            else:
                result.notes.append("rl.parquet not written: no rows (a Parquet file needs a"
                                    " schema)")
                result.rows[fmt] = 0
                continue
        else:
            path = out / FILES[fmt]
            _write_jsonl(path, items)
        result.files[fmt] = path
        result.rows[fmt] = len(items)
    manifest = {
        "schema": MANIFEST_SCHEMA, "sources": [str(s) for s in sources],
        "cases": result.cases, "paths": result.paths, "kept": result.kept,
        "left_out": dict(result.left_out), "files": {k: v.name for k, v in result.files.items()},
        "rows": result.rows, "embed_images": embed_images, "sft_per_step": per_step,
        "filters": {"max_km": filters.max_km, "no_tool_errors": filters.no_tool_errors,
                    "min_reward": filters.min_reward, "reward": filters.reward,
                    "backends": list(filters.backends), "models": list(filters.models)},
        "notes": result.notes,
    }
    from geosleuth.batch.journal import replace_text_atomically

    replace_text_atomically(out / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    return result


def _evidence_of(record: dict[str, Any], path: int) -> list[dict[str, Any]]:
    for e in record.get("paths") or []:
        if e.get("path") == path:
            return e.get("evidence") or []
    return record.get("evidence") or []


def _current_tools(*extra: dict[str, Any]) -> Any:
    """A function giving the installed clue tools' specs and the reasoner's own, for cases
    that did not record theirs; the registry is loaded only when such a case asks."""
    from functools import cache

    @cache
    def load() -> dict[str, Any]:
        from geosleuth.cases.wiring import registry

        specs = {name: tool.spec() for name, tool in registry().tools.items()}
        for spec in extra:
            specs[spec["name"]] = spec
        return specs

    return load
