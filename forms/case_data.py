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

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from counter_app.domain.ethnicity import lookup as lookup_ethnicity
from counter_app.domain.party import ROLE_ZH, Applicant, PartyRecord
from counter_app.rules.calendar import divorce_periods
from counter_app.rules.caseinput import ITEM_ZH, CaseInput, parse_case
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
        forms = raw.get("forms", {})
        if not isinstance(forms, dict):
            raise CaseFileError("案件文件字段 forms 应为 JSON 对象。")
        return cls(case, forms, tuple(Particulars(**{k: p.get(k) or "" for k in PARTICULARS})
                                      for p in raw["parties"]))

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
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CaseFileError(f"找不到案件文件：{path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CaseFileError(f"案件文件不是有效的 UTF-8 JSON：{path}", detail=str(err)) from None
    return CaseFile.from_json(raw)


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


def _images(case_file: CaseFile, base_dir: Path) -> dict[str, bytes]:
    """Photos, scans, signature and fingerprint images named by path in the case file."""
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
    images = {}
    for key, rel in found.items():
        path = (base_dir / rel) if not Path(rel).is_absolute() else Path(rel)
        try:
            images[key] = path.read_bytes()
        except OSError:
            raise CaseFileError(f"案件文件中的图片 {key} 找不到或无法读取：{rel}") from None
    return images


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
