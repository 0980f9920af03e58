"""``counter-app idcard parse FILE`` and ``counter-app idcard read --port URL``."""

from __future__ import annotations

import json
import time
from pathlib import Path

from counter_app.cli import EXIT_OK
from counter_app.context import Context
from counter_app.domain.party import LONG_TERM, LONG_TERM_ZH
from counter_app.errors import CounterAppError

_LABELS = (("card_type", "证件类型"), ("name", "姓名"), ("name_en", "英文姓名"), ("sex", "性别"),
           ("ethnicity", "民族"), ("birth_date", "出生日期"), ("address", "住址"),
           ("id_number", "证件号码"), ("issuer", "签发机关"), ("valid_from", "有效期起"),
           ("valid_until", "有效期止"), ("nationality", "国籍"), ("permit_number", "通行证号码"),
           ("issue_count", "签发次数"))
_VALUES = {"resident": "居民身份证", "hmt_residence_permit": "港澳台居民居住证",
           "foreign_2017": "外国人永久居留身份证（2017版）",
           "foreign_2023": "外国人永久居留身份证（2023版）",
           "male": "男", "female": "女", "unknown": "未知", LONG_TERM: LONG_TERM_ZH}


class InputFileError(CounterAppError):
    """The file given on the command line cannot be used."""

    code = "cli.input_file"


def register(sub) -> None:
    p = sub.add_parser("idcard", help="parse or read resident ID / permit cards (SAM reader)")
    isub = p.add_subparsers(dest="idcard_command", required=True, metavar="ACTION")

    parse = isub.add_parser("parse", help="parse a 256-byte text block or a whole read frame")
    parse.add_argument("file", type=Path, metavar="FILE")
    parse.add_argument("--json", action="store_true", help="print the record as JSON")
    parse.set_defaults(func=run_parse)

    read = isub.add_parser("read", help="read one card from a reader (device path or URL)")
    read.add_argument("--port", required=True, metavar="URL",
                      help="serial device, pyserial URL (samsim://?card=resident) or usb:VID:PID")
    read.add_argument("--timeout", type=float, default=10.0, metavar="S",
                      help="seconds to wait for a card (default 10)")
    read.add_argument("--json", action="store_true", help="print the record as JSON")
    read.set_defaults(func=run_read)


def run_parse(args, ctx: Context) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise InputFileError(f"无法读取文件 {args.file}：{exc.strerror or exc}") from None
    from drivers.idcard.parse_input import record_from_bytes

    _print(record_from_bytes(data), args.json)
    return EXIT_OK


def run_read(args, ctx: Context) -> int:
    from drivers.base import DeviceTimeout
    from drivers.idcard.interface import CardRemoved
    from drivers.idcard.sam_reader import SamReader

    deadline = time.monotonic() + max(0.0, args.timeout)
    with SamReader.open(args.port, timeout=min(2.0, max(0.2, args.timeout))) as reader:
        while True:
            try:
                read = reader.read_card()
            except CardRemoved:
                read = None  # put back on the reader before the deadline: try again
            if read is not None:
                _print(read.record, args.json)
                return EXIT_OK
            if time.monotonic() >= deadline:
                raise DeviceTimeout(f"{args.timeout:g} 秒内没有读到证件，请将证件平放在读卡区后重试。")
            time.sleep(0.2)


def _print(record, as_json: bool) -> None:
    data = record.as_dict()
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for key, label in _LABELS:
        value = data[key]
        if value is None:
            continue
        if key == "ethnicity":
            value = f"{value['name']}（{value['code']}）"
        print(f"{label}: {_VALUES.get(value, value) if isinstance(value, str) else value}")
    for warning in data["warnings"]:
        print(f"注意: {warning}")
