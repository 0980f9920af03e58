"""The device status bar's model: one light per device kind, from the detection rows."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.base import DeviceInfo

KIND_NAMES = {
    "card_reader": "读卡器", "camera": "摄像头", "document_camera": "高拍仪",
    "printer": "打印机", "fingerprint": "指纹仪", "signature_pad": "签名板",
}


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
    kinds = list(KIND_NAMES) + sorted({r.kind for r in rows} - set(KIND_NAMES))
    result = []
    for kind in kinds:
        mine = [r for r in rows if r.kind == kind]
        lines = tuple(f"[{_STATUS_ZH.get(r.status, r.status)}] {r.name}"
                      + (f" — {r.detail}" if r.detail else "") for r in mine)
        result.append(KindStatus(kind, KIND_NAMES.get(kind, kind),
                                 any(r.status == "ok" for r in mine),
                                 lines or ("没有检测到这类设备",)))
    return result


_STATUS_ZH = {"ok": "正常", "absent": "未连接", "unusable": "不可用", "error": "出错"}
