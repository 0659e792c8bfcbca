"""Wiring one path of a case: the installed tools, the tool cache, the gazetteer services,
and an executor and recorder seeded with the investigator's clues.

Every way of running a case (``runner.investigate_photo`` for ``locate``, ``batch`` and
``eval``; ``paths.run_paths`` for each of K paths; ``session.Session`` for the TUI) opens
its paths here, so a clue, a disabled tool or a setting reaches every path the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np

from geosleuth.agent.executor import Executor
from geosleuth.agent.investigator import seed_case_clues
from geosleuth.agent.recorder import Recorder
from geosleuth.agent.state import CaseState
from geosleuth.model import Place
from geosleuth.settings import Settings
from geosleuth.tools.cache import ResultCache, open_cache
from geosleuth.tools.registry import Registry, load_registry

CountryLookup = Callable[[np.ndarray, np.ndarray], np.ndarray]
Describe = Callable[[float, float], Place]


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The installed clue tools, loaded once per process."""
    return load_registry()


def geo_services(settings: Settings) -> tuple[CountryLookup | None, Describe | None]:
    """The gazetteer's country-of-point and describe functions, or None when it cannot open."""
    from geosleuth.fusion import store
    from geosleuth.text import word_index

    store.configure(settings.cache_dir)
    word_index.configure(settings.cache_dir)  # word frequencies read from indexes kept there
    try:
        from geosleuth.geo.gazetteer import Gazetteer

        gaz = Gazetteer.open(settings.cache_dir)
    except ImportError:
        return None, None
    return gaz.countries_at, gaz.describe


def make_cache(settings: Settings) -> ResultCache | None:
    return open_cache(settings.cache_dir) if settings.cache else None


def make_executor(tools: Registry, settings: Settings, cache: ResultCache | None,
                  cls: type[Executor] = Executor, **kw: object) -> Executor:
    """An executor over ``tools`` with the settings' disabled tools left out."""
    return cls(tools, cache=cache, disabled=tuple(settings.disabled_tools), **kw)  # type: ignore[arg-type]


def open_recorder(state: CaseState, settings: Settings, *, countries: CountryLookup | None,
                  describe: Describe | None) -> Recorder:
    """A recorder over ``state`` (new or resumed) with the case's clues recorded as the
    investigator's evidence: new evidence ids follow the last one in the state."""
    recorder = Recorder(state.case, coverage=settings.coverage, countries=countries,
                        describe=describe, path=state.path)
    recorder.resume(state)
    seed_case_clues(recorder)
    return recorder


def check_tool_options(tools: Registry, settings: Settings) -> None:
    """Every ``[tools.NAME]`` table names an installed tool and suits its options (else a
    ConfigError before the case starts, not a failed call in the middle of it)."""
    from geosleuth.errors import ConfigError
    from geosleuth.tools.context import tool_options

    for name in settings.tools:
        tool = tools.get(name)
        if tool is None:
            known = ", ".join(sorted(tools.tools)) or "none"
            raise ConfigError(f"[tools.{name}]: no such clue tool (installed: {known})")
        tool_options(settings, tool)
