"""The case screen: the photo, the map, the live steps, the evidence and the hypotheses.

The loop runs in a worker thread (``Session.run``), which hands every event back to the
screen with ``call_from_thread``; investigator actions and saving run in workers too, so
the screen never freezes. Errors become a modal dialog; a save the OS refuses is one line
of error (the case goes to the cache's ``unsaved/`` folder, or stays unsaved to try again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PIL import Image
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, TabbedContent, TabPane

from geosleuth.agent.events import (
    CaseFinished,
    Event,
    EvidenceAdded,
    HypothesesUpdated,
    StepStarted,
    VerdictReached,
)
from geosleuth.cases.folder import SavedCase
from geosleuth.cases.session import Session
from geosleuth.errors import GeosleuthError
from geosleuth.model import Evidence
from geosleuth.tui.screens.clue import ClueScreen
from geosleuth.tui.screens.dialogs import DetailScreen, ErrorScreen, HelpScreen
from geosleuth.tui.screens.tool import ToolScreen
from geosleuth.tui.widgets.evidence import EvidenceTable, provenance
from geosleuth.tui.widgets.hypotheses import HypothesesTable, hypothesis_detail
from geosleuth.tui.widgets.hypothesis_map import HypothesisMap
from geosleuth.tui.widgets.photo import ImageMode, photo_widget, thumbnail
from geosleuth.tui.widgets.status import StatusLine
from geosleuth.tui.widgets.steps import StepsLog, evidence_text, verdict_line


class CaseScreen(Screen[None]):
    """One case, investigated with the loop and the investigator together."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "continue_loop", "Run"),
        Binding("n", "step", "Step"),
        Binding("p", "pause", "Pause"),
        Binding("a", "add_clue", "Clue"),
        Binding("t", "run_tool", "Tool"),
        Binding("k", "pin", "Pin"),
        Binding("r", "reject", "Reject"),
        Binding("f", "conclude", "End"),
        Binding("s", "save", "Save"),
        Binding("z", "zoom_ocr", "Zoom+OCR", show=False),
        Binding("g", "map_search", "Map search", show=False),
        Binding("m", "toggle_map", "Map", show=False),
        Binding("v", "map_picture", "Map picture", show=False),
        Binding("1", "tab('steps')", "Steps", show=False),
        Binding("2", "tab('evidence')", "Evidence", show=False),
        Binding("3", "tab('hypotheses')", "Hypotheses", show=False),
        Binding("question_mark", "help", "Keys"),
    ]

    def __init__(self, session: Session, *, image_mode: ImageMode = "auto",
                 autorun: bool = True, photo: Image.Image | None = None) -> None:
        super().__init__()
        self.session = session
        self.photo = photo
        self.image_mode = image_mode
        self.autorun = autorun
        self.activity = "paused"
        self.step = len(session.state.steps)
        self.messages: list[str] = []  # what the screen told the investigator (tests read it)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                photo = self.photo or thumbnail(self.session.state.case.path,
                                                self.session.settings.max_pixels,
                                                self.session.settings.decode_budget_mb)
                yield photo_widget(photo, self.image_mode, id="photo")
                yield HypothesisMap(id="map")
            with TabbedContent(id="tabs", initial="steps"):
                with TabPane("Steps", id="steps"):
                    yield StepsLog(id="log")
                with TabPane("Evidence", id="evidence"):
                    yield EvidenceTable(id="evidence-table")
                with TabPane("Hypotheses", id="hypotheses"):
                    yield HypothesesTable(id="hypotheses-table")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        state = self.session.state
        log = self.query_one(StepsLog)
        log.add_note(Text.assemble(("case ", "bold"), state.case.path.name,
                                   (f"  sha256 {state.case.sha8}", "dim")))
        if state.steps:
            log.add_note(Text(f"resumed: {len(state.steps)} steps, {len(state.evidence)} evidence;"
                              " press c to continue", style="dim"))
            log.add_note(Text.assemble(("verdict so far: ", "bold"), verdict_line(state.verdict)))
        self.refresh_case()
        self.query_one(StepsLog).focus()
        if self.autorun and not self.session.finished:
            self.start_loop()
        else:
            self.tell("press c to run the loop, n for one step, a to add a clue")

    # ------------------------------------------------------------------ display

    def tell(self, message: str, *, severity: str = "information", timeout: float = 4) -> None:
        self.messages.append(message)
        self.app.notify(message, severity=severity, timeout=timeout)  # type: ignore[arg-type]

    def refresh_case(self) -> None:
        state = self.session.state
        self.query_one(EvidenceTable).set_evidence(state.evidence)
        self.query_one(HypothesesTable).set_hypotheses(state.hypotheses)
        self.query_one(HypothesisMap).set_hypotheses(state.hypotheses)
        self.refresh_status()

    def refresh_status(self) -> None:
        s = self.session
        reasoner = s._reasoner
        self.query_one(StatusLine).show(
            backend=reasoner.name if reasoner else s.settings.backend,
            model=s.settings.model or (reasoner.model if reasoner else None),
            step=self.step, budget=max(s.settings.steps, len(s.state.steps)),
            usage=s.state.usage, activity=self.activity,
            folder=str(s.folder) if s.folder else None,
        )

    @property
    def shown(self) -> bool:
        """Whether this case is still on screen (another one may have been opened since)."""
        return self in self.app.screen_stack

    def show_event(self, event: Event, step: int) -> None:
        """One event of the loop, on the screen (called on the UI thread)."""
        if not self.shown:
            return
        self.query_one(StepsLog).add_event(event, step)
        if isinstance(event, StepStarted):
            self.step = step
            self.refresh_status()
        elif isinstance(event, EvidenceAdded):
            self.query_one(EvidenceTable).add_evidence(event.evidence)
        elif isinstance(event, HypothesesUpdated):
            self.query_one(HypothesesTable).set_hypotheses(list(event.hypotheses))
            self.query_one(HypothesisMap).set_hypotheses(list(event.hypotheses))
        elif isinstance(event, VerdictReached):
            self.refresh_case()
        elif isinstance(event, CaseFinished) and event.error:
            self.app.push_screen(ErrorScreen(
                f"{event.error}\nWhat was found is kept: save it with s.", "The case stopped"))

    def show_added(self, added: list[Evidence], note: str | None = None) -> None:
        if not self.shown:
            return
        log = self.query_one(StepsLog)
        for e in added:
            log.add_note(evidence_text(e))
        if note:
            log.add_note(Text(note, style="yellow"))
        self.refresh_case()

    def fail(self, exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, GeosleuthError) else f"{type(exc).__name__}: {exc}"
        self.messages.append(message)
        self.app.push_screen(ErrorScreen(message))

    # ------------------------------------------------------------------ the loop

    def start_loop(self, steps: int | None = None) -> None:
        if self.session.running:
            self.tell("the loop is already running")
            return
        self.activity = "running"
        self.refresh_status()
        self._run(steps)

    @work(thread=True, exclusive=True, group="loop", exit_on_error=False)
    def _run(self, steps: int | None) -> None:
        try:
            outcome = self.session.run(
                lambda ev, n: self.app.call_from_thread(self.show_event, ev, n), steps=steps)
        except Exception as exc:  # a bug or a refused backend: a modal, never a traceback
            self.app.call_from_thread(self._stopped, "paused", exc)
            return
        self.app.call_from_thread(self._stopped, outcome, None)

    def _stopped(self, outcome: str, exc: BaseException | None) -> None:
        if not self.shown:
            return
        self.activity = {"finished": "finished"}.get(outcome, "paused")
        self.refresh_case()
        if exc is not None:
            self.fail(exc)
        elif outcome == "finished":
            self.tell("case finished: " + verdict_line(self.session.state.verdict))
        else:
            self.tell(f"paused before step {len(self.session.state.steps) + 1}")

    def action_continue_loop(self) -> None:
        self.start_loop()

    def action_step(self) -> None:
        self.start_loop(steps=1)

    def action_pause(self) -> None:
        if not self.session.running:
            self.tell("not running; c continues, n runs one step")
            return
        self.session.request_pause()
        self.activity = "pausing"
        self.refresh_status()

    def action_conclude(self) -> None:
        self._conclude()

    @work(thread=True, group="actions", exit_on_error=False)
    def _conclude(self) -> None:
        self.session.request_conclude()
        self.app.call_from_thread(self.show_added, self.session.investigator_evidence()[-1:])
        if not self.session.running:
            self.app.call_from_thread(self.start_loop)

    # ------------------------------------------------------------------ the investigator

    def action_add_clue(self) -> None:
        self.app.push_screen(ClueScreen(), self._clue_given)

    def _clue_given(self, text: str | None) -> None:
        if text:
            self._add_clue(text)

    @work(thread=True, group="actions", exit_on_error=False)
    def _add_clue(self, text: str) -> None:
        try:
            added = self.session.add_clue(text)
        except Exception as exc:
            self.app.call_from_thread(self.fail, exc)
            return
        self.app.call_from_thread(self.show_added, added)
        self.app.call_from_thread(self.tell, f"added {', '.join(e.id for e in added)}")

    def action_run_tool(self, preset: tuple[str, dict[str, Any]] | None = None) -> None:
        specs = self.session.executor.tool_specs()
        if not specs:
            self.fail(GeosleuthError("no clue tool is available here; see 'geosleuth tools'"))
            return
        tools = self.session.executor.toolbox()
        examples = {n: t.example_args for n, t in tools.items() if t.example_args is not None}
        # the dialog opens on a tool that reads the photo's text, when one is installed
        first = next((n for n in sorted(tools) if "photo_text" in tools[n].reveals), None)
        self.app.push_screen(ToolScreen(specs, preset, examples, first), self._tool_given)

    def action_zoom_ocr(self) -> None:
        """The tool dialog set to OCR a region of the photo (x0, y0, x1, y1 as fractions)."""
        self.action_run_tool(("ocr_signage", {"region": [0.25, 0.25, 0.75, 0.75]}))

    def action_map_search(self) -> None:
        """The tool dialog set to search the map for a name near the leading hypothesis."""
        args: dict[str, Any] = {"op": "search", "text": ""}
        top = self.session.state.hypotheses[:1]
        if top and top[0].country_code:
            args["country"] = top[0].country_code
        self.action_run_tool(("map_search", args))

    def _tool_given(self, choice: tuple[str, dict[str, Any]] | None) -> None:
        if choice:
            self.tell(f"running {choice[0]}…")
            self._run_tool(*choice)

    @work(thread=True, group="actions", exit_on_error=False)
    def _run_tool(self, name: str, args: dict[str, Any]) -> None:
        try:
            added, error = self.session.run_tool(name, args)
        except Exception as exc:
            self.app.call_from_thread(self.fail, exc)
            return
        self.app.call_from_thread(self.show_added, added)
        if error:
            self.app.call_from_thread(self.fail, GeosleuthError(f"{name}: {error}"))

    def _selected_hypothesis(self) -> str | None:
        h = self.query_one(HypothesesTable).selected()
        if h is None:
            self.fail(GeosleuthError("there is no hypothesis yet: run the loop or add a clue"))
            return None
        return h.id

    def action_pin(self) -> None:
        hid = self._selected_hypothesis()
        if hid:
            self._mark(hid, pin=True)

    def action_reject(self) -> None:
        hid = self._selected_hypothesis()
        if hid:
            self._mark(hid, pin=False)

    @work(thread=True, group="actions", exit_on_error=False)
    def _mark(self, hid: str, pin: bool) -> None:
        try:
            e = self.session.pin(hid) if pin else self.session.reject(hid)
        except Exception as exc:
            self.app.call_from_thread(self.fail, exc)
            return
        self.app.call_from_thread(self.show_added, [e])
        self.app.call_from_thread(self.tell, e.summary)

    # ------------------------------------------------------------------ cases and views

    def action_save(self) -> None:
        self.save_then(None)

    @work(thread=True, group="save", exit_on_error=False)
    def save_then(self, then: Callable[[str], None] | None) -> None:
        """Save; once the case is on disk, ``then(what was told)`` (not when nothing was written).

        Saving before leaving (``then``) waits for a running loop to pause first, so the
        step under way is saved too.
        """
        if then is not None and self.session.running:
            self.app.call_from_thread(self.tell, "saving when the current step is done")
            self.session.request_pause()
            self.session.wait_idle()
        try:
            saved = self.session.save_safely()
        except Exception as exc:
            self.app.call_from_thread(self.fail, exc)
            return
        self.app.call_from_thread(self._saved, saved, then)

    def _saved(self, saved: SavedCase, then: Callable[[str], None] | None) -> None:
        if saved.folder is None:  # nothing written: the work stays here, unsaved
            self.tell(f"not saved: {saved.problem}", severity="error", timeout=12)
            return
        self.refresh_status()
        if saved.problem:
            self.tell(saved.problem, severity="warning", timeout=12)
        else:
            self.tell(f"saved {saved.folder}/report.md")
        if then is not None:
            then(self.messages[-1])

    def action_toggle_map(self) -> None:
        m = self.query_one(HypothesisMap)
        m.world = not m.world

    def action_map_picture(self) -> None:
        self.tell("drawing the map…")
        self._draw_map_picture()

    @work(thread=True, exclusive=True, group="map-picture")
    def _draw_map_picture(self) -> None:
        from geosleuth.report.casemap import render_case_map

        record = self.session.record()
        picture = render_case_map(record)
        v = record["verdict"]
        caption = ("Map: no verdict yet" if v.get("lat") is None else
                   f"Map: {v.get('place') or 'unnamed place'} ±{v['radius_km']:g} km,"
                   f" confidence {v['confidence']:.2f}")
        self.app.call_from_thread(self._show_map_picture, picture, caption)

    def _show_map_picture(self, picture: object, caption: str) -> None:
        from geosleuth.tui.screens.map_picture import MapPictureScreen

        self.app.push_screen(MapPictureScreen(picture, caption, self.image_mode))  # type: ignore[arg-type]

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        target = {"steps": StepsLog, "evidence": EvidenceTable, "hypotheses": HypothesesTable}[tab]
        self.query_one(target).focus()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if isinstance(event.data_table, EvidenceTable):
            e = event.data_table.selected()
            if e is not None:
                self.app.push_screen(DetailScreen(f"Evidence {e.id}", provenance(e)))
        elif isinstance(event.data_table, HypothesesTable):
            h = event.data_table.selected()
            if h is not None:
                self.app.push_screen(DetailScreen(f"Hypothesis {h.id}", hypothesis_detail(h)))
