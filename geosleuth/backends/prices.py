"""What a model call costs: USD per million tokens in and out, per model.

``settings.prices`` (``{model: {input, output}}`` in the config file) overrides the
built-in table. A model is matched by its exact name, then by the longest known prefix
(so a dated snapshot such as ``gpt-4o-2024-08-06`` costs what ``gpt-4o`` costs). A
model in neither (a local server) costs nothing.
"""

from __future__ import annotations

from geosleuth.settings import Settings

# USD per 1M tokens (input, output), standard tier, no batch or cache discounts.
# OpenAI: "API Pricing" page, openai.com/api/pricing, as listed in August 2025.
# Anthropic: "Pricing" page, anthropic.com/pricing#api, as listed in November 2025.
# Newer models of a family fall back to the family's prefix (claude-sonnet-4-6 costs what
# claude-sonnet-4 costs); set exact figures in the config file's [prices] table.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o": (2.50, 10.00),
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "o4-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
    "claude-opus-4": (15.00, 75.00),
    "claude-opus-4-5": (5.00, 25.00),
    "claude-sonnet-4": (3.00, 15.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-3-7-sonnet": (3.00, 15.00),
    "claude-3-5-sonnet": (3.00, 15.00),
    "claude-3-5-haiku": (0.80, 4.00),
    "claude-3-haiku": (0.25, 1.25),
}


def price_of(model: str | None, settings: Settings | None = None) -> tuple[float, float]:
    """(input, output) USD per million tokens for ``model``; (0, 0) if unknown."""
    if not model:
        return 0.0, 0.0
    table: dict[str, tuple[float, float]] = dict(DEFAULT_PRICES)
    if settings is not None:
        for name, p in settings.prices.items():
            table[name] = (float(p.get("input", 0.0)), float(p.get("output", 0.0)))
    if model in table:
        return table[model]
    prefixes = [name for name in table if model.startswith(name)]
    return table[max(prefixes, key=len)] if prefixes else (0.0, 0.0)


def cost_usd(model: str | None, tokens_in: int, tokens_out: int,
             settings: Settings | None = None) -> float:
    pin, pout = price_of(model, settings)
    return (tokens_in * pin + tokens_out * pout) / 1_000_000
