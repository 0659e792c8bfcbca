"""No control character from outside text reaches a terminal or report.md raw: one helper
(``text.quoting.printable``) under the quoting, the markdown escaping and the displays."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from geosleuth.agent.events import EvidenceAdded, Thought, ToolCalled, ToolFailed, VerdictRejected
from geosleuth.cli.render import print_summary, progress_printer
from geosleuth.model import Evidence
from geosleuth.report.escape import code, md
from geosleuth.text.quoting import clip, guillemets, printable, quote

# ESC sequences (colour, clear screen, window title ended by BEL), C1 CSI, NUL, DEL, NEL
HOSTILE = "a\x1b[31mred\x1b[2J\x1b]0;owned\x07b\x9b1mc\x00d\x7fe\x85f"
RAW = [chr(c) for c in (*range(0x00, 0x0a), *range(0x0b, 0x20), *range(0x7f, 0xa0))]


def no_raw_controls(text: str, *, newlines: bool = False) -> bool:
    return not any(c in text for c in RAW) and (newlines or "\n" not in text)


def test_printable_escapes_controls_visibly_and_keeps_what_the_context_allows() -> None:
    assert printable(HOSTILE) == ("a\\x1b[31mred\\x1b[2J\\x1b]0;owned\\x07b\\x9b1mc\\x00d\\x7fe"
                                  "\\x85f")
    assert printable("one\ttwo\nthree\r\nfour") == "one two three four"
    assert printable("one\ttwo\nthree\r\nfour", newlines=True) == "one two\nthree\nfour"
    assert printable("Lisboa — «Rua Augusta» 東京 ñ") == "Lisboa — «Rua Augusta» 東京 ñ"
    assert all(no_raw_controls(printable(c)) for c in RAW)


def test_quote_clip_and_guillemets_leave_no_control_raw() -> None:
    q = quote(HOSTILE, 200)
    assert no_raw_controls(q) and json.loads(q) == HOSTILE  # still the same JSON string
    assert no_raw_controls(clip(HOSTILE, 200)) and "\\x1b[31mred" in clip(HOSTILE, 200)
    assert no_raw_controls(guillemets(HOSTILE, 200))


def test_markdown_escaping_shows_controls_as_escapes() -> None:
    assert no_raw_controls(md(HOSTILE)) and no_raw_controls(code(HOSTILE))
    assert md("\x1b[31m_x") == "\\\\x1b\\[31m\\_x"
    assert code("\x1b]0;t\x07zoom") == "`\\x1b]0;t\\x07zoom`"


def test_the_progress_display_and_summary_print_no_control_raw() -> None:
    buf = io.StringIO()
    show = progress_printer(Console(file=buf, force_terminal=False, width=200))
    evidence = Evidence(id="E1", tool=HOSTILE, tool_version="1", summary=HOSTILE)
    for event in (ToolCalled(1, "c1", HOSTILE, {}), ToolFailed(1, "c1", HOSTILE, HOSTILE),
                  EvidenceAdded(1, evidence), VerdictRejected(1, HOSTILE), Thought(1, HOSTILE)):
        show(event)
    out = buf.getvalue()
    assert no_raw_controls(out.replace("\n", "")) and "\\x1b]0;owned" in out
    record = {"verdict": {"lat": 1.0, "lon": 2.0, "radius_km": 1, "confidence": 0.5,
                          "level": "city", "place": HOSTILE, "country_code": "PT",
                          "country_confidence": 0.6},
              "hypotheses": [], "evidence": [{"id": "E1", "tool": HOSTILE, "summary": HOSTILE,
                                              "constraint": {"kind": "point"}}]}
    buf = io.StringIO()
    print_summary(record, Path("cases/x"), Console(file=buf, force_terminal=False, width=300))
    assert no_raw_controls(buf.getvalue().replace("\n", ""))


def test_the_tui_log_shows_no_control_raw() -> None:
    from geosleuth.tui.widgets.steps import event_text

    evidence = Evidence(id="E1", tool=HOSTILE, tool_version="1", summary=HOSTILE)
    for event in (ToolCalled(1, "c1", HOSTILE, {"q": HOSTILE}), ToolFailed(1, "c1", HOSTILE,
                  HOSTILE), EvidenceAdded(1, evidence), VerdictRejected(1, HOSTILE)):
        line = event_text(event, 1)
        assert line is not None and no_raw_controls(line.plain), event
    thought = event_text(Thought(1, HOSTILE + "\nsecond line"), 1)
    assert thought is not None and no_raw_controls(thought.plain, newlines=True)
    assert thought.plain.endswith("\\x85f\nsecond line")
