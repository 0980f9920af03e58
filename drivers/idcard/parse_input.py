"""Turn what a technician hands us (a text block or a captured read frame) into a record."""

from __future__ import annotations

from drivers.idcard import protocol, status
from drivers.idcard.textblock import CardDataError, IdCardRecord, parse_text_block


def record_from_bytes(data: bytes) -> IdCardRecord:
    """Parse a 256-byte text block, or a whole 30 01 / 30 10 response frame.

    Raises a ``CounterAppError`` subclass (never anything else) when the bytes are neither.
    """
    if protocol.PREAMBLE not in data[:64]:
        if len(data) == protocol.TEXT_LEN:
            return parse_text_block(data)
        raise CardDataError(
            f"文件既不是 256 字节的证件文字信息，也不是读卡器应答帧（{len(data)} 字节）。",
            detail=f"size {len(data)}, no preamble")
    response = protocol.parse_response_body(protocol.decode_frame(data))
    status.check(response.sw3, response.sw1, response.sw2)
    try:
        files = protocol.split_read_data(response.data, with_fingerprint=False)
    except protocol.FrameError:
        files = protocol.split_read_data(response.data, with_fingerprint=True)
    return parse_text_block(files.text)
