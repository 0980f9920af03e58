"""The office and the couple the workflow tests use (valid ID numbers, a rare character)."""

from counter_app.domain.idnumber import check_digit

OFFICE = {"code": "110105-HY", "level": "county", "region_code": "110105",
          "foreign_designated": True, "popup": False}


def number(first17: str) -> str:
    """A valid 18-digit ID number from its first 17 digits."""
    return first17 + check_digit(first17)


MAN = {"name": "王䶮", "sex": "male", "birth_date": "1990-03-07", "id_type": "resident",
       "id_number": number("11010219900307123"), "id_valid_until": "long-term",
       "nationality": "CHN", "hukou_region_code": "110102"}
WOMAN = {"name": "李梅", "sex": "female", "birth_date": "1996-02-29", "id_type": "resident",
         "id_number": number("11010519960229002"), "id_valid_until": "2036-01-01",
         "nationality": "CHN", "hukou_region_code": "110105"}
