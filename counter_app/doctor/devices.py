"""Checks of the devices: each kind the counter needs present and usable, and PC/SC."""

from __future__ import annotations

import sys

from counter_app.doctor.probe import Probe
from counter_app.doctor.registry import FAIL, OK, Result

#: What to do when a kind of device is not usable (the configuration keys are
#: docs/configuration.md's).
HINTS = {
    "card_reader": "检查身份证阅读器的连线和电源；串口阅读器在配置 drivers.idcard.port 中填写端口，"
                   "Linux 上把运行本程序的用户加入 dialout 组；然后执行 counter-app devices。",
    "camera": "检查摄像头连线，在配置 camera.portrait_source 中选择摄像头。",
    "document_camera": "检查高拍仪连线，在配置 camera.document_source 中设置。",
    "printer": "检查打印机的电源、连线和纸张，在配置 printing.receipt_printer 中设置打印机。",
    "fingerprint": "检查指纹仪连线并安装厂商驱动，在配置 drivers.fingerprint.device 中设置。",
    "signature_pad": "检查签名板连线并安装其驱动。",
}


def check_devices(probe: Probe) -> list[Result]:
    """One line per kind of device the counter needs (drivers.registry.EXPECTED_KINDS):
    ok when at least one device of the kind is usable (the status bar's rule)."""
    from counter_app.wiring.devices import detect_devices
    from counter_app.workflows.devices import summarize
    from drivers.registry import EXPECTED_KINDS

    results = []
    for kind in summarize(detect_devices(probe.ctx)()):
        if kind.kind not in EXPECTED_KINDS:
            continue
        detail = f"{kind.headline}：{'；'.join(kind.lines)}"
        results.append(Result(f"device.{kind.kind}", OK if kind.ok else FAIL, detail,
                              "" if kind.ok else HINTS.get(kind.kind, "")))
    return results


def check_pcscd(probe: Probe) -> Result:
    """The PC/SC service (pcscd on Linux, SCardSvr on Windows) answers."""
    from drivers.pcsc.monitor import reader_names, unusable_reason

    reason = unusable_reason()
    if reason:
        fix = ("执行 sudo systemctl enable --now pcscd.socket 启动智能卡服务（本软件的安装包已依赖 "
               "pcscd）。" if sys.platform.startswith("linux")
               else "在“服务”中启动 Smart Card（SCardSvr）并设为自动。")
        return Result("pcscd", FAIL, reason, fix)
    names = reader_names()
    return Result("pcscd", OK, f"智能卡服务运行中，{len(names)} 个读卡器"
                               + (f"：{'，'.join(names)}" if names else ""))
