"""Reasoner backends: the built-in offline reasoner, and model providers.

``create_reasoner(settings)`` picks one by ``settings.backend``.
"""

from __future__ import annotations

from geosleuth.agent.reasoner import Reasoner
from geosleuth.errors import ConfigError
from geosleuth.settings import Settings


def create_reasoner(settings: Settings, *, path: int = 0) -> Reasoner:
    name = settings.backend
    if name == "offline":
        from geosleuth.backends.offline import OfflineReasoner

        return OfflineReasoner(path=path)
    raise ConfigError(
        f"unknown backend {name!r}; available: offline"
        + (", " + ", ".join(sorted(settings.servers)) if settings.servers else "")
    )
