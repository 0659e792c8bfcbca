"""The case: the photo under investigation, identified by its content hash."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class ImageInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    sha256: str
    width: int
    height: int
    format: str
    size_bytes: int
    # The size the pixels were read at when the photo was over the decode budget
    # (``decode_budget_mb``); None when it was read in full.
    decoded_width: int | None = None
    decoded_height: int | None = None


class Case(BaseModel):
    """A photo ready for investigation, plus what the user told us about it.

    ``ignore_metadata`` hides the EXIF position and time from the tools (evaluation on
    photos whose EXIF holds the answer). ``clues`` are the user's own clues as given on
    the command line (for example ``"shadow: height=1.8m length=2.4m"``).
    """

    model_config = ConfigDict(frozen=True)

    image: ImageInfo
    ignore_metadata: bool = False
    clues: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        return Path(self.image.path)

    @property
    def sha8(self) -> str:
        return self.image.sha256[:8]
