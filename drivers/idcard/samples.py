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
from datetime import date

from counter_app.domain.idnumber import check_digit
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
    # A party of a 1986 marriage in the demo archive (resources/archive_demo), where her ID is
    # the 15-digit 110105601102042: the reissue demo (补领) finds her by this card.
    _card("reissue", "resident", name="刘秀英", sex="2", ethnicity="01", birth="19601102",
          address="北京市朝阳区和平街十一区5号楼3门201室", id_number="11010519601102042X",
          issuer="北京市公安局朝阳分局", valid_from="20100315", valid_until="长期"),
)}


# --- the demo's scripted people (counter_app/demo.py tells their stories) -------------------
# Synthetic like the samples above; ID numbers carry correct MOD 11-2 check characters.
def resident_sample(key: str, *, name: str, sex: str, birth: str, id_number: str,
                    address: str, issuer: str, valid_from: str, valid_until: str,
                    ethnicity: str = "01") -> SampleCard:
    """A resident ID card sample from its printed fields (dates YYYYMMDD, sex "1"/"2")."""
    return _card(key, "resident", name=name, sex=sex, ethnicity=ethnicity, birth=birth,
                 address=address, id_number=id_number, issuer=issuer, valid_from=valid_from,
                 valid_until=valid_until)


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def underage_sample(today: date, years: int = 20) -> SampleCard:
    """A man ``years`` old on ``today`` (below the legal marriage age of 22 for men), so the
    demo's under-age party stays under age whatever the date: his card is made for the day."""
    birth = _years_after(today, -years)
    first17 = "110105" + birth.strftime("%Y%m%d") + "007"
    return resident_sample("underage", name="张小宇", sex="1", birth=birth.strftime("%Y%m%d"),
                           id_number=first17 + check_digit(first17),
                           address="北京市朝阳区团结湖北里6号楼", issuer="北京市公安局朝阳分局",
                           valid_from=_years_after(birth, 16).strftime("%Y%m%d"),
                           valid_until=_years_after(birth, 26).strftime("%Y%m%d"))


DEMO_SAMPLES: dict[str, SampleCard] = {c.key: c for c in (
    resident_sample("li_haoran", name="李浩然", sex="1", birth="19930618",
                    id_number="110105199306180010", address="北京市朝阳区望京西园三区311号楼",
                    issuer="北京市公安局朝阳分局", valid_from="20210701", valid_until="20410701"),
    resident_sample("zhou_xiaowen", name="周晓雯", sex="2", birth="19950902",
                    id_number="110108199509020024", address="北京市海淀区中关村南大街5号院",
                    issuer="北京市公安局海淀分局", valid_from="20190315", valid_until="20290315"),
    resident_sample("ma_xiao", name="马骁", sex="1", birth="19911111", ethnicity="03",
                    id_number="650102199111110035", address="新疆乌鲁木齐市天山区和平南路17号",
                    issuer="乌鲁木齐市公安局天山区分局", valid_from="20170520",
                    valid_until="20370520"),
    resident_sample("sun_zhiqiang", name="孙志强", sex="1", birth="19960717",
                    id_number="110105199607170051", address="北京市朝阳区劲松五区502号楼",
                    issuer="北京市公安局朝阳分局", valid_from="20160801", valid_until="20360801"),
    # The provincial simulator of demo mode reports her as married (counter_app/demo.py).
    resident_sample("qian_lihua", name="钱丽华", sex="2", birth="19920405",
                    id_number="110101199204050041", address="北京市东城区东四十条甲22号",
                    issuer="北京市公安局东城分局", valid_from="20200110", valid_until="20400110"),
    # A worn card whose chip the SAM cannot authenticate; its printed face is in demo.py.
    resident_sample("damaged", name="刘芳", sex="2", birth="19941201",
                    id_number="110105199412010066", address="北京市朝阳区八里庄北里15号楼",
                    issuer="北京市公安局朝阳分局", valid_from="20141201", valid_until="20341201"),
)}
