"""What a remote model may see: camera metadata is withheld unless ``send_metadata``.

Evidence whose tool declared that it reveals camera metadata (``ClueTool.reveals``; the
evidence records it) is named but not shown to a remote model, nor is the place of a
hypothesis resting on it: the summary is rendered without it
(``agent.recorder.render_summary``), and ``egress_items`` says what a request carried.
"""

from __future__ import annotations

from geosleuth.agent.recorder import Summary, render_summary
from geosleuth.agent.state import CaseState

CAMERA_METADATA = "camera_metadata"
PHOTO_TEXT = "photo_text"


def withheld(state: CaseState) -> dict[str, str]:
    """Evidence id -> its summary, for every piece of camera-metadata evidence."""
    return {e.id: e.summary for e in state.evidence if CAMERA_METADATA in e.reveals}


def summary_for(state: CaseState, failures: tuple[str, ...] | list[str], *,
                redacting: bool) -> Summary:
    """The case summary as a model may see it (camera metadata withheld when redacting)."""
    return render_summary(state, failures, withheld=withheld(state) if redacting else None)


def redact(text: str, state: CaseState) -> str:
    """Free text (a rejection) with the readings of camera metadata taken out."""
    for summary in withheld(state).values():
        if summary:
            text = text.replace(summary, "withheld camera metadata")
    return text


def egress_items(summary: Summary, state: CaseState) -> list[str]:
    """What a request showing ``summary`` carried, beyond the photo and the summary itself."""
    shown = [e for e in state.evidence if e.id in summary.shown]
    items = []
    if any(PHOTO_TEXT in e.reveals for e in shown):
        items.append("OCR text read from the photo")
    if any(CAMERA_METADATA in e.reveals for e in shown):
        items.append("EXIF fields (send_metadata is on)")
    return items
