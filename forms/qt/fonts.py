"""The bundled fonts: registration with Qt, the family list, and glyph coverage checks.

Every form is painted with the bundled fonts only, so a page looks the same on every PC
whatever fonts Windows or UOS has installed: Noto Sans SC (GBK, CJK Ext A, the middle dot)
and a subset of Noto Sans CJK SC covering the CJK Extension B-F characters that Noto Sans SC
lacks (e.g. 𠮷 U+20BB7). resources/fonts/PROVENANCE.md says where they come from.

A name with a character no bundled font has must never print as an empty box on a legal
document: :func:`check_coverage` names the characters so the registrar is told before printing.
"""

from __future__ import annotations

import atexit
from functools import lru_cache

from PySide6.QtGui import QFont, QFontDatabase, QRawFont

from counter_app.resources import resource_path
from forms.model import FormError

#: Bundled font files in fallback order: the first that has a character draws it.
FONT_FILES = ("NotoSansSC-Regular.otf", "NotoSansSC-Supplement.otf")
#: Their PostScript names, as the PDF's /BaseFont shows them.
FONT_PS_NAMES = ("NotoSansSC-Regular", "NotoSansSCSupplement-Regular")


class MissingGlyphError(FormError):
    """A text holds characters that none of the bundled fonts can draw."""

    code = "forms.missing_glyph"


@lru_cache(maxsize=1)
def families() -> tuple[str, ...]:
    """Register the bundled fonts with Qt (once) and return their family names in order.

    Needs a QGuiApplication (or QApplication) to exist.
    """
    names: list[str] = []
    for filename in FONT_FILES:
        path = resource_path("fonts", filename)
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            raise FormError(f"无法加载内置字体 {filename}，请重新安装本软件。",
                            detail=f"addApplicationFont failed for {path}",
                            code="forms.font_missing")
        names.extend(QFontDatabase.applicationFontFamilies(font_id))
    return tuple(names)


def form_font(point_size: float, bold: bool = False) -> QFont:
    """A QFont using only the bundled families (fallback in order), at ``point_size``."""
    font = QFont()
    font.setFamilies(list(families()))
    font.setPointSizeF(point_size)
    font.setBold(bold)
    # No hinting: glyph positions then do not depend on the device resolution, which keeps
    # the screen preview, the PDF and the printer page the same.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


@lru_cache(maxsize=1)
def _raw_fonts() -> tuple[QRawFont, ...]:
    return tuple(QRawFont(str(resource_path("fonts", f)), 12.0) for f in FONT_FILES)


# Qt font objects must go before the application object at interpreter exit, or PySide6
# may crash while collecting them.
atexit.register(_raw_fonts.cache_clear)


def font_index_for(char: str) -> int | None:
    """Which bundled font (index into FONT_FILES) draws ``char``; None if none can."""
    if char.isspace() or ord(char) < 0x20:
        return 0
    for index, raw in enumerate(_raw_fonts()):
        if raw.supportsCharacter(ord(char)):
            return index
    return None


def glyph_index(font_index: int, char: str) -> int:
    """The glyph index of ``char`` in the bundled font ``font_index`` (0 when absent)."""
    glyphs = _raw_fonts()[font_index].glyphIndexesForString(char)
    return int(glyphs[0]) if glyphs else 0


def missing_characters(text: str) -> list[str]:
    """The distinct characters of ``text`` that no bundled font covers, in order."""
    missing: list[str] = []
    for char in text:
        if char not in missing and font_index_for(char) is None:
            missing.append(char)
    return missing


def check_coverage(text: str, where: str = "") -> None:
    """Raise MissingGlyphError naming the characters of ``text`` no bundled font has."""
    missing = missing_characters(text)
    if missing:
        shown = "、".join(f"{c}(U+{ord(c):04X})" for c in missing)
        raise MissingGlyphError(
            f"{where}含有内置字体缺少的字：{shown}。请联系技术人员添加字库后再打印，"
            "不得以空白或其他字代替。", detail=f"missing glyphs {[hex(ord(c)) for c in missing]}")
