"""SW3, the SAM's own status byte, mapped to typed errors with Chinese messages (identity.md §1.5).

Success is 0x90 (and 0x9F for "find card"). Everything else becomes a :class:`SamStatusError`
subclass chosen by what the registrar can do about it: put the card back (card problems), call
a technician (SAM or reader faults), or nothing at all (no card: normal while polling).
"""

from __future__ import annotations

from drivers.base import DeviceError

OK = 0x90
FIND_OK = 0x9F
NO_CONTENT = 0x91
NO_CARD = 0x80


class SamStatusError(DeviceError):
    """The SAM answered a status other than success. ``sw3`` is that status byte."""

    code = "idcard.sam_status"

    def __init__(self, message_zh: str, *, sw3: int, sw1: int = 0, sw2: int = 0,
                 detail: str = "") -> None:
        super().__init__(message_zh, detail=detail or f"SW1 {sw1:02X} SW2 {sw2:02X} SW3 {sw3:02X}")
        self.sw3, self.sw1, self.sw2 = sw3, sw1, sw2


class NoCard(SamStatusError):
    """No card on the reader (find failed). Normal while polling."""

    code = "idcard.no_card"


class CardSelectFailed(SamStatusError):
    """Found a card but could not select it: usually it was moved away at that moment."""

    code = "idcard.select_failed"


class NoContent(SamStatusError):
    """The requested item is not on the card (no fingerprint, no appended address)."""

    code = "idcard.no_content"


class CardReadFailed(SamStatusError):
    """Authenticating or reading the card failed: the card moved, is damaged or not genuine."""

    code = "idcard.read_failed"


class SamRejectedCommand(SamStatusError):
    """The SAM rejected our frame (checksum, length, command): a driver or cable problem."""

    code = "idcard.command_rejected"


class SamFault(SamStatusError):
    """The SAM itself is broken or not authorised: the reader needs service."""

    code = "idcard.sam_fault"


_PUT_BACK = "请将证件平放在读卡区重新读取。"
_CALL_TECH = "请联系技术人员检查读卡器。"

#: sw3 -> (error class, Chinese message). Every SW3 the public sources list is here.
SW3_TABLE: dict[int, tuple[type[SamStatusError], str]] = {
    0x10: (SamRejectedCommand, "读卡器收到的数据校验和错误。" + _CALL_TECH),
    0x11: (SamRejectedCommand, "读卡器收到的数据长度错误。" + _CALL_TECH),
    0x21: (SamRejectedCommand, "读卡器不接受该命令（命令参数错误）。" + _CALL_TECH),
    0x23: (SamFault, "读卡器拒绝了越权操作。" + _CALL_TECH),
    0x24: (SamFault, "读卡器报告无法识别的错误。" + _CALL_TECH),
    0x31: (CardReadFailed, "证件认证安全模块失败。" + _PUT_BACK),
    0x32: (CardReadFailed, "安全模块认证证件失败，证件可能损坏或不是有效证件。" + _PUT_BACK),
    0x33: (CardReadFailed, "证件信息验证错误。" + _PUT_BACK),
    0x40: (CardReadFailed, "无法识别的卡片类型，请确认放置的是身份证件。"),
    0x41: (CardReadFailed, "读取证件失败（读卡过程中证件可能被移开）。" + _PUT_BACK),
    0x47: (CardReadFailed, "取随机数失败。" + _PUT_BACK),
    0x60: (SamFault, "读卡器安全模块自检失败，无法读卡。" + _CALL_TECH),
    0x66: (SamFault, "读卡器安全模块未经授权，无法读卡。" + _CALL_TECH),
    0x80: (NoCard, "读卡器上没有证件，请放置证件。"),
    0x81: (CardSelectFailed, "选卡失败（证件可能被移开）。" + _PUT_BACK),
    0x91: (NoContent, "证件中没有该项内容。"),
}


def check(sw3: int, sw1: int = 0, sw2: int = 0, *, success: int = OK) -> None:
    """Raise the typed error for ``sw3`` unless it equals ``success``."""
    if sw3 == success:
        return
    cls, message = SW3_TABLE.get(sw3, (SamStatusError, f"读卡器返回未知状态码 {sw3:02X}。"
                                       + _CALL_TECH))
    raise cls(message, sw3=sw3, sw1=sw1, sw2=sw2)
