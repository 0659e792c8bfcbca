"""Smoke test of the real TUI in a real terminal: tmux at 80x24, keys in, screen text out.

Run it by hand or in CI (it needs tmux: ``apt-get install tmux``)::

    python tests/tui/smoke_tmux.py [--photo examples/photos/lisbon_sign.jpg]

It starts ``geosleuth investigate`` on the example photo with the offline backend and
checks what a person would see: the loop's steps and verdict, the hypotheses table,
a clue added by keyboard, a rejected hypothesis, the saved case folder with the
investigator's actions in its report, quitting a saved case at once, the case reopened
from its folder, the file picker, and quitting unsaved work only after a question. It
uses its own tmux server (``-L``) and removes it at the end. Exit status 0 when every
check passed; each check prints one line.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SOCKET = "geosleuth-smoke"
SESSION = "smoke"
ROOT = Path(__file__).resolve().parents[2]


def tmux(*args: str) -> str:
    out = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True,
                         check=False)
    return out.stdout


def screen() -> str:
    return tmux("capture-pane", "-t", SESSION, "-p")


def keys(*names: str, literal: bool = False) -> None:
    tmux("send-keys", "-t", SESSION, *(["-l"] if literal else []), *names)
    time.sleep(0.4)


def wait_for(what: str | Callable[[str], bool], timeout: float = 90.0) -> str:
    """Poll the pane until ``what`` is on it; returns the screen (raises on time-out)."""
    test = what if callable(what) else (lambda s: what in s)
    end = time.monotonic() + timeout
    text = ""
    while time.monotonic() < end:
        text = screen()
        if test(text):
            return text
        time.sleep(0.5)
    raise AssertionError(f"not seen within {timeout:g}s: {what!r}\n--- screen ---\n{text}")


def gone(text: str) -> bool:
    """The app has left the screen (its footer is no longer drawn)."""
    return "q Quit" not in text


def alive() -> bool:
    return subprocess.run(["tmux", "-L", SOCKET, "has-session", "-t", SESSION],
                          capture_output=True, check=False).returncode == 0


def start(command: str) -> None:
    """A fresh tmux server running ``command`` (a server just killed may still be exiting)."""
    tmux("kill-server")
    for _ in range(10):
        time.sleep(0.3)
        tmux("new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24",
             f"cd {shlex.quote(str(ROOT))} && {command}; sleep 600")
        time.sleep(0.3)
        if alive():
            return
    raise AssertionError("tmux would not start a session")


def check(name: str, ok: bool) -> None:
    print(f"{'ok ' if ok else 'FAIL'} {name}")
    if not ok:
        print(screen())
        raise SystemExit(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo", default="examples/photos/lisbon_sign.jpg")
    opts = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is not installed: apt-get install tmux", file=sys.stderr)
        return 2
    out = Path(tempfile.mkdtemp(prefix="geosleuth-smoke-"))
    cli = shlex.quote("from geosleuth.cli.app import main; main()")
    base = (f"{shlex.quote(sys.executable)} -c {cli} investigate --image halfblock"
            f" --out {shlex.quote(str(out))}")
    try:
        started = time.monotonic()
        start(f"{base} {shlex.quote(opts.photo)}")
        text = wait_for(lambda s: bool(s) and "finished" in s.splitlines()[0], 180)
        print(f"     the loop finished in {time.monotonic() - started:.1f} s")
        check("status line: backend and 'finished'", text.startswith(" offline"))
        check("footer shows the keys", "c Run" in text and "a Clue" in text and "q Quit" in text)
        # the status line can say "finished" a frame before the log's last line is drawn
        try:
            log = wait_for("verdict:", 30)
        except AssertionError as exc:
            log = str(exc)
        check("the log shows the verdict", "verdict:" in log)

        keys("3")
        text = wait_for("H1")
        check("hypotheses table: H1 with a place and a score", " H1 " in text and "0." in text)

        keys("a")
        wait_for("Add a clue")
        keys("not-country: ES", literal=True)
        text = wait_for("→ not in ES")
        check("the clue box reads the clue as it is typed", "→ not in ES" in text)
        keys("Enter")
        keys("1")
        text = wait_for("clue: not in ES")
        check("the clue is evidence in the log", "✎" in text)

        keys("3")
        keys("r")
        keys("1")
        text = wait_for("rejected H1")
        check("rejecting H1 is evidence in the log", "rejected H1" in text)

        keys("a")
        keys("not-country: Narnia", literal=True)
        keys("Enter")
        text = wait_for("Error")
        check("a bad clue opens an error dialog", "ISO 3166" in text)
        keys("Enter")

        keys("s")
        wait_for("saved")
        folders = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
        check("saving writes one case folder", len(folders) == 1)
        folder = folders[0]
        record = json.loads((folder / "case.json").read_text(encoding="utf-8"))
        actions = [a["action"] for a in record["investigator"]]
        check("case.json lists the investigator's actions", actions == ["clue", "reject"])
        report = (folder / "report.md").read_text(encoding="utf-8")
        check("report.md names the investigator", "investigator" in report)
        keys("q")
        try:
            text = wait_for(gone, 15)
        except AssertionError as exc:
            text = str(exc)
        check("quitting a saved case asks nothing", gone(text) and "Unsaved" not in text)

        start(f"{base} {shlex.quote(str(folder))}")
        text = wait_for("resumed:")
        check("reopening the case folder resumes it", "verdict so far" in text)
        keys("q")

        start(f"cd examples/photos && {base}")
        wait_for("Open a photo")
        # the picker lists the folder once its worker has read it: wait for the files
        try:
            text = wait_for(".jpg", 30)
        except AssertionError as exc:
            text = str(exc)
        check("with no argument a file picker opens", ".jpg" in text)
        keys("Down", "Enter")
        text = wait_for(lambda s: bool(s) and "step" in s.splitlines()[0], 60)
        check("choosing a photo in the picker opens its case", "Steps" in text)
        keys("p")
        keys("q")
        text = wait_for("Unsaved work", 30)
        check("quitting unsaved work asks: save, discard, cancel",
              "Save" in text and "Discard" in text and "Cancel" in text)
        keys("Escape")
        text = wait_for(lambda s: "Unsaved work" not in s, 15)
        check("cancel keeps the case open", not gone(text))
        keys("q")
        wait_for("Unsaved work", 15)
        keys("d")
        try:
            text = wait_for(gone, 15)
        except AssertionError as exc:
            text = str(exc)
        check("discard quits", gone(text))
        check("nothing was saved for the discarded case",
              [p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
              == [folder.name])
    finally:
        tmux("kill-server")
        shutil.rmtree(out, ignore_errors=True)
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
