"""The investigation TUI: ``InvestigationApp`` opens a photo or a case folder and shows the case.

With no path it starts with the file picker. Opening (reading and hashing the photo,
reading a case folder back) runs in a worker; a bad file becomes an error dialog and
the picker stays open.

Quitting (``q``) or opening another case (``o``) with unsaved work first asks: save,
discard or cancel. Nothing the investigator did is dropped without that question. Unsaved
work is also journalled every ``AUTOSAVE_S`` seconds (``cases.journal``): when a photo
is opened whose journal a crashed or killed session left, the app offers to restore it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from PIL import Image
from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from geosleuth.cases.journal import Journal, pending
from geosleuth.cases.session import Session
from geosleuth.settings import Settings
from geosleuth.tui.screens.case import CaseScreen
from geosleuth.tui.screens.dialogs import ErrorScreen
from geosleuth.tui.screens.open import OpenScreen
from geosleuth.tui.screens.unsaved import Choice, Restore, RestoreScreen, UnsavedScreen
from geosleuth.tui.widgets.photo import ImageMode, thumbnail

SessionFactory = Callable[[Path, Settings], Session]
AUTOSAVE_S = 2.0  # how often unsaved work is written to the journal
Then = Callable[[str | None], None]  # what to do once the case may close (given what was told)

COMMANDS = (
    ("Continue the loop", "Let the reasoner carry on until it concludes (c)", "continue_loop"),
    ("Run one step", "One step of the loop, then pause (n)", "step"),
    ("Pause", "Stop before the next step (p)", "pause"),
    ("Stop and conclude", "The reasoner stops; the fusion's verdict stands (f)", "conclude"),
    ("Add a clue or note", "Capture time, shadow, country, point, place, note (a)", "add_clue"),
    ("Run a tool", "Run one clue tool with your arguments (t)", "run_tool"),
    ("Zoom and OCR", "Read the text in a region of the photo (z)", "zoom_ocr"),
    ("Search the map", "Look a name up on the map (g)", "map_search"),
    ("Pin the selected hypothesis", "A strong point constraint on it (k)", "pin"),
    ("Reject the selected hypothesis", "A negated point constraint on it (r)", "reject"),
    ("Save the report", "Write case.json, report.md, hypotheses.geojson (s)", "save"),
    ("Toggle the map", "Region around the hypotheses, or the world (m)", "toggle_map"),
)


class InvestigationApp(App[None]):
    """``geosleuth investigate``: the loop on screen, with the investigator in it."""

    CSS_PATH = "app.tcss"
    TITLE = "geosleuth"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"), Binding("o", "open", "Open", show=False)]

    def __init__(
        self,
        settings: Settings,
        path: Path | None = None,
        *,
        image_mode: ImageMode = "auto",
        autorun: bool = True,
        session_factory: SessionFactory | None = None,
        open_kwargs: dict[str, Any] | None = None,
        prepare_index: bool = False,
    ) -> None:
        super().__init__()
        self.prepare_index = prepare_index
        self.settings = settings
        self.start_path = path
        self.image_mode = image_mode
        self.autorun = autorun
        self.open_kwargs = open_kwargs or {}
        self.session_factory = session_factory or (
            lambda p, s: Session.open(p, s, **self.open_kwargs))
        self.session: Session | None = None
        self._autosave_problem: str | None = None

    def on_mount(self) -> None:
        self.set_interval(AUTOSAVE_S, self.autosave)
        from geosleuth.geo.gazetteer import index_path

        if self.prepare_index and not index_path(self.settings.cache_dir).exists():
            self._build_index()  # the first run: a screen with the build's progress
        else:
            self._start()

    def _start(self) -> None:
        if self.start_path is None:
            self.action_open()
        else:
            self.open_path(self.start_path)

    @work(thread=True, exclusive=True, group="build", exit_on_error=False)
    def _build_index(self) -> None:
        """Build the gazetteer index behind ``BuildScreen``, then open the photo or picker."""
        from geosleuth.geo.gazetteer import Gazetteer
        from geosleuth.geo.gazetteer_build import BUILD_STAGES
        from geosleuth.tui.screens.building import BuildScreen

        screen = BuildScreen(BUILD_STAGES)
        self.call_from_thread(self.push_screen, screen)
        try:
            Gazetteer.open(self.settings.cache_dir,
                           report=lambda n, what: self.call_from_thread(screen.stage, n, what),
                           progress=lambda f: self.call_from_thread(screen.advance, f))
        except Exception as exc:  # the cache folder cannot be written: say so, go on
            self.call_from_thread(self._built, screen, exc)
            return
        self.call_from_thread(self._built, screen, None)

    def _built(self, screen: Screen, problem: BaseException | None) -> None:
        if screen in self.screen_stack:
            self.pop_screen()
        if problem is not None:
            self.notify(f"the gazetteer index could not be built: {problem}",
                        title="Gazetteer", severity="error")
        self._start()

    @property
    def case_screen(self) -> CaseScreen | None:
        return next((s for s in reversed(self.screen_stack) if isinstance(s, CaseScreen)), None)

    async def action_quit(self) -> None:
        """Quit; with unsaved work, ask first."""
        self.leave("quitting", self._quit)

    def action_open(self) -> None:
        """The file picker; with unsaved work, ask first."""
        self.leave("opening another case", lambda _: self._open_picker())

    def leave(self, doing: str, then: Then) -> None:
        """``then`` at once when the case has no unsaved work, else once the user chose."""
        if any(isinstance(s, UnsavedScreen) for s in self.screen_stack):
            return  # already asking
        screen = self.case_screen
        if screen is None or not screen.session.unsaved:
            then(None)
            return
        session = screen.session

        def chosen(choice: Choice | None) -> None:
            if choice == "discard":
                session.discard_journal()
                then(None)
            elif choice == "save":
                screen.save_then(then)

        folder = session.folder or f"{session.settings.out}/"
        self.push_screen(UnsavedScreen(session.state.case.path.name, doing, str(folder)), chosen)

    def _quit(self, told: str | None) -> None:
        screen = self.case_screen
        if screen is not None and screen.session.running:
            screen.session.request_pause()  # the loop's thread ends at its next step
        self.exit(message=Text(told) if told else None)  # printed once the app is gone

    def _open_picker(self) -> None:
        start = self.start_path if self.start_path and self.start_path.is_dir() else None
        self.push_screen(OpenScreen(start), self._picked)

    def _picked(self, path: Path | None) -> None:
        if path is None:
            if self.case_screen is None:
                self.exit()
            return
        self.open_path(path)

    def autosave(self) -> None:
        """Journal the open case's unsaved work; say once when the journal cannot be written."""
        screen = self.case_screen
        if screen is None:
            return
        problem = screen.session.autosave()
        if problem and problem != self._autosave_problem:
            self.notify(problem, title="Autosave", severity="warning")
        self._autosave_problem = problem

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def open_path(self, path: Path) -> None:
        try:
            session = self.session_factory(path, self.settings)
            photo = thumbnail(session.state.case.path, self.settings.max_pixels,
                              self.settings.decode_budget_mb)
            journals = self._journals_of(session)
        except Exception as exc:  # a bad photo or case folder: say so, keep the picker
            self.call_from_thread(self._open_failed, path, exc)
            return
        if journals:
            self.call_from_thread(self._offer_restore, session, photo, journals[0])
        else:
            self.call_from_thread(self._show_case, session, photo)

    def _journals_of(self, session: Session) -> list[Journal]:
        """Journals of this photo's unsaved work, newer than the case folder it was opened
        from (work saved since is not offered again)."""
        saved = 0.0
        if session.folder is not None and (session.folder / "case.json").is_file():
            saved = (session.folder / "case.json").stat().st_mtime
        return pending(self.settings.cache_dir, session.state.case.image.sha256,
                       newer_than=saved)

    def _offer_restore(self, session: Session, photo: Image.Image, journal: Journal) -> None:
        import time

        record = journal.record()
        items = len(record.get("investigator") or [])
        steps = len(record.get("steps") or [])
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(journal.written))

        def chosen(choice: Restore | None) -> None:
            if choice == "restore":
                self._restore(journal, photo)
                return
            if choice == "discard":
                journal.discard()
            self._show_case(session, photo)

        self.push_screen(RestoreScreen(session.state.case.path.name, when, items, steps),
                         chosen)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _restore(self, journal: Journal, photo: Image.Image) -> None:
        try:
            session = self.session_factory(journal.folder, self.settings)
            session.adopt_journal(journal)
        except Exception as exc:  # a damaged journal: say so; it stays on disk
            self.call_from_thread(self._open_failed, journal.folder, exc)
            return
        self.call_from_thread(self._show_case, session, photo)

    def _open_failed(self, path: Path, exc: BaseException) -> None:
        from geosleuth.errors import GeosleuthError

        message = str(exc) if isinstance(exc, GeosleuthError) else f"{type(exc).__name__}: {exc}"
        if not any(isinstance(s, OpenScreen) for s in self.screen_stack):
            self.push_screen(OpenScreen(path.parent if path.parent.is_dir() else None),
                             self._picked)
        self.push_screen(ErrorScreen(message, f"Cannot open {path.name}"))

    def _show_case(self, session: Session, photo: Image.Image) -> None:
        old = self.case_screen
        if old is not None and old.session.running:
            old.session.request_pause()
        self.session = session
        session.enable_journal()
        screen = CaseScreen(session, image_mode=self.image_mode, autorun=self.autorun,
                            photo=photo)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, CaseScreen):
            for title, help_text, action in COMMANDS:
                yield SystemCommand(title, help_text, getattr(screen, f"action_{action}"))
