"""glibc's allocator bounded for a working day, at the very start of the process.

Arenas: glibc gives each new thread a malloc arena of its own, up to 8 per core, and keeps
the pages freed in an arena for that arena. The counter runs for hours with a dozen threads
(journal writer, sync, devices, Qt's pool, the vision thread and mediapipe's own), so memory
freed in one arena is not reused by another and RSS ratchets up: measured with the photo page
entered and left 30 times when each visit had its own vision thread, +7.3 MiB a visit
unbounded, +1.4 MiB with two arenas (docs/benchmarks.md, "photo page soak"). Two arenas for a
2-core counter PC keeps the threads from queueing on one allocator lock.

Large blocks: glibc serves a block of 128 KiB or more with its own mmap and gives it back on
free, but after such a free it raises that threshold to the block's size (up to 32 MiB), so
later frames of a 5-megapixel document camera (15 MB each) come from the arenas and stay
there: +14-45 MiB a visit to the papers page in a first probe, +2.3 MiB on average over 30
visits. A fixed threshold (MMAP_THRESHOLD) keeps every frame-sized block mapped and given
back; :func:`release_free_memory` (malloc_trim) gives back what a camera page freed in the
arenas when it is left.

Why mallopt and not the environment: ``MALLOC_ARENA_MAX`` and ``MALLOC_MMAP_THRESHOLD_`` set
the same parameters glibc's ``mallopt`` sets; glibc reads the variables when the process
starts, so ``counter-app`` (a console script) and the PyInstaller bundle would have to
re-execute themselves to set them. The arena limit only matters when a thread makes its first
arena and the threshold when a block is allocated, so setting them with mallopt before any
thread starts is the same, costs microseconds instead of a second interpreter start, and works
the same in the bundle. A variable already in the environment (the .deb launcher sets
MALLOC_ARENA_MAX=2; a technician may set another) is left as it is.
"""

from __future__ import annotations

import ctypes
import os
import sys

#: Arenas for the whole process (the counter PCs have 2 cores; PRODUCT.md §9).
ARENA_MAX = 2
#: Blocks this large or larger are mapped on their own and given back when freed: a
#: 1280x720 portrait frame (2.7 MB) stays below, a 5-megapixel document frame (15 MB) above.
MMAP_THRESHOLD = 4 * 1024 * 1024
#: glibc's malloc.h: ``#define M_ARENA_MAX -8``, ``#define M_MMAP_THRESHOLD -3``; each with
#: the environment variable glibc reads for it at start-up.
PARAMETERS = (("MALLOC_ARENA_MAX", -8, ARENA_MAX),
              ("MALLOC_MMAP_THRESHOLD_", -3, MMAP_THRESHOLD))


def bound_allocator() -> str:
    """Set glibc's arena limit and mmap threshold (PARAMETERS) where the environment did not;
    say what was done. Call before any thread starts."""
    libc = _glibc()
    if libc is None:
        return "not glibc"
    done = []
    for env, parameter, value in PARAMETERS:
        if os.environ.get(env):
            done.append(f"{env} from the environment")
        elif libc.mallopt(parameter, value) == 1:
            done.append(f"{env.rstrip('_')}={value} by mallopt")
    return "; ".join(done)


def release_free_memory() -> None:
    """Give the pages free in glibc's arenas back to the system (malloc_trim; a few ms), e.g.
    when a camera page is left. Nothing elsewhere."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


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
    libc.malloc_trim.argtypes, libc.malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
    return libc
