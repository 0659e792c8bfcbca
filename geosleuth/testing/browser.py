"""Open a page in a real headless browser with the network off, and list what it fetched.

    python -m geosleuth.testing.browser PAGE.html SHOT.png [--width 1200 --height 2400]

prints one JSON object: ``dom`` (the page's DOM after loading, from ``--dump-dom``),
``screenshot`` (the PNG written), ``requests`` (every request line the browser sent),
``isolated`` (whether it ran in a network namespace of its own).

Debian's Chromium runs headless with every request sent to a recording proxy on the
loopback (``--proxy-server``, loopback included): a page that fetches anything, an image
from a CDN or a style sheet, shows up in ``requests``. Run as root, it first moves
itself into a new network namespace (``unshare --net``) where only the loopback exists,
so nothing can leave the machine even if the browser ignored the proxy. Chromium's own
background traffic (update checks to Google's hosts) also reaches the proxy, and is
answered 403 there; ``page_requests`` leaves it out.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

# Hosts of Chromium's own services (component updates, time, accounts): not the page's.
BROWSER_HOSTS = ("google.com", "googleapis.com", "gstatic.com", "gvt1.com", "gvt2.com",
                 "googleusercontent.com", "chromium.org")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-domain-reliability", "--metrics-recording-only",
         "--hide-scrollbars", "--force-device-scale-factor=1")


def chromium() -> str | None:
    """The Chromium executable, or None."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _loopback_up() -> None:
    """Bring ``lo`` up in a fresh network namespace (where it starts down)."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(s, siocgifflags, req)[:18])[1]
        fcntl.ioctl(s, siocsifflags, struct.pack("16sH", b"lo", flags | iff_up))


class _Recorder(socketserver.StreamRequestHandler):
    seen: list[str]

    def handle(self) -> None:
        line = self.rfile.readline(8192).decode("latin-1").strip()
        if line:
            self.server.seen.append(line)  # type: ignore[attr-defined]
        self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")


@contextlib.contextmanager
def recording_proxy() -> Iterator[tuple[int, list[str]]]:
    """A proxy on the loopback that refuses and records every request: (port, lines)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.seen  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def page_requests(requests: list[str]) -> list[str]:
    """The requests that are not Chromium's own background traffic."""
    out = []
    for line in requests:
        parts = line.split()
        target = parts[1] if len(parts) > 1 else line
        host = target.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
        if not any(host == h or host.endswith("." + h) for h in BROWSER_HOSTS):
            out.append(line)
    return out


def _run(browser: str, args: list[str], port: int, profile: str, timeout: float) -> str:
    cmd = [browser, *FLAGS, f"--user-data-dir={profile}",
           f"--proxy-server=http://127.0.0.1:{port}", "--proxy-bypass-list=<-loopback>", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "HOME": profile}, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"chromium exited {done.returncode}: {done.stderr[-800:]}")
    return done.stdout


def open_page(page: Path, screenshot: Path, *, width: int = 1200, height: int = 2400,
              timeout: float = 120.0) -> dict[str, object]:
    """Load ``page`` twice (DOM, then screenshot) with every request recorded."""
    browser = chromium()
    if browser is None:
        raise FileNotFoundError("chromium is not installed")
    url = page.resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="geosleuth-chromium-") as profile, \
            recording_proxy() as (port, seen):
        dom = _run(browser, ["--dump-dom", url], port, profile, timeout)
        _run(browser, [f"--screenshot={screenshot}", f"--window-size={width},{height}", url],
             port, profile, timeout)
        requests = list(seen)
    return {"dom": dom, "screenshot": str(screenshot), "requests": requests}


def open_page_offline(page: Path, screenshot: Path, **kwargs: object) -> dict[str, object]:
    """``open_page`` in a network namespace of its own when this process may make one
    (root and ``unshare``), else with the recording proxy alone."""
    unshare = shutil.which("unshare")
    if unshare and os.geteuid() == 0:
        cmd = [unshare, "--net", sys.executable, "-m", "geosleuth.testing.browser",
               "--in-namespace", str(page), str(screenshot)]
        for key, value in kwargs.items():
            cmd += [f"--{key}", str(value)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        if done.returncode == 0:
            return json.loads(done.stdout)
        if "unshare failed" not in done.stderr and "Operation not permitted" not in done.stderr:
            raise RuntimeError(f"the browser run failed: {done.stderr[-1500:]}")
    result = open_page(page, screenshot, **kwargs)  # type: ignore[arg-type]
    result["isolated"] = False
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", type=Path)
    parser.add_argument("screenshot", type=Path)
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=2400)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--in-namespace", action="store_true",
                        help="already in a new network namespace: bring the loopback up")
    args = parser.parse_args(argv)
    if args.in_namespace:
        _loopback_up()
    result = open_page(args.page, args.screenshot, width=args.width, height=args.height,
                       timeout=args.timeout)
    result["isolated"] = bool(args.in_namespace)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
