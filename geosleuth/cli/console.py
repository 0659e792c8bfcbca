"""The consoles the commands print through: Rich on a terminal, plain lines elsewhere.

On a terminal Rich fits tables and lines to its width. When stdout or stderr is a pipe or
a file (``geosleuth locate photo.jpg | grep Verdict``, a log), Rich would wrap every line
at 80 columns and squeeze tables: there the console neither wraps nor squeezes (a line is
as long as its text, a table as wide as its cells), and draws no colours.
"""

from __future__ import annotations

import sys

from rich.console import Console

PLAIN_WIDTH = 100_000  # wide enough that nothing is wrapped or cut


def make_console(*, stderr: bool = False) -> Console:
    """A console for stdout (or stderr) that prints plain, unwrapped lines off a terminal."""
    stream = sys.stderr if stderr else sys.stdout
    if stream.isatty():
        return Console(stderr=stderr, highlight=False)
    return Console(stderr=stderr, highlight=False, soft_wrap=True, width=PLAIN_WIDTH,
                   no_color=True)
