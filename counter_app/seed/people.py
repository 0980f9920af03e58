"""Synthetic people for the demo seed: names, birth dates, valid ID numbers, hukou regions.

Nobody here is real. ID numbers are built like real ones (the hukou county's GB/T 2260 code,
the birth date, a sequence whose last digit is odd for men and even for women, the ISO 7064
check character) so the intake's validation passes them; a number is never given twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from counter_app.domain.idnumber import check_digit
from counter_app.domain.party import LONG_TERM

SURNAMES = ("王李张刘陈杨黄赵周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
            "于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷"
            "龙黎史陶贺毛郝顾龚邵万覃武戴严莫孔向常汤康易乔赖文")
GIVEN = {"male": "伟强磊军勇杰涛斌超明辉鹏华飞刚健波宇浩然晨阳俊博文志立峰宁凯鑫思远",
         "female": "芳娜敏静丽艳娟霞秀玲婷雪慧琳颖倩佳欣怡萍燕红梅晓雯瑶丹妍琪璐"}
#: County codes (GB/T 2260) the seed draws hukou from: the demo offices' own regions and a
#: spread of other provinces.
COUNTIES = ("110101", "110102", "110105", "110106", "110108", "110114", "120101", "130102",
            "140105", "210102", "230103", "310101", "320102", "330102", "330281", "340102",
            "350102", "360102", "370102", "410102", "420102", "430102", "440103", "445202",
            "445222", "450102", "500101", "510104", "520102", "530102", "530402", "532301",
            "532322", "532323", "532325", "610102", "620102", "650102")
FOREIGN = (("USA", "SMITH", "JOHN", "male"), ("GBR", "BROWN", "EMMA", "female"),
           ("JPN", "SATO", "YUKI", "female"), ("KOR", "KIM", "MINJUN", "male"),
           ("FRA", "MARTIN", "LEA", "female"), ("DEU", "MUELLER", "JONAS", "male"),
           ("RUS", "IVANOVA", "ANNA", "female"), ("AUS", "WILSON", "JACK", "male"))
HMT_PREFIXES = ("810000", "820000", "830000")


@dataclass
class People:
    """Makes people with ID numbers never given before in this seed."""

    rng: random.Random
    _used: set[str]

    @classmethod
    def seeded(cls, rng: random.Random) -> "People":
        return cls(rng, set())

    def birth(self, age: int, on: date) -> date:
        """A birth date making someone ``age`` on ``on``."""
        latest = on.replace(year=on.year - age) if (on.month, on.day) != (2, 29) else \
            date(on.year - age, 2, 28)
        return latest - timedelta(days=self.rng.randrange(0, 364))

    def _number(self, region: str, birth: date, sex: str) -> str:
        while True:
            serial = self.rng.randrange(0, 500) * 2 + (1 if sex == "male" else 0)
            first17 = f"{region}{birth:%Y%m%d}{serial:03d}"
            number = first17 + check_digit(first17)
            if number not in self._used:
                self._used.add(number)
                return number

    def name(self, sex: str) -> str:
        given = GIVEN[sex]
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(given) for _ in range(self.rng.choice((1, 2, 2))))

    def resident(self, sex: str, birth: date, hukou: str, on: date) -> dict[str, Any]:
        """A resident-card party whose card was issued in their hukou county."""
        age = on.year - birth.year
        valid = LONG_TERM if age >= 46 else \
            (on + timedelta(days=self.rng.randrange(200, 365 * 18))).isoformat()
        return {"name": self.name(sex), "sex": sex, "birth_date": birth.isoformat(),
                "id_type": "resident", "id_number": self._number(hukou, birth, sex),
                "id_valid_until": valid, "nationality": "CHN", "hukou_region_code": hukou,
                "residence_permit_region_code": None,
                "address": "（演示数据）", "ethnicity": "01"}

    def hmt(self, sex: str, birth: date, on: date) -> dict[str, Any]:
        """A holder of a 港澳台居民居住证 (no hukou)."""
        prefix = self.rng.choice(HMT_PREFIXES)
        return {"name": self.name(sex), "sex": sex, "birth_date": birth.isoformat(),
                "id_type": "hmt_residence_permit",
                "id_number": self._number(prefix, birth, sex),
                "id_valid_until": (on + timedelta(days=self.rng.randrange(300, 1800))).isoformat(),
                "nationality": "CHN", "hukou_region_code": None,
                "residence_permit_region_code": None, "address": "（演示数据）"}

    def foreigner(self, sex: str, birth: date, on: date) -> dict[str, Any]:
        """A foreign national with a passport (as read from its chip)."""
        country, surname, given, _ = self.rng.choice([f for f in FOREIGN if f[3] == sex])
        while True:
            number = f"E{self.rng.randrange(10**7, 10**8)}"
            if number not in self._used:
                self._used.add(number)
                break
        return {"name": f"{surname}, {given}", "sex": sex, "birth_date": birth.isoformat(),
                "id_type": "passport", "id_number": number,
                "id_valid_until": (on + timedelta(days=self.rng.randrange(400, 3000))).isoformat(),
                "nationality": country, "hukou_region_code": None,
                "residence_permit_region_code": None, "issuing_state": country}


def hukou_for(rng: random.Random, office_region: str, level: str | None) -> str:
    """A county: the office's own (``level`` None), or one at ``level`` from it (州内: the
    same prefecture; 省内: the same province, another prefecture; 跨省: another province).
    Falls back to the next wider level when the list has no county at that level."""
    if level is None:
        return office_region
    pools = {
        "州内": [c for c in COUNTIES if c[:4] == office_region[:4] and c != office_region],
        "省内": [c for c in COUNTIES if c[:2] == office_region[:2] and c[:4] != office_region[:4]],
        "跨省": [c for c in COUNTIES if c[:2] != office_region[:2]],
    }
    for candidate in ("州内", "省内", "跨省")[("州内", "省内", "跨省").index(level):]:
        if pools[candidate]:
            return rng.choice(pools[candidate])
    return office_region
