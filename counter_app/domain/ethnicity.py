"""GB/T 3304 ethnicity (民族) codes as printed on resident ID cards.

The table follows identity.md §4.2 (two reader-side sources agree on 01-56, 97, 98). Codes
seen on real Guizhou cards for 穿青人 and 革家人 are disputed (59/60 in one reader table, 58/59 in
another), so they are *not* in the table: every code outside it resolves to a readable
"unrecognised" name instead of an error, and the caller adds a warning for the registrar.
"""

from __future__ import annotations

from dataclasses import dataclass

_NAMES = ["汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺"]

#: code (two digits) -> name as printed on the card ("汉", not "汉族").
ETHNICITIES: dict[str, str] = {f"{i:02d}": name for i, name in enumerate(_NAMES, start=1)}
ETHNICITIES["97"] = "其他"
ETHNICITIES["98"] = "外国血统中国籍人士"

assert len(ETHNICITIES) == 58


@dataclass(frozen=True)
class Ethnicity:
    """A resolved ethnicity code. ``known`` is False for codes outside GB/T 3304."""

    code: str
    name: str
    known: bool

    @property
    def display_name(self) -> str:
        """The name as forms write it: "汉族", "蒙古族"; the two special codes stay as they are."""
        if not self.known or self.code in ("97", "98"):
            return self.name
        return self.name + "族"

    def as_dict(self) -> dict[str, str]:
        """The JSON shape used by ``counter-app idcard parse``: ``{"code", "name"}``."""
        return {"code": self.code, "name": self.name}


def lookup(code: str) -> Ethnicity:
    """Resolve a card's ethnicity code ("1", "01", " 01") to a name; never raises.

    An unknown or malformed code gives ``known=False`` and the name "未识别的民族代码 NN", which
    the registrar sees and can correct; the raw code is kept so nothing is lost.
    """
    raw = (code or "").strip()
    normalized = raw.zfill(2) if raw.isdigit() and len(raw) <= 2 else raw
    name = ETHNICITIES.get(normalized)
    if name is not None:
        return Ethnicity(normalized, name, True)
    return Ethnicity(normalized, f"未识别的民族代码 {raw or '（空）'}", False)
