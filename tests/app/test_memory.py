"""Ensure `counter-app` bounds glibc's allocator before any thread starts (two arenas, a fixed
mmap threshold) and leaves what the launcher or a technician set in the environment as it is.
Each case runs in a fresh process and asks glibc itself: malloc_stats() lists one "Arena N:"
block per arena (on stderr), mallinfo2() counts the bytes in blocks mapped on their own."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest


def glibc() -> bool:
    try:
        ctypes.CDLL("libc.so.6").gnu_get_libc_version
    except (OSError, AttributeError):
        return False
    return True


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or not glibc(),
                                reason="glibc's allocator only")

THREADS = 6
ARENAS = f"""
import ctypes, threading
{{start}}
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
together = threading.Barrier({THREADS} + 1)
def work():
    libc.malloc(4096)       # the thread's first malloc makes or picks its arena
    together.wait()
    together.wait()
threads = [threading.Thread(target=work) for _ in range({THREADS})]
for t in threads:
    t.start()
together.wait()             # every thread has its arena now, and none has exited
libc.malloc_stats()
together.wait()
for t in threads:
    t.join()
"""
MAPPED = """
import ctypes
{start}
class Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
libc.mallinfo2.restype = Mallinfo2
frame = 15 * 1024 * 1024                  # a 5-megapixel BGR frame
libc.free(libc.malloc(frame))             # glibc's default then raises its threshold
block = libc.malloc(frame)
print(libc.mallinfo2().hblkhd >= frame)   # the next frame mapped on its own?
"""
AS_COUNTER_APP = """
from counter_app.cli import main
try:
    main(["--version"])     # the real entry point; argparse exits after printing
except SystemExit:
    pass
"""


def run(program: str, start: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    return subprocess.run([sys.executable, "-c", program.format(start=start)],
                          capture_output=True, text=True, env={**environ, **env},
                          timeout=60, check=True)


def arenas(start: str, **env: str) -> int:
    stderr = run(ARENAS, start, **env).stderr
    return sum(line.startswith("Arena ") for line in stderr.splitlines())


def frame_mapped(start: str, **env: str) -> bool:
    return run(MAPPED, start, **env).stdout.split()[-1] == "True"


def test_counter_app_starts_with_two_arenas_where_glibc_would_make_one_a_thread():
    assert arenas("") == THREADS + 1               # glibc's default: the main one + one each
    assert arenas(AS_COUNTER_APP) == 2


def test_counter_app_maps_every_frame_where_glibc_would_keep_the_second_in_an_arena():
    assert not frame_mapped("")
    assert frame_mapped(AS_COUNTER_APP)


def test_what_the_environment_sets_is_left_as_it_is(monkeypatch):
    assert arenas(AS_COUNTER_APP, MALLOC_ARENA_MAX="4") == 4
    assert not frame_mapped(AS_COUNTER_APP, MALLOC_MMAP_THRESHOLD_=str(32 * 1024 * 1024))
    from counter_app import memory

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "1048576")
    assert memory.bound_allocator() == ("MALLOC_ARENA_MAX from the environment; "
                                        "MALLOC_MMAP_THRESHOLD_ from the environment")
