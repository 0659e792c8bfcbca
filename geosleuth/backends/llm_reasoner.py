"""The vision-language model reasoner: one ``ChatModel`` call per step, parsed into an Action.

Each step the model sees a fresh, bounded prompt rather than a growing transcript: the
system prompt, the photo (re-encoded without metadata, scaled to the provider's
limits), the recorder's compact summary (camera metadata withheld from remote models
unless ``send_metadata``), its last few steps with their results, notes about what
went wrong last time, and any crops it asked for with ``zoom``. Its tools are the clue
tools plus ``submit_verdict`` and ``conclude``.

Faults are handled here: transient provider errors are retried (``faults.with_retries``);
a context-length error shrinks the request (fewer past steps, a smaller image, then no
image) and tries again; a refusal, an empty answer or an unreadable JSON-in-text reply
is asked again once, then reported to the model at its next step; malformed tool
arguments and invalid verdicts are reported the same way. A model that gives no usable
answer twice in a row, or a fault retries cannot cure, raises ``BackendError``: the loop
then ends the case with what it found.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

import jsonschema

from geosleuth.agent.prompts import load_prompt, prompts_version
from geosleuth.agent.reasoner import Action, View
from geosleuth.agent.state import CaseState, StepRecord, Submission, ToolCall, Usage
from geosleuth.backends import photo, privacy
from geosleuth.backends.chat import ChatModel, ChatReply, ImagePart, Message, TextPart
from geosleuth.backends.faults import MODEL_RETRY, ChatFault, ContextTooLong, with_retries
from geosleuth.backends.prices import cost_usd
from geosleuth.errors import BackendError
from geosleuth.net.retry import RetryPolicy
from geosleuth.settings import Settings
from geosleuth.text.quoting import clip, guillemets
from geosleuth.tools.context import Egress
from geosleuth.tools.views import load_view, view_of

SUBMIT = "submit_verdict"
CONCLUDE = "conclude"
KEEP_STEPS = 3
MAX_REPAIRS = 1  # re-asks within one step after a refusal, an empty or unreadable answer
MAX_BAD_STEPS = 2  # consecutive steps without a usable answer before the case gives up
MAX_CALLS_SHOWN = 6
MAX_NOTES = 4
THOUGHT_CHARS = 2000
# Shrink levels after context-length errors: (past steps kept, image long side, 0 = no
# image). The first level sends what the provider allows (its limit caps the side).
SHRINK = ((KEEP_STEPS, 1 << 16), (1, 1024), (0, 768), (0, 0))

SUBMIT_SPEC: dict[str, Any] = {
    "name": SUBMIT,
    "description": (
        "Finish the investigation with a verdict: the point, a radius in km that you believe "
        "holds the true place, your confidence that it does (0..1), the place name, and the "
        "evidence ids the verdict rests on. List in overrides any hard evidence you knowingly "
        "set aside, and say why in rationale."
    ),
    "parameters": {
        "type": "object",
        "properties": {
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
            "radius_km": {"type": "number", "exclusiveMinimum": 0},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "place": {"type": "string", "maxLength": 200},
            "evidence": {"type": "array", "items": {"type": "string"}},
            "rationale": {"type": "string", "maxLength": 2000},
            "overrides": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["lat", "lon", "radius_km", "evidence"],
        "additionalProperties": False,
    },
}
CONCLUDE_SPEC: dict[str, Any] = {
    "name": CONCLUDE,
    "description": "Stop without a specific answer when the evidence does not single out a place.",
    "parameters": {"type": "object", "properties": {"why": {"type": "string", "maxLength": 500}},
                   "additionalProperties": False},
}


def render_step(step: StepRecord, state: CaseState, hidden: dict[str, str]) -> str:
    lines = [f"Step {step.index}: {clip(step.thought, 300) or '(no thought)'}"]
    for call in step.calls[:MAX_CALLS_SHOWN]:
        obs = next((o for o in step.observations if o.call_id == call.id), None)
        args = clip(json.dumps(call.args, ensure_ascii=False, sort_keys=True), 150)
        lines.append(f"  - called {call.name} {args}")
        if obs is None:
            continue
        if obs.error:
            lines.append(f"    error: {clip(obs.error, 240)}")
        for eid in obs.evidence[:4]:
            e = state.evidence_by_id(eid)
            summary = clip(e.summary if e else "", 160)
            if eid in hidden:
                summary = "withheld camera metadata"
            lines.append(f"    -> {eid}: {summary}")
        if len(obs.evidence) > 4:
            more = ", ".join(obs.evidence[4:12])
            lines.append(f"    -> and {len(obs.evidence) - 4} more: {more}")
    if len(step.calls) > MAX_CALLS_SHOWN:
        lines.append(f"  - and {len(step.calls) - MAX_CALLS_SHOWN} more calls")
    if step.submission is not None:
        s = step.submission
        verdict = "rejected" if step.rejection else "accepted"
        lines.append(f"  - submitted {s.lat:.5f}, {s.lon:.5f} ±{s.radius_km:g} km: {verdict}")
    return "\n".join(lines)


def spec_fingerprint(spec: dict[str, Any]) -> str:
    """The first 12 hex digits of the SHA-256 of a tool spec (name, description, schema)."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def estimate_tokens(messages: list[Message], tools: list[dict[str, Any]]) -> int:
    """A rough prompt size: text at 4 characters a token, images at width·height/750
    (Anthropic's rule in its vision guide; OpenAI's tile formula gives similar sizes)."""
    chars = sum(len(m.text) for m in messages) + len(json.dumps(tools))
    pixels = sum(i.width * i.height for m in messages for i in m.images)
    return chars // 4 + pixels // 750


def submission_of(args: dict[str, Any]) -> Submission:
    return Submission(
        lat=float(args["lat"]), lon=float(args["lon"]), radius_km=float(args["radius_km"]),
        evidence=tuple(str(e) for e in args.get("evidence", [])),
        place=args.get("place"), confidence=args.get("confidence"),
        rationale=str(args.get("rationale", "")),
        overrides=tuple(str(e) for e in args.get("overrides", [])),
    )


class LLMReasoner:
    """A ``Reasoner`` backed by any ``ChatModel``."""

    def __init__(
        self,
        chat: ChatModel,
        settings: Settings,
        *,
        name: str | None = None,
        path: int = 0,
        temperature: float | None = None,
        seed: int | None = None,
        max_tokens: int = 1024,
        policy: RetryPolicy = MODEL_RETRY,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.chat = chat
        self.settings = settings
        self.name = name or chat.provider
        self.model: str | None = chat.model
        self.path = path
        self.temperature = temperature
        # Each parallel path asks with its own seed: its replies differ where the provider
        # honours seeds, and are cached apart (the seed is part of the request key).
        self.seed = path if seed is None else seed
        self.max_tokens = max_tokens
        self.policy = policy
        self.sleep = sleep
        self._notes: list[str] = []
        self._bad_steps = 0
        self._pixels: Any = None
        self._photos: dict[int, ImagePart] = {}

    # -- what the model is shown ----------------------------------------------------
    @property
    def redacting(self) -> bool:
        return self.chat.remote and not self.settings.send_metadata

    def _image(self, state: CaseState, side: int) -> ImagePart:
        caps = self.chat.capabilities
        side = min(side, caps.max_image_side)
        if side not in self._photos:
            pixels = self._pixels or photo.load_preview(state.case.path, side,
                                                        self.settings.max_pixels,
                                                        self.settings.decode_budget_mb)
            self._photos[side] = photo.encode(pixels, side, caps.max_image_bytes, "photo")
        return self._photos[side]

    def _crops(self, view: View, side: int) -> list[ImagePart]:
        caps = self.chat.capabilities
        crops = []
        for obs in view.last:
            tool = view.toolbox.get(obs.tool)
            if tool is None or not tool.shows_image:
                continue
            for eid in obs.evidence:
                e = view.state.evidence_by_id(eid)
                if e is None:
                    continue
                if view_of(e.data) is not None:
                    picture = self._view_picture(e.id, e.data, side)
                    if picture is not None:
                        crops.append(picture)
                    continue
                if "box_px" not in e.data:
                    continue
                if self._pixels is None:
                    self._pixels = photo.load_pixels(view.state.case.path, self.settings.max_pixels,
                                                     self.settings.decode_budget_mb)
                box = tuple(int(v) for v in e.data["box_px"])
                crops.append(photo.crop(self._pixels, box, min(side, caps.max_image_side),
                                        caps.max_image_bytes, f"zoom {eid}"))
        return crops

    def _view_picture(self, eid: str, data: dict[str, Any], side: int) -> ImagePart | None:
        """A picture a tool drew (a map view), as stored; re-encoded when it is larger
        than the provider takes. None when it is gone from the cache folder."""
        record = view_of(data) or {}
        png = load_view(self.settings.cache_dir, record.get("sha256", ""))
        if png is None:
            return None
        caps = self.chat.capabilities
        return photo.view_part(png, int(record.get("width", 0)), int(record.get("height", 0)),
                               min(side, caps.max_image_side), caps.max_image_bytes,
                               f"{record.get('layer', 'map')} view {eid}")

    def tools(self, view: View) -> list[dict[str, Any]]:
        specs = [t for t in view.tools if t["name"] not in (SUBMIT, CONCLUDE)]
        if not self.chat.capabilities.vision:
            specs = [t for t in specs
                     if not getattr(view.toolbox.get(t["name"]), "shows_image", False)]
        return [*specs, SUBMIT_SPEC, CONCLUDE_SPEC]

    def messages(self, view: View, level: int = 0) -> tuple[list[Message], list[ImagePart], str]:
        """The request of this step at a shrink level: messages, images in it, summary shown."""
        state = view.state
        keep, side = SHRINK[min(level, len(SHRINK) - 1)]
        hidden = privacy.withheld(state) if self.redacting else {}
        shown = privacy.summary_for(state, view.failures, redacting=bool(hidden))
        summary = shown.text if hidden else view.summary
        recent = [render_step(s, state, hidden) for s in state.steps[-keep:]] if keep else []
        notes = list(self._notes)
        if view.rejection:
            reason = privacy.redact(view.rejection, state) if hidden else view.rejection
            notes.append(f"Your verdict was rejected: {reason}")
        if hidden:
            notes.append("Camera metadata is withheld from you; if a verdict is rejected against"
                         " it, call conclude and the fusion's answer stands.")
        clues = ", ".join(guillemets(c, 300) for c in state.case.clues) or "none"
        final = " This is your LAST step: call submit_verdict or conclude now."
        if not view.final:
            final = ""
        text = load_prompt("step").fill(
            step=str(view.step), budget=str(view.budget), final_note=final, clues=clues,
            summary=summary or "(nothing yet)",
            recent="\n".join(recent) or "(none)" if keep else "(omitted to fit the context)",
            notes=("\nNotes:\n" + "\n".join(f"- {clip(n, 400)}" for n in notes[-MAX_NOTES:]) + "\n")
            if notes else "",
        )
        images: list[ImagePart] = []
        if self.chat.capabilities.vision and side:
            images.append(self._image(state, side))
            images += self._crops(view, side)
        elif not self.chat.capabilities.vision:
            text += "\n(This model cannot see images: work from the evidence and the tools.)"
        parts: list[TextPart | ImagePart] = []
        for img in images:
            parts.append(TextPart(f"[{img.label}, {img.width}×{img.height} px]"))
            parts.append(img)
        parts.append(TextPart(text))
        system = Message("system", load_prompt("system").text)
        return [system, Message("user", tuple(parts))], images, summary

    # -- the exchange -----------------------------------------------------------------
    def _ask(self, view: View, tools: list[dict[str, Any]], log: list[dict[str, Any]],
             ) -> tuple[ChatReply | None, Usage, str | None]:
        """Ask until a usable reply comes; the reply (or None), its usage, the last problem."""
        usage = Usage()
        level, repairs, problem = 0, 0, None
        while True:
            msgs, images, _ = self.messages(view, level)
            # Some servers (Ollama) cut an over-long prompt silently instead of failing:
            # shrink before sending when the estimate does not fit the declared context.
            while (level + 1 < len(SHRINK)
                   and estimate_tokens(msgs, tools) + self.max_tokens
                   > self.chat.capabilities.context_tokens):
                level += 1
                msgs, images, _ = self.messages(view, level)
            retries: list[str] = []

            def on_retry(fault: ChatFault, wait: float, retries: list[str] = retries) -> None:
                retries.append(f"{fault} (waited {wait:.1f} s)")

            described = self._describe(msgs, tools)
            try:
                reply = with_retries(
                    lambda msgs=msgs: self.chat.chat(
                        msgs, tools, temperature=self.temperature, seed=self.seed,
                        max_tokens=self.max_tokens),
                    what=f"{self.name} model {self.chat.model}", policy=self.policy,
                    sleep=self.sleep, on_retry=on_retry)
            except ContextTooLong as exc:
                log.append({"request": described, "fault": str(exc), "retries": retries})
                level += 1
                if level >= len(SHRINK):
                    raise BackendError(
                        f"{exc}; even the smallest request (no image, no past steps) does not fit:"
                        " use a model with a larger context"
                    ) from exc
                continue
            cost = 0.0 if reply.cached else cost_usd(self.chat.model, reply.usage.tokens_in,
                                                     reply.usage.tokens_out, self.settings)
            usage = usage + Usage(reply.usage.tokens_in, reply.usage.tokens_out, cost,
                                  reply.latency_ms)
            log.append({"request": described, "reply": self._reply_log(reply),
                        "retries": retries, "shrink": level})
            if not reply.cached:
                self._egress(view, images)
            problem = self._problem(reply)
            if problem is None:
                return reply, usage, None
            if repairs >= MAX_REPAIRS:
                return None, usage, problem
            repairs += 1
            self._notes.append(f"Your last answer could not be used: {problem}. Answer again.")

    @staticmethod
    def _problem(reply: ChatReply) -> str | None:
        if reply.refusal:
            return f"the model declined: {clip(reply.refusal, 200)}"
        if reply.protocol_error:
            return f"the answer did not follow the JSON protocol ({reply.protocol_error})"
        if reply.empty:
            return "the answer was empty (no text and no tool calls)"
        return None

    def _describe(self, msgs: list[Message], tools: list[dict[str, Any]]) -> dict[str, Any]:
        """The request as the model saw it, compactly: the system prompt by its version,
        the user message's text and images (by hash and size), the tools by name in order
        (their specs' fingerprints are recorded once per case, in ``backend.tools``)."""
        out = []
        for m in msgs:
            parts: list[Any] = [
                p.text if isinstance(p, TextPart)
                else {"image": p.label, "sha256": p.sha256, "size": [p.width, p.height]}
                for p in m.parts
            ]
            out.append({"role": m.role, "content": parts if m.role != "system" else
                        f"system prompt {prompts_version()}"})
        return {"host": self.chat.host, "model": self.chat.model, "messages": out,
                "tools": [t["name"] for t in tools]}

    @staticmethod
    def _reply_log(reply: ChatReply) -> dict[str, Any]:
        d = reply.as_dict()
        d.pop("raw", None)
        d["cached"] = reply.cached
        d["latency_ms"] = round(reply.latency_ms, 1)
        return d

    def _egress(self, view: View, images: list[ImagePart]) -> None:
        if not self.chat.remote:
            return
        state = view.state
        items = [f"{img.label} {img.width}x{img.height} without metadata" for img in images]
        items.append("case summary (evidence, hypotheses)")
        shown = privacy.summary_for(state, view.failures, redacting=self.redacting)
        items += privacy.egress_items(shown, state)
        seen = {(e.host, e.what) for e in state.egress}
        for what in items:
            if (self.chat.host, what) not in seen:
                state.egress.append(Egress(host=self.chat.host, what=what,
                                           tool=f"reasoner:{self.name}"))

    # -- the answer -------------------------------------------------------------------
    def _action(self, view: View, reply: ChatReply) -> tuple[Action, list[str]]:
        calls: list[ToolCall] = []
        submit: Submission | None = None
        conclude = False
        notes: list[str] = []
        used: set[str] = set()
        for i, c in enumerate(reply.tool_calls):
            cid = c.id if c.id and c.id not in used else f"s{view.step}c{i + 1}"
            used.add(cid)
            if c.arguments is None:
                notes.append(f"Your call {c.name or '(no name)'} was not run: {c.error};"
                             f" you sent {clip(c.raw_arguments, 200)!r}")
                continue
            if c.name == SUBMIT:
                try:
                    jsonschema.validate(c.arguments, SUBMIT_SPEC["parameters"])
                except jsonschema.ValidationError as exc:
                    where = "/".join(str(p) for p in exc.absolute_path) or "arguments"
                    notes.append(f"Your submit_verdict was not accepted: {where}: {exc.message}")
                    continue
                submit = submission_of(c.arguments)
            elif c.name == CONCLUDE:
                conclude = True
            else:
                calls.append(ToolCall(id=cid, name=c.name, args=c.arguments))
        return Action(thought=clip(reply.text, THOUGHT_CHARS), calls=tuple(calls), submit=submit,
                      conclude=conclude and submit is None), notes

    def decide(self, view: View) -> Action:
        tools = self.tools(view)
        backend = view.state.backend
        backend.update({"provider": self.chat.provider, "model": self.chat.model,
                        "host": self.chat.host, "remote": self.chat.remote,
                        "prompts": prompts_version()})
        # The tools offered, once per case, each by a fingerprint of its spec (each step's
        # request names them in order); the system prompt is named by ``prompts``.
        offered = backend.setdefault("tools", {})
        for t in tools:
            offered.setdefault(t["name"], spec_fingerprint(t))
        log: list[dict[str, Any]] = []
        reply, usage, problem = self._ask(view, tools, log)
        self._notes = []
        if reply is None:
            self._bad_steps += 1
            if self._bad_steps >= MAX_BAD_STEPS:
                raise BackendError(f"{self.name} model {self.chat.model} gave no usable answer"
                                   f" {self._bad_steps} steps in a row ({problem})")
            self._notes.append(f"Your last answer could not be used: {problem}.")
            return Action(thought=f"(no usable answer: {problem})", usage=usage,
                          transcript=tuple(log))
        self._bad_steps = 0
        action, notes = self._action(view, reply)
        self._notes = notes
        if not (action.calls or action.submit or action.conclude) and not notes:
            self._notes.append("You called no tool. Call clue tools, zoom, submit_verdict or"
                               " conclude.")
        return Action(thought=action.thought, calls=action.calls, submit=action.submit,
                      conclude=action.conclude, usage=usage, transcript=tuple(log))
