"""The order of materials in a case's archive file (《婚姻登记档案管理办法》, reference/law.md §5).

Art.5 (marriage, also 复婚/补办), art.7 (divorce, with the 2020 cooling-off documents), art.8
(reissue); the 2020 notice (民发〔2020〕116号) for a withdrawn divorce application. Each
material has a category; materials are filed in category order, and within a category in the
order they were added (registration time, art.10).
"""

from __future__ import annotations

from counter_app.errors import CounterAppError

#: item -> the categories in filing order: (category id, Chinese name, legal basis).
ORDER: dict[str, tuple[tuple[str, str, str], ...]] = {
    "marriage": (
        ("marriage_review", "结婚登记审查处理表", "办法第五条(一)"),
        ("marriage_declaration", "申请结婚登记声明书", "办法第五条(二)"),
        ("foreign_documents", "港澳台居民、出国人员、华侨、外国人证明材料及译文", "办法第五条(三)"),
        ("id_copies", "当事人身份证件复印件", "办法第五条(四)"),
        ("other", "其他有关材料", "办法第五条(五)"),
    ),
    "divorce": (
        ("divorce_review", "离婚登记审查处理表", "办法第七条(一)"),
        ("divorce_application", "离婚登记申请书（申请离婚登记声明书）",
         "办法第七条(二)；民发〔2020〕116号"),
        ("marriage_certificate_copies", "结婚证复印件", "办法第七条(三)"),
        ("divorce_agreement", "离婚协议书", "办法第七条(四)"),
        ("id_copies", "当事人身份证件复印件", "办法第七条(五)"),
        ("other", "其他有关材料（受理回执单存根等）", "办法第七条(六)"),
    ),
    "divorce_withdrawal": (
        ("divorce_application", "离婚登记申请书", "民发〔2020〕116号"),
        ("divorce_withdrawal", "撤回离婚登记申请书", "民发〔2020〕116号"),
        ("divorce_withdrawal_confirmation", "撤回离婚登记申请确认单（存根联）", "民发〔2020〕116号"),
        ("other", "其他有关材料", "民发〔2020〕116号"),
    ),
    "reissue": (
        ("reissue_review", "补发婚姻登记证审查处理表", "办法第八条(一)"),
        ("reissue_declaration", "申请补领婚姻登记证声明书", "办法第八条(二)"),
        ("record_proof", "婚姻登记档案记录证明或婚姻状况证明", "办法第八条(三)"),
        ("id_copies", "当事人身份证件复印件", "办法第八条(四)"),
        ("power_of_attorney", "经公证的委托书及受委托人身份证件复印件", "办法第八条(五)"),
        ("other", "其他有关材料", "办法第八条(六)"),
    ),
}
ORDER["retroactive_marriage"] = ORDER["marriage"]
#: The rules-check items map onto the archive kinds.
ITEM_KIND = {"marriage": "marriage", "retroactive_marriage": "marriage",
             "divorce_completion": "divorce", "divorce_application": "divorce",
             "divorce_withdrawal": "divorce_withdrawal", "reissue": "reissue"}


class ArchiveError(CounterAppError):
    """The archive file cannot be made as asked."""

    code = "archive.invalid"


def categories(item: str) -> tuple[tuple[str, str, str], ...]:
    """The filing order for a business item (a rules-check item name)."""
    kind = ITEM_KIND.get(item)
    if kind is None:
        raise ArchiveError(f"事项 {item} 没有归档规则。", code="archive.unknown_item")
    return ORDER[kind]


def rank(item: str, category: str) -> int:
    """Position of ``category`` in the filing order; ArchiveError if it does not belong."""
    names = [c for c, _, _ in categories(item)]
    if category not in names:
        raise ArchiveError(f"材料类别 {category} 不属于{item}的档案。",
                           code="archive.unknown_category")
    return names.index(category)
