"""From a case (:class:`CaseFile`: the rules' typed case plus what only forms print) to the
values of each form.

A CASE.json read from a file is the rules-check case validated by
``counter_app.rules.caseinput.parse_case`` (docs/rules.md) plus the extra fields forms need
(occupation, photos by path, certificate numbers, the agreement summary, ...: docs/forms.md);
:meth:`CaseFile.from_json` reads it. The workflows build a :class:`CaseFile` from their typed
case instead. Values are flat dotted keys (``man.name``, ``certificate.number``) that the form
definitions name; for forms filled once per party, ``party.*`` is the party the page is for.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from counter_app.domain.ethnicity import lookup as lookup_ethnicity
from counter_app.domain.party import ROLE_ZH, Applicant, PartyRecord
from counter_app.rules.calendar import divorce_periods
from counter_app.rules.caseinput import (ITEM_ZH, CaseInput, date_field, parse_case,
                                         read_case_json, text_field)
from forms.model import FormData, FormDefinition, FormError, format_value

SEX_ZH = {"male": "男", "female": "女"}
ID_TYPE_ZH = {"resident": "居民身份证", "hmt_residence_permit": "港澳台居民居住证",
              "foreign_permanent": "外国人永久居留身份证", "passport": "护照",
              "hk_macau_permit": "港澳居民来往内地通行证", "taiwan_permit": "台湾居民来往大陆通行证"}
MARITAL_ZH = {"unmarried": "未婚", "divorced": "离婚", "widowed": "丧偶", "married": "有配偶"}
#: A few ISO 3166 alpha-3 codes written in Chinese; others are printed as the code.
NATIONALITY_ZH = {"CHN": "中国", "USA": "美国", "JPN": "日本", "KOR": "韩国", "GBR": "英国",
                  "FRA": "法国", "DEU": "德国", "CAN": "加拿大", "AUS": "澳大利亚",
                  "RUS": "俄罗斯", "SGP": "新加坡", "MYS": "马来西亚", "VNM": "越南",
                  "THA": "泰国", "PHL": "菲律宾", "IND": "印度", "PAK": "巴基斯坦"}


class CaseFileError(FormError):
    """The case file cannot be read or a form field in it is malformed."""

    code = "forms.bad_case"


#: A party's fields that forms print and the rules do not judge (docs/forms.md).
PARTICULARS = ("marital_status", "occupation", "education", "phone", "photo")

# What each field of a case file's ``forms`` object may hold (docs/forms.md); anything else is
# refused with the field's name, so a form never prints a dict, "None" or a date that does not
# exist, and a misspelt field is not silently left out.
TEXT, PARAGRAPH, PATH, DATE, FLAG, LIST = "text", "paragraph", "path", "date", "flag", "list"
PATHS = "paths"  # an object of who -> image path (signatures, fingerprints)
FORMS_FIELDS: dict[str, Any] = {
    "office_name": TEXT, "registrar": TEXT, "joint_photo": PATH, "documents": LIST,
    "opinion": PARAGRAPH, "remark": PARAGRAPH, "receipt_number": TEXT,
    "archive_check": PARAGRAPH, "signatures": PATHS, "fingerprints": PATHS,
    "certificate": {"kind": ("marriage", "divorce"), "number": TEXT, "print_number": TEXT,
                    "registration_date": DATE, "reissue": FLAG, "cause": ("lost", "damaged"),
                    "reissue_date": DATE, "original_registration_date": DATE,
                    "original_office_name": TEXT, "original_number": TEXT},
    "marriage": {"registration_date": DATE, "certificate_number": TEXT},
    "agreement": {"scan": PATH, "intent": PARAGRAPH, "children": PARAGRAPH,
                  "property": PARAGRAPH, "debts": PARAGRAPH, "other": PARAGRAPH},
    "withdrawal": {"party": ("man", "woman"), "date": DATE, "reason": PARAGRAPH},
    "refusal": {"number": TEXT, "reason": PARAGRAPH, "basis": PARAGRAPH},
}
PARTICULAR_FIELDS: dict[str, Any] = {
    "marital_status": tuple(MARITAL_ZH), "occupation": TEXT,
    "education": TEXT, "phone": TEXT, "photo": PATH}
#: Images named by a case file: what Qt paints and Pillow can check without Qt.
IMAGE_FORMATS = ("PNG", "JPEG", "BMP")


def _bad(path: str, what: str) -> CaseFileError:
    return CaseFileError(f"案件文件字段 {path} 无效：{what}", detail=f"bad field {path}")


def parse_forms(raw: Any, path: str = "forms",
                fields: dict[str, Any] = FORMS_FIELDS) -> dict[str, Any]:
    """A case file's ``forms`` object checked field by field (null: not given)."""
    if not isinstance(raw, dict):
        raise _bad(path, "应为 JSON 对象")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"{path}.{key}"
        if key not in fields:
            raise _bad(where, "没有这个字段（字段见 docs/forms.md）")
        if value is not None:
            out[key] = _field(value, where, fields[key])
    return out


def _field(value: Any, where: str, kind: Any) -> Any:
    """One value checked against its kind in FORMS_FIELDS."""
    if isinstance(kind, dict):
        return parse_forms(value, where, kind)
    if isinstance(kind, tuple):
        if value not in kind:
            raise _bad(where, f"应为 {' | '.join(kind)} 之一，实际为 {_shown(value)}")
        return value
    if kind == DATE:
        return date_field(value, where).isoformat()
    if kind == FLAG:
        if not isinstance(value, bool):
            raise _bad(where, "应为 true 或 false")
        return value
    if kind == LIST:
        return _texts(value, where)
    if kind == PATHS:
        if not isinstance(value, dict):
            raise _bad(where, "应为 JSON 对象（谁 -> 图片文件路径）")
        return {who: _path(p, f"{where}.{who}") for who, p in value.items() if p is not None}
    if kind == PATH:
        return _path(value, where)
    return _text(value, where, multiline=kind == PARAGRAPH)


def _text(value: Any, where: str, multiline: bool = False) -> str:
    if not isinstance(value, str):
        raise _bad(where, f"应为字符串，实际为 {_shown(value)}")
    return text_field(value, where, multiline=multiline)


def _texts(value: Any, where: str) -> list[str]:
    """A list of strings (a single string is a list of one)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise _bad(where, f"应为字符串数组，实际为 {_shown(value)}")
    return [_text(item, f"{where}[{i}]") for i, item in enumerate(items)]


def _path(value: Any, where: str) -> str:
    text = _text(value, where)
    if not text.strip():
        raise _bad(where, "图片文件路径为空")
    return text


def _shown(value: Any) -> str:
    """A wrong value as a message shows it: its JSON type, not a dump of it."""
    names = {dict: "JSON 对象", list: "数组", bool: "true/false", int: "数字", float: "数字",
             type(None): "null"}
    return names.get(type(value), repr(value)[:40])


def _particulars(raw: dict[str, Any], path: str) -> Particulars:
    values = {}
    for key, kind in PARTICULAR_FIELDS.items():
        value = raw.get(key)
        values[key] = "" if value is None or value == "" else _field(value, f"{path}.{key}",
                                                                    kind)
    return Particulars(**values)


def _named(case: CaseInput) -> None:
    """Every party at the counter has a name to print (a form is never printed blank)."""
    for i, applicant in enumerate(case.parties):
        if not applicant.party.name.strip():
            raise _bad(f"parties[{i}].name", "表格须印当事人姓名，不能为空或 null")


@dataclass(frozen=True)
class Particulars:
    """What the forms print about a party beyond the rules' :class:`Party`."""

    marital_status: str = ""  # as declared: unmarried | divorced | widowed
    occupation: str = ""
    education: str = ""
    phone: str = ""
    photo: str = ""  # the photo's path (a case file's: relative to it)


@dataclass(frozen=True)
class CaseFile:
    """A case as the forms print it: the rules' typed case, each party's particulars (in the
    case's party order; none given: all empty), the case file's ``forms`` object
    (docs/forms.md), and the parties of an archive record that are not at the counter (the
    other party on a reissued certificate)."""

    case: CaseInput
    forms: dict[str, Any] = field(default_factory=dict)
    particulars: tuple[Particulars, ...] = ()
    archived: tuple[PartyRecord, ...] = ()

    @classmethod
    def from_json(cls, raw: Any) -> CaseFile:
        """A decoded CASE.json, validated (CaseInputError / CaseFileError naming the field)."""
        case = parse_case(raw)
        _named(case)
        forms = parse_forms(raw.get("forms", {}))
        return cls(case, forms, tuple(_particulars(p, f"parties[{i}]")
                                      for i, p in enumerate(raw["parties"])))

    def each_party(self) -> list[tuple[Applicant, Particulars]]:
        """Each party of the case with their particulars."""
        given = self.particulars or (Particulars(),) * len(self.case.parties)
        return list(zip(self.case.parties, given))

    def with_particulars(self, role: str, particulars: Particulars) -> CaseFile:
        """The same case with ``role``'s particulars replaced."""
        return replace(self, particulars=tuple(particulars if a.role == role else p
                                               for a, p in self.each_party()))


def load_case(path: Path) -> CaseFile:
    """Read and validate CASE.json."""
    return CaseFile.from_json(read_case_json(path))


def case_values(case_file: CaseFile) -> dict[str, Any]:
    """Every value any form may show, as flat dotted keys."""
    case, forms = case_file.case, case_file.forms
    values: dict[str, Any] = {"case.item": ITEM_ZH[case.item], "case.date": case.date.isoformat(),
                              "office.name": forms.get("office_name") or case.office.name,
                              "office.code": case.office.code}
    for applicant, particulars in case_file.each_party():
        values.update(_party_values(applicant, particulars))
    for key, value in _flatten(forms).items():
        values.setdefault(key, value)
    for record in case_file.archived:
        for key, value in _archived_values(record).items():
            values.setdefault(key, value)
    if case.divorce.get("receipt_date"):
        periods = divorce_periods(case.divorce["receipt_date"])
        values.update({"divorce.receipt_date": periods.receipt_date.isoformat(),
                       "divorce.withdrawal_deadline": periods.withdrawal_deadline.isoformat(),
                       "divorce.issuance_from": periods.issuance_from.isoformat(),
                       "divorce.issuance_until": periods.issuance_until.isoformat()})
        values["divorce.issuance_window"] = (f"{format_value(values['divorce.issuance_from'], 'date')}至"
                                             f"{format_value(values['divorce.issuance_until'], 'date')}")
    names = [values.get(f"{a.role}.name", "") for a in case.parties]
    values["case.addressees"] = "、".join(n for n in names if n)
    _withdrawal_values(values, forms.get("withdrawal", {}))
    cert = forms.get("certificate", {})
    values["certificate.kind_zh"] = "离婚证" if cert.get("kind") == "divorce" else "结婚证"
    values["certificate.cause_zh"] = {"lost": "遗失", "damaged": "损毁"}.get(
        cert.get("cause", ""), "")
    if cert.get("reissue"):
        values["certificate.remark"] = reissue_remark(case, cert)
        # A reissued certificate keeps the original registration date (law.md §4).
        values["certificate.registration_date"] = cert.get("original_registration_date")
    return values


def _withdrawal_values(values: dict[str, Any], withdrawal: dict[str, Any]) -> None:
    role = withdrawal.get("party")
    if role not in ("man", "woman"):
        return
    other = "woman" if role == "man" else "man"
    values["withdrawal.name"] = values.get(f"{role}.name", "")
    values["withdrawal.id_number"] = values.get(f"{role}.id_number", "")
    values["withdrawal.other_name"] = values.get(f"{other}.name", "")


def refusal_values(case: CaseInput) -> dict[str, str]:
    """The reasons and legal bases of a refusal, from the rules check of the same case
    (counter_app.rules.evaluator), for a notice whose case file does not state them."""
    from counter_app.rules.evaluator import evaluate

    decision = evaluate(case)
    reasons = [r for r in decision.reasons if r.outcome == "refuse"]
    if not reasons:
        raise CaseFileError("该案件按规则审查没有不予受理/不予办理的理由，不能出具告知书；"
                            "如另有理由，请在 forms.refusal.reason 和 basis 中写明。",
                            code="forms.no_refusal_reason")
    bases = list(dict.fromkeys(r.basis for r in reasons if r.basis))
    return {"refusal.reason": "；".join(r.message_zh for r in reasons),
            "refusal.basis": "；".join(bases)}


def reissue_remark(case: CaseInput, cert: dict[str, Any]) -> str:
    """The 备注 of a reissued certificate: "结婚证遗失(损毁)，补发此证。2026年11月22日"."""
    kind = "离婚证" if cert.get("kind") == "divorce" else "结婚证"
    cause = {"lost": "遗失", "damaged": "损毁"}.get(cert.get("cause", ""), "遗失(损毁)")
    when = format_value(cert.get("reissue_date") or case.date.isoformat(), "date")
    return f"{kind}{cause}，补发此证。{when}"


def _party_values(applicant: Applicant, particulars: Particulars) -> dict[str, Any]:
    party = applicant.party
    ethnicity = party.ethnicity or ""
    if ethnicity and str(ethnicity).isdigit():
        ethnicity = lookup_ethnicity(str(ethnicity)).display_name
    out = {"name": party.name, "sex": SEX_ZH[party.sex],
           "birth_date": party.birth_date.isoformat(), "id_type": ID_TYPE_ZH[party.id_type],
           "id_number": party.id_number, "ethnicity": ethnicity,
           "nationality": NATIONALITY_ZH.get(party.nationality, party.nationality),
           "marital_status": MARITAL_ZH.get(particulars.marital_status, ""),
           "occupation": particulars.occupation, "education": particulars.education,
           "address": party.address, "phone": particulars.phone}
    return {f"{applicant.role}.{key}": value for key, value in out.items()}


def _archived_values(record: PartyRecord) -> dict[str, Any]:
    """A party as the archive record has them (no document at the counter: 中国 by default,
    as the registry held only mainland registrations)."""
    return {f"{record.role}.{key}": value for key, value in (
        ("name", record.name), ("sex", SEX_ZH[record.sex]), ("birth_date", record.birth_date),
        ("id_number", record.id_number), ("nationality", "中国"))}


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _image_paths(case_file: CaseFile) -> dict[str, str]:
    """Each image slot the case file fills and the path it names: photos, the agreement scan,
    signature and fingerprint images."""
    found: dict[str, str] = {}
    for applicant, particulars in case_file.each_party():
        if particulars.photo:
            found[f"{applicant.role}.photo"] = particulars.photo
    forms = case_file.forms
    for key in ("joint_photo",):
        if forms.get(key):
            found[key] = forms[key]
    if forms.get("agreement", {}).get("scan"):
        found["agreement.scan"] = forms["agreement"]["scan"]
    for group in ("signatures", "fingerprints"):
        for who, path in forms.get(group, {}).items():
            found[f"{group[:-1]}.{who}"] = path
    return found


def _images(case_file: CaseFile, base_dir: Path) -> dict[str, bytes]:
    """The bytes of every image the case file names (relative paths: from ``base_dir``)."""
    images = {}
    for key, rel in _image_paths(case_file).items():
        path = (base_dir / rel) if not Path(rel).is_absolute() else Path(rel)
        try:
            images[key] = path.read_bytes()
        except OSError:
            raise CaseFileError(f"案件文件中的图片 {key} 找不到或无法读取：{rel}") from None
    return images


def _check_images(images: dict[str, bytes], names: dict[str, str]) -> None:
    """Every image named by the case file is a whole PNG, JPEG or BMP picture: a file that is
    not would otherwise be left out of the form without a word."""
    from PIL import Image, UnidentifiedImageError

    for key, blob in images.items():
        try:
            with Image.open(io.BytesIO(blob)) as image:
                kind = image.format
                image.verify()
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
                ValueError):
            kind = None
        if kind not in IMAGE_FORMATS:
            raise CaseFileError(f"案件文件中的图片 {key}（{names.get(key, '')}）不是 PNG、JPEG 或 "
                                "BMP 图片，或文件已损坏、过大。", code="forms.bad_image")


def _strokes(images: dict[str, bytes]) -> dict[str, Any]:
    """Signatures given as stroke recordings (.json, drivers.signature) instead of images."""
    from drivers.signature.model import Signature, SignatureError

    strokes = {}
    for key in [k for k in images if k.startswith("signature.")]:
        if images[key].lstrip()[:1] == b"{":
            try:
                strokes[key] = Signature.from_json(images.pop(key).decode("utf-8")).for_form()
            except (SignatureError, UnicodeDecodeError):
                raise CaseFileError(f"案件文件中的签名 {key} 不是有效的签名笔迹文件。") from None
    return strokes


def pages_for(form: FormDefinition, case_file: CaseFile,
              base_dir: Path = Path(".")) -> list[tuple[FormDefinition, FormData]]:
    """The pages of ``form`` for this case: one, or the man's then the woman's (images named
    by a relative path are read from ``base_dir``)."""
    case = case_file.case
    values, images = case_values(case_file), _images(case_file, base_dir)
    if form.form_id.startswith("refusal_") and not values.get("refusal.reason"):
        values.update(refusal_values(case))
    strokes = _strokes(images)
    _check_images(images, _image_paths(case_file))
    if not form.per_party:
        return [(form, FormData(values, images, strokes))]
    pages = []
    for role in [a.role for a in case.parties]:
        page_values = dict(values)
        page_values.update({f"party.{k.split('.', 1)[1]}": v for k, v in values.items()
                            if k.startswith(f"{role}.")})
        page_values["party.role"] = ROLE_ZH.get(role, ROLE_ZH["applicant"])
        other = {"man": "woman", "woman": "man"}.get(role, "")
        page_values["party.other_name"] = values.get(f"{other}.name", "")
        page_images, page_strokes = dict(images), dict(strokes)
        for suffix in ("photo", "signature", "fingerprint"):
            key = f"{role}.photo" if suffix == "photo" else f"{suffix}.{role}"
            if key in images:
                page_images[f"party.{suffix}"] = images[key]
            if key in strokes:
                page_strokes[f"party.{suffix}"] = strokes[key]
        pages.append((form, FormData(page_values, page_images, page_strokes)))
    return pages
