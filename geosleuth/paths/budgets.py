"""Budgets across parallel paths: total model calls, tokens and cost, and early stopping.

``TotalBudget`` is shared by every path of a case and by the verifier. A model call is
*reserved* before it is sent (so K threads can never exceed ``max_model_calls``
together); tokens and cost are known only from the answer, so those caps stop new calls
once reached (a call already in flight may overshoot them by its own size). One call is
held back for the verifier when there is one, so the paths cannot starve it.

``MeteredChat`` wraps a ``ChatModel`` to reserve and count; ``BudgetedReasoner`` wraps
a ``Reasoner`` so that a path whose budget ran out ends with the fusion's verdict (as a
forced verdict that says why) instead of failing. ``agreement`` decides early stopping:
when the first M paths all answered within ``agree_km`` of one another the others need
not run.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from geosleuth.agent.reasoner import Action, Reasoner, View
from geosleuth.backends.chat import ChatModel, ChatReply, Message
from geosleuth.backends.prices import cost_usd
from geosleuth.errors import GeosleuthError
from geosleuth.geo.distance import geodesic_km
from geosleuth.model import Verdict
from geosleuth.settings import Settings


class BudgetSpent(GeosleuthError):
    """The total budget across paths is spent: no further model call may be made."""


class TotalBudget:
    """Caps shared by every path of one case (None: no cap). Thread-safe."""

    def __init__(self, max_calls: int | None = None, max_tokens: int | None = None,
                 max_cost_usd: float | None = None) -> None:
        self.max_calls = max_calls
        self.max_tokens = max_tokens
        self.max_cost_usd = max_cost_usd
        self.calls = 0
        self.tokens_in = 0
        self.tokens_out = 0
        self.cost_usd = 0.0
        self.held = 0
        self.refused = 0
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> TotalBudget:
        return cls(settings.max_model_calls, settings.total_tokens, settings.total_cost_usd)

    def _why_spent(self, *, held: int) -> str | None:
        if self.max_calls is not None and self.calls + held >= self.max_calls:
            return f"model-call budget spent ({self.calls} of {self.max_calls} across paths)"
        tokens = self.tokens_in + self.tokens_out
        if self.max_tokens is not None and tokens >= self.max_tokens:
            return f"token budget spent ({tokens} of {self.max_tokens} across paths)"
        if self.max_cost_usd is not None and self.cost_usd >= self.max_cost_usd:
            return (f"cost budget spent (${self.cost_usd:.4f} of ${self.max_cost_usd:g}"
                    " across paths)")
        return None

    def hold(self, calls: int = 1) -> None:
        """Keep ``calls`` model calls for later (the verifier): paths cannot use them."""
        with self._lock:
            self.held += calls

    def release(self, calls: int = 1) -> None:
        with self._lock:
            self.held = max(0, self.held - calls)

    def spent(self) -> str | None:
        """Why no path may make another call, or None."""
        with self._lock:
            return self._why_spent(held=self.held)

    def reserve(self, *, held: bool = False) -> None:
        """Take one model call or raise BudgetSpent; ``held`` uses a call kept by ``hold``."""
        with self._lock:
            if held and self.held > 0:
                self.held -= 1
            why = self._why_spent(held=self.held)
            if why is not None:
                self.refused += 1
                raise BudgetSpent(why)
            self.calls += 1

    def refund(self) -> None:
        """Give back a reserved call that did not reach a model (a replayed answer)."""
        with self._lock:
            self.calls = max(0, self.calls - 1)

    def record(self, tokens_in: int, tokens_out: int, cost: float) -> None:
        with self._lock:
            self.tokens_in += tokens_in
            self.tokens_out += tokens_out
            self.cost_usd += cost

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "model_calls": self.calls, "tokens_in": self.tokens_in,
                "tokens_out": self.tokens_out, "cost_usd": round(self.cost_usd, 6),
                "refused_calls": self.refused,
                "caps": {"model_calls": self.max_calls, "tokens": self.max_tokens,
                         "cost_usd": self.max_cost_usd},
            }


class MeteredChat:
    """A ``ChatModel`` that reserves each call from a ``TotalBudget`` and counts its usage."""

    def __init__(self, inner: ChatModel, budget: TotalBudget, settings: Settings, *,
                 held: bool = False) -> None:
        self.inner = inner
        self.budget = budget
        self.settings = settings
        self.held = held  # calls may use the calls held back (the verifier's)
        self.provider = inner.provider
        self.model = inner.model
        self.host = inner.host
        self.remote = inner.remote
        self.capabilities = inner.capabilities

    def chat(self, messages: list[Message], tools: list[dict[str, Any]] | None = None, *,
             temperature: float | None = None, seed: int | None = None,
             max_tokens: int | None = None) -> ChatReply:
        self.budget.reserve(held=self.held)
        reply = self.inner.chat(messages, tools, temperature=temperature, seed=seed,
                                max_tokens=max_tokens)
        if reply.cached:  # replayed from the cache: no model was called, nothing was spent
            self.budget.refund()
            return reply
        cost = cost_usd(self.model, reply.usage.tokens_in, reply.usage.tokens_out, self.settings)
        self.budget.record(reply.usage.tokens_in, reply.usage.tokens_out, cost)
        return reply


class BudgetedReasoner:
    """A reasoner that stops its path gracefully when the total budget is spent.

    A reasoner with a ``chat`` attribute (the LVLM reasoner) gets it wrapped in a
    ``MeteredChat`` so every call is reserved and counted; any other reasoner's usage
    is counted from its actions (it reserves no calls: the offline reasoner makes none).
    """

    def __init__(self, inner: Reasoner, budget: TotalBudget, settings: Settings) -> None:
        self.inner = inner
        self.budget = budget
        self.name = inner.name
        self.model = inner.model
        chat = getattr(inner, "chat", None)
        self.metered = isinstance(chat, ChatModel)
        if self.metered:
            inner.chat = MeteredChat(chat, budget, settings)  # type: ignore[attr-defined]

    def _stop(self, view: View, why: str) -> Action:
        view.state.forced = True
        view.state.stopped = why
        return Action(thought=f"Stop: {why}; the fusion's verdict stands.", conclude=True)

    def decide(self, view: View) -> Action:
        why = self.budget.spent()
        if why is not None:
            return self._stop(view, why)
        try:
            action = self.inner.decide(view)
        except BudgetSpent as exc:
            return self._stop(view, str(exc))
        if not self.metered:
            u = action.usage
            self.budget.record(u.tokens_in, u.tokens_out, u.cost_usd)
        return action


@dataclass(frozen=True)
class Agreement:
    """Whether the finished paths among the first M agree; ``decided`` once it is known."""

    decided: bool
    agree: bool
    reason: str


def agreement(verdicts: Sequence[Verdict | None], m: int, agree_km: float) -> Agreement:
    """Do the first ``m`` paths agree? ``verdicts[i]`` is path i's verdict, None if running.

    They agree when all ``m`` answered and every two answers lie within ``agree_km``
    (geodesic). The outcome is decided early when two finished paths already disagree
    or one found no answer.
    """
    first = list(verdicts[:m])
    done = [(i, v) for i, v in enumerate(first) if v is not None]
    for i, v in done:
        if not v.known:
            return Agreement(True, False, f"path {i} found no answer")
    for a, (i, vi) in enumerate(done):
        for j, vj in done[a + 1:]:
            d = geodesic_km(vi.lat, vi.lon, vj.lat, vj.lon)  # type: ignore[arg-type]
            if d > agree_km:
                return Agreement(True, False, f"paths {i} and {j} are {d:.1f} km apart")
    if len(done) < m or len(first) < m:
        return Agreement(False, False, "waiting for the first paths")
    return Agreement(True, True, f"the first {m} paths agree within {agree_km:g} km")
