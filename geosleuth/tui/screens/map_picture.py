"""The case's map as a picture (key ``v``): map.png as the report shows it, drawn with
terminal graphics where the terminal has them (textual-image), half blocks otherwise."""

from __future__ import annotations

from typing import ClassVar

from PIL import Image
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from geosleuth.tui.widgets.photo import ImageMode, photo_widget


class MapPictureScreen(ModalScreen[None]):
    """The map of the case so far; any of Esc, Enter, q or v closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q,v", "dismiss", "Close")]

    def __init__(self, picture: Image.Image, caption: str, image_mode: ImageMode = "auto"
                 ) -> None:
        super().__init__()
        self.picture = picture
        self.caption = caption
        self.image_mode = image_mode

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="detail"):
            yield Static(Text(self.caption, style="bold"), classes="dialog-title")
            yield photo_widget(self.picture, self.image_mode, id="map-picture")
            yield Static(Text("The same map as map.png in the report · Esc closes",
                              style="dim"))
