"""Wiring one case: settings in, the event stream of the loop out.

Front ends (``locate``, the TUI, ``batch``, ``eval``) call ``run_case`` and consume its
events; nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

import numpy as np

from geosleuth.agent.events import Event
from geosleuth.agent.executor import Executor
from geosleuth.agent.investigator import seed_case_clues
from geosleuth.agent.loop import investigate
from geosleuth.agent.reasoner import Reasoner
from geosleuth.agent.recorder import Recorder
from geosleuth.model import Case, Place
from geosleuth.settings import Settings
from geosleuth.tools.cache import ResultCache, open_cache
from geosleuth.tools.registry import Registry, load_registry


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The installed clue tools, loaded once per process."""
    return load_registry()


def geo_services(
    settings: Settings,
) -> tuple[
    Callable[[np.ndarray, np.ndarray], np.ndarray] | None, Callable[[float, float], Place] | None
]:
    """The gazetteer's country-of-point and describe functions, or None when it cannot open."""
    from geosleuth.fusion import store

    store.configure(settings.cache_dir)
    try:
        from geosleuth.geo.gazetteer import Gazetteer

        gaz = Gazetteer.open(settings.cache_dir)
    except ImportError:
        return None, None
    return gaz.countries_at, gaz.describe


def make_cache(settings: Settings) -> ResultCache | None:
    return open_cache(settings.cache_dir) if settings.cache else None


def run_case(
    case: Case,
    settings: Settings,
    *,
    reasoner: Reasoner | None = None,
    tools: Registry | None = None,
    cache: ResultCache | None = None,
    path: int = 0,
) -> Iterator[Event]:
    """Investigate one case along one path, yielding the loop's events."""
    from geosleuth.backends import create_reasoner

    reasoner = reasoner or create_reasoner(settings, path=path)
    countries, describe = geo_services(settings)
    executor = Executor(
        tools or registry(),
        cache=cache if cache is not None else make_cache(settings),
        disabled=tuple(settings.disabled_tools),
    )
    recorder = Recorder(
        case, coverage=settings.coverage, countries=countries, describe=describe, path=path
    )
    seed_case_clues(recorder)
    yield from investigate(reasoner, executor, recorder, settings)
