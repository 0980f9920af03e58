"""The devices as the settings name them: openers handed to the pages (each opened on the
device's own thread when the page needs it), the detectors, and demo mode's card tray."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter_app.context import Context


def device_settings(ctx: Context) -> dict:
    """What the device detectors need from the configuration (by their parameter names)."""
    return {"port": ctx.config["drivers.idcard.port"],
            "document_source": ctx.config["camera.document_source"],
            "receipt_printer": ctx.config["printing.receipt_printer"],
            "fingerprint_device": ctx.config["drivers.fingerprint.device"]}


def detect_devices(ctx: Context) -> Callable[[], list]:
    """A function that lists the devices (it may touch hardware: call it off the GUI thread)."""
    from drivers.registry import detect_all

    return lambda: detect_all(device_settings(ctx), demo=ctx.demo)


def card_reader(ctx: Context) -> Callable[[], Any]:
    """Opens the ID card reader (demo mode: the SAM simulator at samsim://demo)."""
    from drivers.idcard.factory import open_reader

    port = ctx.config["drivers.idcard.port"]
    return lambda: open_reader(port, ctx.demo)


def portrait_camera(ctx: Context) -> Callable[[], Any]:
    """Opens the camera for the parties' photos."""
    from drivers.camera import open_camera

    return lambda: open_camera(ctx.config["camera.portrait_source"],
                               ctx.config["camera.resolution"])


def document_camera(ctx: Context) -> Callable[[], Any]:
    """Opens the document camera (高拍仪) the settings name, at camera.document_resolution;
    demo mode's ``simulator`` lays numbered demo pages on a desk one after the other, so the
    auto-capture has something to find."""

    def open_it() -> Any:
        from drivers.camera import open_camera, parse_resolution

        source = ctx.config["camera.document_source"]
        resolution = ctx.config["camera.document_resolution"]
        if source == "simulator":
            from counter_app.vision.scanner import demo_document_camera

            return demo_document_camera(*parse_resolution(resolution))
        return open_camera(source, resolution, name="document")

    return open_it


def fingerprint_pad(ctx: Context) -> Callable[[], Any]:
    """Opens the configured fingerprint pad (demo mode: the simulator)."""
    from drivers.fingerprint import open_pad

    return lambda: open_pad(ctx.config["drivers.fingerprint.device"], ctx.demo)


def chip_port(ctx: Context) -> Any:
    """Where foreign parties' chip passports are read: demo mode's emulated chip in process,
    else the PC/SC reader (pyscard)."""
    if ctx.demo:
        from counter_app import demo

        return demo.devices().chips
    from counter_app.workflows.passport import PcscChipPort

    return PcscChipPort()


def card_tray(ctx: Context) -> tuple[dict[str, str], Callable[[str], None] | None]:
    """Demo mode's readers' scripted people ({key: label}, and the function putting one on
    its reader), each labelled with what it demonstrates (counter_app/demo.py, docs/demo.md);
    their ages follow the counter's calendar. Outside demo mode: none."""
    if not ctx.demo:
        return {}, None
    from counter_app import demo

    return demo.card_tray(ctx.today)
