"""Worker processes die with the batch that started them.

A batch killed with SIGKILL cannot stop its workers, and a ``ProcessPoolExecutor`` worker
does not notice on its own: it keeps running the photos already handed to it, writing
case folders into a batch nobody records. So each worker, when it starts:

- on Linux, asks the kernel to send it SIGKILL when its parent dies
  (``prctl(PR_SET_PDEATHSIG, SIGKILL)``);
- everywhere, runs a daemon thread that ends the process once ``os.getppid()`` is no
  longer the batch (an orphan is adopted by init or a subreaper);
- and ends at once if the batch is already gone by then.

Both need the batch to be the worker's parent: ``runner`` starts its workers with
``spawn`` (with ``forkserver``, they are children of the fork server, which outlives a
killed batch while its workers live). The kernel's signal goes when the *thread* that
started the worker ends, so a pool must be made and used by a thread that outlives it
(``runner._run_pool`` shuts its pool down before it returns).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_INTERVAL_S = 0.25
ORPHAN_EXIT_CODE = 70  # what an orphaned worker exits with (nobody is left to read it)


def kernel_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent_pid: int, interval_s: float) -> None:
    while os.getppid() == parent_pid:
        time.sleep(interval_s)
    os._exit(ORPHAN_EXIT_CODE)  # no cleanup: the batch that would record the work is gone


def die_with_parent(
    parent_pid: int, *, kernel: bool = True, interval_s: float = WATCH_INTERVAL_S
) -> None:
    """Make this process end when ``parent_pid``, its parent, dies (see the module doc).

    ``kernel=False`` leaves out the Linux signal, leaving the portable watch alone.
    """
    if kernel:
        kernel_death_signal()
    if os.getppid() != parent_pid:  # the parent died before the signal was asked for
        os._exit(ORPHAN_EXIT_CODE)
    threading.Thread(target=_watch, args=(parent_pid, interval_s), daemon=True,
                     name="geosleuth-orphan-watch").start()
