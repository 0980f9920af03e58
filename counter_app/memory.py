"""glibc's allocator bounded for a working day, at the very start of the process.

glibc gives each new thread a malloc arena of its own, up to 8 per core, and keeps the pages
freed in an arena for that arena. The counter runs for hours with a dozen threads (journal
writer, sync, devices, Qt's pool, the vision thread and mediapipe's own), so memory freed in
one arena is not reused by another and RSS ratchets up: measured with the photo page entered
and left 30 times, +7.3 MiB a visit unbounded, +1.4 MiB with two arenas (docs/benchmarks.md,
"photo page soak"). Two arenas for a 2-core counter PC keeps the threads from queueing on one
allocator lock.

Why mallopt and not the environment: ``MALLOC_ARENA_MAX`` sets the same limit glibc's
``mallopt(M_ARENA_MAX, n)`` sets; glibc reads the variable when the process starts, so
``counter-app`` (a console script) and the PyInstaller bundle would have to re-execute
themselves to set it. The limit only matters when a thread makes its first arena, so setting
it with mallopt before any thread starts is the same, costs microseconds instead of a second
interpreter start, and works the same in the bundle. A ``MALLOC_ARENA_MAX`` already in the
environment (the .deb launcher sets 2; a technician may set another) is left as it is.
"""

from __future__ import annotations

import ctypes
import os
import sys

#: Arenas for the whole process (the counter PCs have 2 cores; PRODUCT.md §9).
ARENA_MAX = 2
#: glibc's malloc.h: ``#define M_ARENA_MAX -8``.
M_ARENA_MAX = -8
ENV = "MALLOC_ARENA_MAX"


def bound_malloc_arenas(limit: int = ARENA_MAX) -> str:
    """Bound glibc's malloc arenas to ``limit`` unless the environment already did; say what
    happened ("mallopt", "environment", "not glibc"). Call before any thread starts."""
    if os.environ.get(ENV):
        return "environment"
    libc = _glibc()
    if libc is None or libc.mallopt(M_ARENA_MAX, limit) != 1:
        return "not glibc"
    return "mallopt"


def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (Windows and musl have other allocators)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")    # glibc's soname on every Linux it runs on
        libc.gnu_get_libc_version          # only glibc has it
    except (OSError, AttributeError):
        return None
    libc.mallopt.argtypes, libc.mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return libc
