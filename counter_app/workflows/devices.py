"""The device status bar's model: one light per device kind, from the detection rows."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.base import DeviceInfo
from drivers.registry import EXPECTED_KINDS


@dataclass(frozen=True)
class KindStatus:
    """Whether a kind of device is ready, and the lines that explain it."""

    kind: str
    name_zh: str
    ok: bool
    lines: tuple[str, ...]

    @property
    def headline(self) -> str:
        return f"{self.name_zh}：{'正常' if self.ok else '不可用'}"


def summarize(rows: list[DeviceInfo]) -> list[KindStatus]:
    """Group detection rows by kind; a kind is ready when at least one device of it is ok."""
    kinds = list(EXPECTED_KINDS) + sorted({r.kind for r in rows} - set(EXPECTED_KINDS))
    result = []
    for kind in kinds:
        mine = [r for r in rows if r.kind == kind]
        lines = tuple(f"[{_STATUS_ZH.get(r.status, r.status)}] {r.name}"
                      + (f" — {r.detail}" if r.detail else "") for r in mine)
        result.append(KindStatus(kind, EXPECTED_KINDS.get(kind, kind),
                                 any(r.status == "ok" for r in mine),
                                 lines or ("没有检测到这类设备",)))
    return result


_STATUS_ZH = {"ok": "正常", "absent": "未连接", "unusable": "不可用", "error": "出错"}
