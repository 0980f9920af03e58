"""Synthetic cards for the simulator, the demo, tests and benchmarks (no real person's data).

``encode_text_block`` is the inverse of ``textblock.parse_text_block``: it lays fields out at
the offsets of identity.md §1.7/§2, UTF-16LE and space-padded, exactly as a card stores them.
The sample people exercise what real counters meet: rare characters outside GBK (䶮 U+4DAE,
㛃 U+36C3), a minority name with a middle dot, a long-term (长期) card, the HK/Macau/Taiwan
permit and both foreigner cards (the 2023 one with an English name longer than its first slot).
All ID numbers carry correct check characters; the photos and fingerprints are deterministic
filler bytes, not real WLT images (no open WLT encoder exists either).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from drivers.idcard.protocol import CardFiles

_FLAGS = {"resident": " ", "hmt_residence_permit": "J", "foreign_2017": "I",
          "foreign_2023": "Y"}

# (offset, size in bytes) per field name, per card type.
_LAYOUTS: dict[str, dict[str, tuple[int, int]]] = {
    "resident": {"name": (0, 30), "sex": (30, 2), "ethnicity": (32, 4), "birth": (36, 16),
                 "address": (52, 70), "id_number": (122, 36), "issuer": (158, 30),
                 "valid_from": (188, 16), "valid_until": (204, 16)},
    "foreign_2017": {"name_en": (0, 120), "sex": (120, 2), "id_number": (122, 30),
                     "nationality": (152, 6), "name": (158, 30), "valid_from": (188, 16),
                     "valid_until": (204, 16), "birth": (220, 16), "card_version": (236, 4),
                     "authority_code": (240, 8)},
    "foreign_2023": {"name": (0, 30), "sex": (30, 2), "issue_count": (32, 4),
                     "birth": (36, 16), "name_en_1": (52, 70), "id_number": (122, 36),
                     "valid_from": (188, 16), "valid_until": (204, 16),
                     "name_en_2": (220, 22), "nationality": (242, 6),
                     "previous_link": (250, 6)},
}
_LAYOUTS["hmt_residence_permit"] = {**_LAYOUTS["resident"], "permit_number": (220, 18),
                                    "issue_count": (238, 4)}
del _LAYOUTS["hmt_residence_permit"]["ethnicity"]


def encode_text_block(card_type: str, **fields: str) -> bytes:
    """Build a 256-byte text block of ``card_type`` from string fields (see ``_LAYOUTS``).

    For 'foreign_2023' pass ``name_en``; it is split over its two slots as on the card.
    A field that does not fit raises ValueError (a sample bug, never card data).
    """
    layout = _LAYOUTS[card_type]
    if card_type == "foreign_2023" and "name_en" in fields:
        name_en = fields.pop("name_en")
        fields["name_en_1"], fields["name_en_2"] = name_en[:35], name_en[35:]
    block = bytearray(" ".encode("utf-16-le") * 128)
    for key, value in fields.items():
        offset, size = layout[key]
        raw = value.encode("utf-16-le", "surrogatepass")
        if len(raw) > size:
            raise ValueError(f"{key} too long for its {size}-byte slot: {value!r}")
        block[offset: offset + len(raw)] = raw
    block[248:250] = _FLAGS[card_type].encode("utf-16-le")
    return bytes(block)


def filler(label: str, size: int) -> bytes:
    """Deterministic stand-in bytes (photo, fingerprint) derived from ``label``."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return bytes(out[:size])


@dataclass(frozen=True)
class SampleCard:
    """A simulated card: its files as the SAM returns them and a short label for scripts."""

    key: str
    files: CardFiles


def _card(key: str, card_type: str, **fields: str) -> SampleCard:
    text = encode_text_block(card_type, **fields)
    return SampleCard(key, CardFiles(text, filler(key + "/photo", 1024),
                                     filler(key + "/fp", 1024)))


SAMPLES: dict[str, SampleCard] = {c.key: c for c in (
    _card("resident", "resident", name="王䶮", sex="1", ethnicity="01", birth="19900307",
          address="北京市西城区㛃园胡同12号院3号楼2单元501室", id_number="11010219900307123X",
          issuer="北京市公安局西城分局", valid_from="20150601", valid_until="20350601"),
    _card("long_term", "resident", name="赵㛃", sex="2", ethnicity="01", birth="19650812",
          address="北京市朝阳区安贞西里四区8号楼", id_number="110105196508120047",
          issuer="北京市公安局朝阳分局", valid_from="20120301", valid_until="长期"),
    _card("minority", "resident", name="阿依古丽·买买提", sex="2", ethnicity="05",
          birth="19880512", address="新疆乌鲁木齐市天山区解放南路88号",
          id_number="650102198805120049", issuer="乌鲁木齐市公安局天山区分局",
          valid_from="20180520", valid_until="20380520"),
    _card("hmt", "hmt_residence_permit", name="陈嘉欣", sex="2", birth="19950216",
          address="广东省深圳市福田区福华路100号", id_number="810000199502160023",
          issuer="深圳市公安局福田分局", valid_from="20240301", valid_until="20290301",
          permit_number="H12345678", issue_count="01"),
    _card("foreign_2017", "foreign_2017", name_en="SMITH, JOHN WILLIAM", sex="1",
          id_number="USA310185031415", nationality="USA", name="史密斯",
          valid_from="20170801", valid_until="20270801", birth="19850314",
          card_version="1", authority_code="3100"),
    _card("foreign_2023", "foreign_2023", name="穆勒", sex="1", issue_count="00",
          birth="19850314", name_en="MUELLER-LUEDENSCHEIDT, MAXIMILIAN ALEXANDER",
          id_number="911276198503140014", valid_from="20240115", valid_until="20340115",
          nationality="DEU"),  # [M] the nationality slot's format (alpha vs numeric) is unverified
)}
