"""One interactive investigation: the loop driven a step at a time, with the investigator in it.

``Session`` owns the case state, the executor and the recorder. ``run`` pulls the loop's
events one by one (the TUI calls it from a worker thread) and stops at the start of a
step when the investigator asked to pause, when a step count is reached, or when the
case finishes. Between steps the investigator's actions (clues, pins, rejections, tool
runs) add evidence through the same recorder, and the next run of the loop starts from
that state: the reasoner sees everything. Each run of the loop is a fresh
``investigate`` generator over the same recorder, so the tool context always holds the
current case (with the clues added since), and step records are numbered across runs.

It counts its changes (investigator actions, loop events) against the count at its last
save: ``unsaved`` says whether closing it would lose anything. ``save_safely`` writes the
case to ``<cache>/unsaved/`` when its folder refuses it, and never raises for the OS.
With the journal enabled (the TUI enables it), ``autosave`` writes the unsaved work to
``<cache>/journal/`` (``cases.journal``); a save or a discard removes it.

Nothing here imports Textual: the TUI drives it, and so do the tests, headless. Its
path is opened by ``wiring`` like every other path of every case.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from geosleuth.agent import investigator
from geosleuth.agent.clues import ShadowClue, SunClue, TimeClue
from geosleuth.agent.events import CaseFinished, Event, StepStarted
from geosleuth.agent.loop import investigate
from geosleuth.agent.reasoner import Action, Reasoner, View
from geosleuth.agent.recorder import Recorder
from geosleuth.agent.state import CaseState, ToolCall
from geosleuth.cases import wiring
from geosleuth.cases.folder import SavedCase
from geosleuth.cases.journal import Journal
from geosleuth.cases.resume import load_case_folder
from geosleuth.errors import BadInputError
from geosleuth.images import load_case
from geosleuth.model import Evidence, Hypothesis
from geosleuth.settings import Settings
from geosleuth.tools.cache import ResultCache
from geosleuth.tools.context import ToolContext
from geosleuth.tools.registry import Registry

OnEvent = Callable[[Event, int], None]
Countries = Callable[[np.ndarray, np.ndarray], np.ndarray]
EXTRA_STEPS = 4  # steps granted when the investigator continues a case whose budget is spent
SUN_TOOL = "sun_angle"


class SteeredReasoner:
    """Wraps a reasoner so the investigator can ask it to stop and conclude at its next step."""

    def __init__(self, inner: Reasoner) -> None:
        self.inner = inner
        self.name = inner.name
        self.model = inner.model
        self.conclude_requested = False

    def decide(self, view: View) -> Action:
        if self.conclude_requested:
            self.conclude_requested = False
            return Action(thought="The investigator asked to stop and conclude.", conclude=True)
        return self.inner.decide(view)


class Session:
    """The state of one case in the TUI, and the operations on it (thread-safe)."""

    def __init__(
        self,
        state: CaseState,
        settings: Settings,
        *,
        reasoner: Reasoner | None = None,
        tools: Registry | None = None,
        cache: ResultCache | None = None,
        geo: bool = True,
        folder: Path | None = None,
        previous_ms: float = 0.0,
        finished: bool = False,
    ) -> None:
        self.settings = settings
        countries, describe = wiring.geo_services(settings) if geo else (None, None)
        self.recorder: Recorder = wiring.open_recorder(state, settings, countries=countries,
                                                       describe=describe)
        tools = tools or wiring.registry()
        wiring.check_tool_options(tools, settings)
        self.executor = wiring.make_executor(
            tools, settings, cache if cache is not None else wiring.make_cache(settings))
        self._reasoner = SteeredReasoner(reasoner) if reasoner is not None else None
        self.folder = folder
        self.finished = finished
        self.error: str | None = None
        self.running = False
        self._elapsed_ms = previous_ms
        self._pause = threading.Event()
        self._lock = threading.RLock()
        self._calls = 0
        self._idle = threading.Event()
        self._idle.set()
        self._changes = 0  # investigator actions and loop events since the session opened
        self._saved_changes = 0  # ... as they stood at the last save
        self.journal: Journal | None = None  # the autosave journal, once enabled
        self._journaled_changes = 0  # ... as they stood at the last journal write

    # ------------------------------------------------------------------ opening

    @classmethod
    def from_photo(cls, photo: Path, settings: Settings, *, clues: tuple[str, ...] = (),
                   ignore_metadata: bool = False, **kwargs: Any) -> Session:
        case = load_case(photo, max_pixels=settings.max_pixels,
                         decode_budget_mb=settings.decode_budget_mb,
                         ignore_metadata=ignore_metadata, clues=clues)
        return cls(CaseState(case=case), settings, **kwargs)

    @classmethod
    def from_folder(cls, folder: Path, settings: Settings, **kwargs: Any) -> Session:
        state, record = load_case_folder(folder, max_pixels=settings.max_pixels,
                                         decode_budget_mb=settings.decode_budget_mb)
        previous = float((record.get("timing") or {}).get("total_ms", 0.0))
        # Cases written by 'locate' ran to the end; the TUI records whether its loop did.
        finished = bool((record.get("loop") or {}).get("finished", bool(state.steps)))
        return cls(state, settings, folder=folder if folder.is_dir() else folder.parent,
                   previous_ms=previous, finished=finished, **kwargs)

    @classmethod
    def open(cls, path: Path, settings: Settings, *, clues: tuple[str, ...] = (),
             ignore_metadata: bool = False, **kwargs: Any) -> Session:
        """A photo starts a new case (with these clues); a case folder resumes one."""
        if path.is_dir() or path.name == "case.json":
            return cls.from_folder(path, settings, **kwargs)
        if not path.exists():
            raise BadInputError(f"{path}: no such file or folder")
        return cls.from_photo(path, settings, clues=clues, ignore_metadata=ignore_metadata,
                              **kwargs)

    # ------------------------------------------------------------------ state

    @property
    def state(self) -> CaseState:
        return self.recorder.state

    @property
    def reasoner(self) -> SteeredReasoner:
        if self._reasoner is None:
            from geosleuth.backends import create_reasoner

            self._reasoner = SteeredReasoner(create_reasoner(self.settings, path=self.state.path))
        return self._reasoner

    @property
    def elapsed_ms(self) -> float:
        return self._elapsed_ms

    @property
    def unsaved(self) -> bool:
        """Whether anything was added or run since the case was opened or last saved.

        No lock: the loop holds it for a whole step, and the UI asks this at once.
        """
        return self._changes != self._saved_changes

    def _touch(self) -> None:
        with self._lock:
            self._changes += 1

    def investigator_evidence(self) -> list[Evidence]:
        return [e for e in self.state.evidence if e.author == "investigator"]

    def hypothesis(self, hid: str) -> Hypothesis:
        found = next((h for h in self.state.hypotheses if h.id == hid), None)
        if found is None:
            raise BadInputError(f"no hypothesis {hid}; pick one from the hypotheses table")
        return found

    # ------------------------------------------------------------------ the loop

    def request_pause(self) -> None:
        """Stop at the start of the next step (what has run so far stays)."""
        self._pause.set()

    def request_conclude(self) -> None:
        """At its next step the reasoner stops and the fusion's verdict stands."""
        with self._lock:
            self.recorder.add(investigator.conclude(self.recorder.next_id()))
            self._touch()
        self.reasoner.conclude_requested = True

    def budget(self) -> int:
        left = self.settings.steps - len(self.state.steps)
        return left if left > 0 else EXTRA_STEPS

    def run(self, on_event: OnEvent, *, steps: int | None = None) -> str:
        """Drive the loop; returns ``"finished"``, ``"paused"`` or ``"stepped"``.

        ``on_event(event, step)`` gets every event with the step number across runs.
        With ``steps`` the run pauses after that many steps.
        """
        reasoner = self.reasoner  # may raise ConfigError (a missing API key): before running
        with self._lock:
            if self.running:
                raise BadInputError("the investigation is already running")
            self.running = True
            self._idle.clear()
            self._pause.clear()
        offset = len(self.state.steps)
        started = time.perf_counter()
        outcome = "finished"
        begun = 0
        current = offset
        gen = investigate(reasoner, self.executor, self.recorder, self.settings,
                          budget=self.budget())
        try:
            while True:
                with self._lock:
                    event = next(gen, None)
                    self._renumber()
                if event is None:
                    break
                if isinstance(event, StepStarted):
                    if self._pause.is_set() or (steps is not None and begun >= steps):
                        gen.close()  # nothing of this step has happened yet
                        outcome = "paused" if self._pause.is_set() else "stepped"
                        break
                    begun += 1
                if isinstance(event, CaseFinished):
                    self.finished, self.error = True, event.error
                if hasattr(event, "step"):
                    current = offset + int(event.step)
                self._touch()
                on_event(event, current)
        finally:
            gen.close()
            with self._lock:
                self._renumber()
                self.running = False
                self._pause.clear()
                self._elapsed_ms += (time.perf_counter() - started) * 1000.0
                self._idle.set()
        if outcome != "finished":
            self.finished = False
        return outcome

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until the loop is not running (False when ``timeout`` passed first)."""
        return self._idle.wait(timeout)

    def _renumber(self) -> None:
        # Each run numbers its steps from 1; in the case they follow one another.
        for i, step in enumerate(self.state.steps, 1):
            step.index = i

    # ------------------------------------------------------------------ investigator actions

    def _add(self, evidence: Evidence) -> Evidence:
        self.recorder.add(evidence)
        self._touch()
        return evidence

    def _refuse(self) -> None:
        self.recorder.fuse()

    def add_clue(self, text: str) -> list[Evidence]:
        """Read and record what the investigator typed; returns the evidence it added.

        Time, shadow and sun clues join the case's clues (the sun tools read them) and,
        once a measurement is known, the ``sun_angle`` tool runs on them at once.
        """
        item = investigator.read_input(text)
        added: list[Evidence] = []
        with self._lock:
            if item.kind == "note":
                added.append(self._add(investigator.note(self.recorder.next_id(), item.body)))
            elif item.point is not None:
                lat, lon, radius = item.point
                added.append(self._add(investigator.point(self.recorder.next_id(), lat, lon,
                                                          radius)))
            elif item.kind == "place":
                added.append(self._add(self._place(item.body)))
            else:
                added.append(self._add(investigator.clue(self.recorder.next_id(), item)))
                if isinstance(item.clue, TimeClue | ShadowClue | SunClue):
                    case = self.state.case
                    self.state.case = case.model_copy(update={"clues": (*case.clues, item.text)})
                    added += self._sun_run()
            self._refuse()
        return added

    def _place(self, name: str) -> Evidence:
        from geosleuth.geo.gazetteer import Gazetteer

        gaz = Gazetteer.open(self.settings.cache_dir)
        matches = gaz.lookup(name, limit=1, fuzzy=True)
        if not matches:
            raise BadInputError(
                f"no place called {name!r} in the gazetteer; give 'point: lat, lon'")
        place = matches[0].place
        radius = max(place.extent_km or 0.0, 5.0)
        label = f"{place.name} ({place.country_code}, {place.kind})"
        return investigator.point(self.recorder.next_id(), place.lat, place.lon, radius, label,
                                  data={"place": place.name, "country_code": place.country_code,
                                        "geonameid": place.geonameid})

    def _sun_run(self) -> list[Evidence]:
        """Run sun_angle on the case's clues when it is installed and has a measurement."""
        from geosleuth.agent.clues import sun_measurement_clue, typed_clues

        if SUN_TOOL not in self.executor.available():
            return []
        if sun_measurement_clue(typed_clues(self.state.case.clues)) is None:
            return []
        return self._run_tool(SUN_TOOL, {})[0]

    def run_tool(self, name: str, args: dict[str, Any]) -> tuple[list[Evidence], str | None]:
        """Run one tool with the investigator's arguments; returns its evidence and any error."""
        with self._lock:
            result = self._run_tool(name, args)
            if result[0]:
                self._refuse()
            return result

    def _run_tool(self, name: str, args: dict[str, Any]) -> tuple[list[Evidence], str | None]:
        self._calls += 1
        call = ToolCall(id=f"investigator-{self._calls}", name=name, args=args)
        state = self.state
        ctx = ToolContext(case=state.case, settings=self.settings, evidence=state.evidence,
                          egress=state.egress, hypotheses=lambda: state.hypotheses)
        evidence, obs = self.executor.run(ctx, call, self.recorder.next_id)
        produced = [e.model_copy(update={"data": {**e.data, "requested_by": "investigator"}})
                    for e in evidence]
        for e in produced:
            self.recorder.add(e)
        if obs.error:
            self.recorder.fail(name, obs.error)
        record = investigator.tool_run(self.recorder.next_id(), name, args,
                                       [e.id for e in produced], obs.error)
        self.recorder.add(record)
        self._touch()
        return [*produced, record], obs.error

    def pin(self, hid: str) -> Evidence:
        with self._lock:
            e = self._add(investigator.pin(self.recorder.next_id(), self.hypothesis(hid)))
            self._refuse()
        return e

    def reject(self, hid: str) -> Evidence:
        with self._lock:
            e = self._add(investigator.reject(self.recorder.next_id(), self.hypothesis(hid)))
            self._refuse()
        return e

    # ------------------------------------------------------------------ the report

    def record(self) -> dict[str, Any]:
        from geosleuth.cases.record import case_record

        with self._lock:
            self._renumber()
            state = self.state
            actions = [{"id": e.id, "action": e.args.get("action"), "summary": e.summary}
                       for e in self.investigator_evidence()]
            reasoner = self._reasoner
            return case_record(
                state, self.settings, backend=self.settings.backend,
                model=self.settings.model or (reasoner.model if reasoner else None),
                total_ms=self._elapsed_ms, error=self.error,
                extra={"investigator": actions, "loop": {"finished": self.finished}},
            )

    # ------------------------------------------------------------------ the journal

    def enable_journal(self) -> Journal:
        """Start journalling this session's unsaved work (``autosave``)."""
        with self._lock:
            if self.journal is None:
                self.journal = Journal.start(self.settings.cache_dir, self.record())
            return self.journal

    def adopt_journal(self, journal: Journal) -> None:
        """Continue a journal left by a session that ended unsaved (this session was opened
        from it): its work is unsaved here too, and a save goes where a new case would."""
        with self._lock:
            self.journal = journal
            self.folder = None
            self._changes += 1
            self._journaled_changes = self._changes

    def autosave(self) -> str | None:
        """Write the journal when there is unsaved work it does not hold yet; remove it when
        there is no unsaved work. Never blocks on a running step (it tries again next time)
        and never raises for the OS: returns the problem in one line instead."""
        journal = self.journal
        if journal is None or not self._lock.acquire(blocking=False):
            return None
        try:
            if not self.unsaved:
                journal.discard()
                self._journaled_changes = self._changes
                return None
            if self._changes == self._journaled_changes and journal.written:
                return None
            changes = self._changes
            journal.write(self.record())
            self._journaled_changes = changes
            return None
        except OSError as exc:
            problem = exc.strerror or str(exc)
            return f"{journal.folder}: the autosave journal cannot be written ({problem})"
        finally:
            self._lock.release()

    def discard_journal(self) -> None:
        """The investigator chose to drop the unsaved work: the journal goes too."""
        if self.journal is not None:
            self.journal.discard()

    # ------------------------------------------------------------------ saving

    def save(self, out: Path | None = None) -> Path:
        """Write the case folder now (report.md, case.json, hypotheses.geojson); returns it.

        Like ``save_safely``, but an ``OSError`` with its one-line problem when the case
        could be written nowhere.
        """
        saved = self.save_safely(out)
        if saved.folder is None:
            raise OSError(saved.problem)
        return saved.folder

    def save_safely(self, out: Path | None = None) -> SavedCase:
        """Write the case folder; when the OS refuses it, a new one in ``<cache>/unsaved/``.

        The folder written becomes the case's folder. ``problem`` says, in one line, why
        the case is not where it was asked to go, and where it is (``folder`` is None when
        nothing could be written: the case stays unsaved, and saving can be tried again).
        """
        from geosleuth.cases.folder import save_case, unsaved_dir

        with self._lock:
            record = self.record()
            changes = self._changes
            saved = save_case(record, out or self.settings.out, folder=self.folder,
                              fallback=unsaved_dir(self.settings.cache_dir))
            if saved.folder is not None:
                self.folder = saved.folder
                self._saved_changes = changes
                if self.journal is not None and changes == self._changes:
                    self.journal.discard()
            return saved
