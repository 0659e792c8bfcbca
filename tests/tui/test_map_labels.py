"""The TUI's map panel: markers labelled with their place, a scale bar, north marked."""

from __future__ import annotations

import contextlib
import math

import pytest
from textual.app import App, ComposeResult
from textual.worker import WorkerCancelled

from geosleuth.model import Hypothesis
from geosleuth.tui.widgets.hypothesis_map import HypothesisMap
from geosleuth.tui.widgets.outline import View, km_per_column, scale_bar, short_place


def test_the_scale_bar_is_a_round_length_true_to_the_view() -> None:
    view = View(south=38.0, west=-10.0, north=39.5, east=-8.0)
    bar = scale_bar(view, 40)
    cells, label = bar.split(" ", 1)
    km = float(label.split()[0])
    mantissa = km / 10 ** math.floor(math.log10(km))
    assert label.endswith(" km") and round(mantissa, 6) in (1.0, 2.0, 5.0)
    assert abs(len(cells) * km_per_column(view, 40) - km) <= km_per_column(view, 40)
    assert scale_bar(View(-58.0, -180.0, 78.0, 180.0), 40) == ""  # the world has none


def test_labels_are_printable_and_short() -> None:
    assert short_place("Lisbon, Lisboa, Portugal") == "Lisbon"
    assert "\x1b" not in short_place("\x1b[31mRed, x")
    assert len(short_place("A" * 40)) == 14


class MapApp(App[None]):
    def compose(self) -> ComposeResult:
        yield HypothesisMap()


@pytest.mark.asyncio
async def test_markers_carry_their_place_and_the_panel_a_scale() -> None:
    app = MapApp()
    async with app.run_test(size=(50, 14)) as pilot:
        widget = app.query_one(HypothesisMap)
        widget.set_hypotheses([
            Hypothesis(id="H1", lat=38.72, lon=-9.14, radius_km=25.0, score=0.7,
                       place="Lisbon, Portugal"),
            Hypothesis(id="H2", lat=41.15, lon=-8.61, radius_km=25.0, score=0.2,
                       place="Porto, Portugal"),
        ])
        for _ in range(5):  # the outline is sampled in a worker; a newer view cancels an older
            with contextlib.suppress(WorkerCancelled):
                await app.workers.wait_for_complete()
            await pilot.pause()
        lines = str(widget.render()).splitlines()
        text = "\n".join(lines)
        assert "1Lisbon" in text and "2Porto" in text
        assert lines[0].endswith("N↑")
        assert lines[-1].startswith("├") and " km" in lines[-1] and lines[-1].endswith("region ")


@pytest.mark.asyncio
async def test_v_shows_the_case_map_as_a_picture(make_app, photo) -> None:
    from geosleuth.tui.screens.map_picture import MapPictureScreen
    from geosleuth.tui.widgets.photo import HalfBlockPhoto

    app = make_app(photo)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(6):
            with contextlib.suppress(WorkerCancelled):
                await app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press("v")
        for _ in range(6):
            with contextlib.suppress(WorkerCancelled):
                await app.workers.wait_for_complete()
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MapPictureScreen)
        assert screen.picture.size == (960, 640)
        assert screen.caption.startswith("Map: ")
        assert isinstance(screen.query_one("#map-picture"), HalfBlockPhoto)
        # the verdict's red is in the picture the terminal draws
        colours = {c for _, c in screen.picture.convert("RGB").getcolors(1 << 20) or []}
        assert (214, 39, 40) in colours
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, MapPictureScreen)
