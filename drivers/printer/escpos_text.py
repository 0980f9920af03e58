"""ESC/POS byte building with a correct Chinese path (feasibility.md §3).

python-escpos' own text() sends any string with a CJK ideograph as raw GB18030 without
switching the printer to Chinese mode, turns CJK-punctuation-only strings into "?", and sends
"¥" as a 4-byte GB18030 sequence that GBK printers print as garbage. So Chinese text is
written here: ``FS &`` (enter Chinese character mode), the GBK bytes, ``FS .`` (leave it),
with ¥ replaced by the full-width ￥ that GBK has. For printers without a Chinese font the
same text is rasterised with Pillow and the bundled Noto Sans SC and sent as an image.
QR codes use the printer's native ``GS ( k`` command, or a raster image as the fallback.
"""

from __future__ import annotations

from escpos.printer import Dummy

from counter_app.domain.text import describe_char, forbidden_char
from counter_app.resources import resource_path

FS_CHINESE_ON = b"\x1c\x26"
FS_CHINESE_OFF = b"\x1c\x2e"
ESC_INIT = b"\x1b\x40"
_ALIGN = {"left": b"\x1b\x61\x00", "center": b"\x1b\x61\x01", "right": b"\x1b\x61\x02"}


class UnprintableText(ValueError):
    """A character that neither GBK nor the raster font can print."""


def gbk_bytes(text: str) -> bytes:
    """GBK bytes of ``text`` (¥ -> ￥); raises UnprintableText naming a character GBK lacks."""
    text = text.replace("¥", "￥")
    try:
        return text.encode("gbk")
    except UnicodeEncodeError as err:
        bad = text[err.start]
        raise UnprintableText(f"{bad} (U+{ord(bad):04X})") from None


class ReceiptBuilder:
    """Builds one receipt's bytes. ``chinese_font=False`` rasterises all Chinese text."""

    def __init__(self, *, chinese_font: bool = True, paper_width_px: int = 384) -> None:
        self._printer = Dummy(profile="default")
        # python-escpos prints a warning to stdout for every image when the profile has no
        # paper width; we know it.
        self._printer.profile.profile_data["media"]["width"]["pixels"] = paper_width_px
        self.chinese_font = chinese_font
        self.paper_width_px = paper_width_px
        self._printer._raw(ESC_INIT)

    def align(self, where: str) -> ReceiptBuilder:
        """Set the alignment of what follows (left / center / right)."""
        self._printer._raw(_ALIGN[where])
        return self

    def size(self, double: bool) -> ReceiptBuilder:
        """Double width and height (GS ! 0x11) or normal size (GS ! 0x00)."""
        self._printer._raw(b"\x1d\x21\x11" if double else b"\x1d\x21\x00")
        return self

    def line(self, text: str = "") -> ReceiptBuilder:
        """One line of text, in Chinese mode when it has non-ASCII characters. Control
        characters are refused: the printer would obey them as commands (ESC, GS, CR ...)."""
        bad = forbidden_char(text)
        if bad is not None:
            raise UnprintableText(describe_char(bad))
        if text.isascii():
            self._printer._raw(text.encode("ascii") + b"\n")
            return self
        try:
            encoded = gbk_bytes(text)
        except UnprintableText:
            encoded = None
        if encoded is None or not self.chinese_font:
            return self.raster_line(text)
        self._printer._raw(FS_CHINESE_ON + encoded + FS_CHINESE_OFF + b"\n")
        return self

    def raster_line(self, text: str, point_size: int = 24) -> ReceiptBuilder:
        """The line drawn with Pillow and the bundled fonts, sent as a raster image.

        Characters beyond U+FFFF (e.g. 𠮷) are drawn with the Extension B supplement font.
        """
        from PIL import Image, ImageDraw, ImageFont

        main = ImageFont.truetype(str(resource_path("fonts", "NotoSansSC-Regular.otf")),
                                  point_size)
        extra = ImageFont.truetype(str(resource_path("fonts", "NotoSansSC-Supplement.otf")),
                                   point_size)
        image = Image.new("1", (self.paper_width_px, point_size + 10), 1)
        draw, x = ImageDraw.Draw(image), 0.0
        for char in text.replace("¥", "￥"):
            font = extra if ord(char) > 0xFFFF else main
            draw.text((x, 2), char, font=font, fill=0)
            x += font.getlength(char)
        self._printer.image(image, impl="bitImageRaster", center=False)
        return self

    def qr(self, payload: str, *, native: bool = True, size: int = 6) -> ReceiptBuilder:
        """A QR code: the printer's own (GS ( k) or a raster image for printers without it."""
        self._printer.qr(payload, native=native, size=size, center=False)
        return self

    def feed(self, lines: int = 1) -> ReceiptBuilder:
        """Feed ``lines`` blank lines."""
        self._printer._raw(b"\n" * lines)
        return self

    def cut(self) -> ReceiptBuilder:
        """Feed past the cutter and cut (GS V)."""
        self._printer.cut()
        return self

    def bytes(self) -> bytes:
        """Everything built so far."""
        return bytes(self._printer.output)
