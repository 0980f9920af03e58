"""Text that came from outside (a case file, an archive file) checked for characters that no
form, receipt, screen or spreadsheet should carry (pure).

Refused: control characters (C0 and C1: ESC, CR, NUL ..., which a receipt printer would obey
as commands), invisible format characters (bidi overrides such as U+202E that reorder what a
registrar reads, zero-width spaces, the BOM, soft hyphens), the line and paragraph separators,
and lone surrogates (which no file can encode). Kept: everything a name can hold — CJK of
every extension (𠮷, 䶮), private-use characters (some registers encode rare characters there),
the middle dot of minority and foreign names, and variation selectors (ideographic variants).
"""

from __future__ import annotations

import re

# Unicode categories Cc, Cf, Cs, Zl and Zp (Unicode 14, Python 3.11's unicodedata);
# tests/domain/test_text.py checks this class against unicodedata so it cannot drift.
_FORBIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]")

#: Names registrars know for the control characters they are likely to meet.
_NAMES = {"\r": "回车符", "\n": "换行符", "\t": "制表符", "\x1b": "ESC 控制符", "\x00": "空字符",
          "\ufeff": "BOM 标记", "\u202e": "从右到左改写符", "\u200b": "零宽空格"}


def forbidden_char(text: str, allow: str = "") -> str | None:
    """The first character of ``text`` that is refused (see the module docstring), or None.
    ``allow`` lists characters accepted here anyway (``"\\n"`` in multi-line fields)."""
    for match in _FORBIDDEN.finditer(text):
        if match.group() not in allow:
            return match.group()
    return None


def describe_char(char: str) -> str:
    """How a message names a refused character: "回车符（U+000D）", "U+0007"."""
    code = f"U+{ord(char):04X}"
    return f"{_NAMES[char]}（{code}）" if char in _NAMES else code
