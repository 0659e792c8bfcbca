"""The status line: backend, model, step, tokens, cost, what the loop is doing, the case folder."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from geosleuth.agent.state import Usage


class StatusLine(Static):
    def show(self, *, backend: str, model: str | None, step: int, budget: int, usage: Usage,
             activity: str, folder: str | None = None) -> None:
        parts: list[tuple[str, str] | str] = [
            (f" {backend}", "bold"), f" {model}" if model else "",
            f" │ step {step}/{budget}",
            f" │ {usage.tokens_in + usage.tokens_out:,} tok",
            f" │ ${usage.cost_usd:.4f}",
            " │ ", (activity, "bold reverse" if activity == "running" else "bold"),
        ]
        if folder:
            parts.append((f" │ {folder}", "dim"))
        self.update(Text.assemble(*parts, no_wrap=True, overflow="ellipsis"))
