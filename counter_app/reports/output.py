"""Writing an export: whole or not at all.

The bytes are made first; then they go to a temporary file beside the target, are flushed to
disk, and replace the target in one step. A path that cannot be written (no such folder, no
permission, a full disk, a folder of that name) is a Chinese error and leaves neither a half
file nor the temporary one behind.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from counter_app.errors import CounterAppError


class ReportOutputError(CounterAppError):
    """The export could not be written where it was asked to go."""

    code = "reports.output"


def write_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the absolute path written."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise ReportOutputError(f"无法写入 {path}：这是一个文件夹，请写出文件名（--out 文件名）。",
                                detail=f"{path} is a directory")
    folder = path.parent
    if not folder.is_dir():
        raise ReportOutputError(f"无法写入 {path}：文件夹 {folder} 不存在，请先建好文件夹或换一个位置。",
                                detail=f"no folder {folder}")
    temporary = folder / f".{path.name}.{uuid.uuid4().hex[:8]}.part"
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ReportOutputError(f"无法写入 {path}：{exc.strerror or exc}。请换一个位置再导出。",
                                detail=repr(exc)) from None
    return path.resolve()
