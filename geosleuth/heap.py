"""The process's memory: freed pages handed back, models dropped once no longer needed.

glibc's allocator keeps the pages of freed blocks inside its heaps for reuse, and gives
every thread that allocates its own heap ("arena"); a process that allocated a few
hundred MB for a moment (the text detector's activations: onnxruntime runs without its
own arena, so they are plain ``malloc`` blocks, made by its worker threads) stays that
large. Measured with ``locate`` of a 12 MP photo (max RSS, 7 Dec 2026): 437 MB; 409 MB
with one arena; 370 MB with one arena and the language models dropped after the language
step (see ``models_used_once``). Python and numpy never call ``malloc_trim`` or
``mallopt``; these are glibc's own calls, reached through ctypes. Elsewhere (musl, macOS,
Windows) they are not found and nothing is done.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ctypes

_M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h

_one_command = False
_one_investigation = False


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library's symbols as loaded in this process (``dlopen(NULL)``: no search
    on disk, which ``ctypes.util.find_library`` does with a subprocess, 20 ms); None
    where they cannot be reached or are not glibc's."""
    import ctypes  # here, not at the top: the command line imports this module

    try:
        libc = ctypes.CDLL(None)
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    except (OSError, AttributeError, TypeError):
        return None  # not glibc (musl has no malloc_trim), or no dlopen (Windows)
    return libc


def return_freed_memory() -> bool:
    """Return the free pages of every malloc arena to the system; whether any were."""
    libc = _libc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def one_arena() -> bool:
    """Let every thread allocate from one malloc arena (the main heap) from now on.

    For a process that investigates one photo and exits: its threads' arenas each kept
    the peak of what they had once held (28 MB more at the peak of a 12 MP ``locate``;
    CPU time measured the same). Whether glibc took the setting."""
    libc = _libc()
    return bool(libc.mallopt(_M_ARENA_MAX, 1)) if libc is not None else False


def one_command_process() -> None:
    """Declare that this process runs one command and exits (the console entry point; not
    a server worker, which warms up first, nor a batch worker)."""
    global _one_command
    _one_command = True


def investigating_one_photo() -> None:
    """Declare that the command investigates one photo (``locate``). In a process that
    runs one command, models a step loaded are then dropped when the step is done
    (``models_used_once``) and the process keeps to one malloc arena."""
    global _one_investigation
    if _one_command:
        _one_investigation = True
        one_arena()


def models_used_once() -> bool:
    """Whether a step's models are dropped after it (see ``investigating_one_photo``);
    a batch, a server worker and the TUI keep them for the next photo."""
    return _one_investigation
