"""What a remote model may see: camera metadata is withheld unless ``send_metadata``.

The recorder's summary lists EXIF evidence (GPS position, capture time, camera) and
hypotheses resting on it. For a remote model, ``redact`` replaces those evidence lines
with a note and hides the point and place of hypotheses supported by them, and
``egress_items`` says what a request carried, for the case's egress record.
"""

from __future__ import annotations

import re

from geosleuth.agent.state import CaseState

METADATA_TOOLS = frozenset({"exif_metadata"})
OCR_TOOLS = frozenset({"ocr_signage"})
_EVIDENCE_LINE = re.compile(r"^- (E\d+) \[([^\]]+)\]")
_HYPOTHESIS_LINE = re.compile(r"^- (H\d+) (p=\S+).*supported by ([^;]*);")


def withheld(state: CaseState) -> dict[str, str]:
    """Evidence id -> its summary, for every piece of camera-metadata evidence."""
    return {e.id: e.summary for e in state.evidence if e.tool in METADATA_TOOLS}


def redact(text: str, state: CaseState) -> str:
    """``text`` (a summary, a rejection) with camera metadata taken out."""
    hidden = withheld(state)
    if not hidden:
        return text
    out: list[str] = []
    for line in text.splitlines():
        ev = _EVIDENCE_LINE.match(line)
        hy = _HYPOTHESIS_LINE.match(line)
        if ev and ev.group(1) in hidden:
            out.append(f"- {ev.group(1)} [{ev.group(2)}] (camera metadata, withheld from this"
                       " model for privacy; the fusion and the checks use it)")
        elif hy and any(eid.strip() in hidden for eid in hy.group(3).split(",")):
            out.append(f"- {hy.group(1)} {hy.group(2)} (rests on withheld camera metadata"
                       f" {hy.group(3).strip()}; position not shown)")
        else:
            for summary in hidden.values():
                if summary and summary in line:
                    line = line.replace(summary, "withheld camera metadata")
            out.append(line)
    return "\n".join(out)


def shown_evidence(text: str) -> set[str]:
    """Ids of the evidence lines of a summary that are shown in full (not withheld)."""
    ids = set()
    for line in text.splitlines():
        m = _EVIDENCE_LINE.match(line)
        if m and "withheld from this model" not in line:
            ids.add(m.group(1))
    return ids


def shows_ocr(text: str, state: CaseState) -> bool:
    return bool(shown_evidence(text) & {e.id for e in state.evidence if e.tool in OCR_TOOLS})


def shows_metadata(text: str, state: CaseState) -> bool:
    return bool(shown_evidence(text) & set(withheld(state)))
