"""One program per data dir: an OS file lock on ``<data dir>/counter-app.lock``.

The GUI holds it for its whole life and every command that writes holds it while it runs
(``Journal.open`` takes it; a read-only opening does not). The lock is the operating system's
(``flock`` on Linux, ``msvcrt.locking`` on Windows): it goes away with the process, however
the process ends, so a crash never leaves the data dir locked. The holder writes its pid,
program and start time into the file, so a second program can say who holds it.

Within one process the lock is shared: a second opening of the same data dir (a command that
opens the journal twice, a test) counts up instead of locking itself out.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from datetime import datetime
from pathlib import Path

from counter_app.journal.errors import DataDirInUseError

LOCK_FILE = "counter-app.lock"
#: Windows locks a byte range; the holder's description is written before it, readable.
_WINDOWS_LOCK_OFFSET = 1 << 20

_held: dict[str, list[int]] = {}  # resolved data dir -> [fd, count]
_guard = threading.Lock()


class DataDirLock:
    """A held lock; ``release`` once per ``acquire``."""

    def __init__(self, key: str) -> None:
        self._key: str | None = key

    @classmethod
    def acquire(cls, data_dir: Path, program: str = "counter-app") -> "DataDirLock":
        """Lock ``data_dir`` for this process or raise DataDirInUseError naming the holder;
        ``program`` is how this process names itself to a second one."""
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = str(data_dir.resolve())
        with _guard:
            if key in _held:
                _held[key][1] += 1
                return cls(key)
            path = data_dir / LOCK_FILE
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
            if not _try_lock(fd):
                os.close(fd)
                raise _in_use(path)
            _describe(fd, program)
            _held[key] = [fd, 1]
        return cls(key)

    def release(self) -> None:
        if self._key is None:
            return
        with _guard:
            entry = _held[self._key]
            entry[1] -= 1
            if entry[1] == 0:
                del _held[self._key]
                _unlock(entry[0])
                os.close(entry[0])
        self._key = None


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _describe(fd: int, program: str) -> None:
    """Write who holds the lock (before the locked byte on Windows)."""
    record = {"pid": os.getpid(), "program": program, "host": socket.gethostname(),
              "since": datetime.now().isoformat(timespec="seconds")}
    data = json.dumps(record, ensure_ascii=False).encode("utf-8")
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, data.ljust(1024, b" "))


def holder(path: Path) -> dict:
    """What the lock file says about its holder ({} when it cannot be read yet)."""
    try:
        with open(path, "rb") as fh:
            return dict(json.loads(fh.read(1024).decode("utf-8").strip() or "{}"))
    except (OSError, ValueError, TypeError):
        return {}


def _in_use(path: Path) -> DataDirInUseError:
    who = holder(path)
    if who:
        by = (f"{who.get('program', '另一个程序')}（进程号 {who.get('pid', '?')}，"
              f"{who.get('since', '?')} 起）")
    else:
        by = "另一个程序（刚刚启动，尚未写明身份）"
    return DataDirInUseError(
        f"数据目录 {path.parent} 正在被使用：{by}。同一个数据目录同时只能运行一个本系统程序"
        "（窗口或写入命令）；请先关闭它再试。",
        detail=f"lock {path} held by {who or 'unknown'}")
