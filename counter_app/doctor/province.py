"""Checks of the link with the province: enrolment, clock, what waits to be sent."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from counter_app.doctor.probe import Probe
from counter_app.doctor.registry import FAIL, OK, WARN, Result

ENROL = "技术人员执行 counter-app enroll --server <省级系统地址> --office <登记机关代码> 登记本机。"
#: The device clock against the province's: within CLOCK_OK_S is fine; past the journal's
#: journal.clock_max_skew_s legal acts are refused (docs/ARCHITECTURE.md, the clock guard).
CLOCK_OK_S = 30
CLOCK_TIMEOUTS_S = (3.0, 5.0)  # connect, read: a doctor run must not hang on a dead link
#: The oldest record not yet acknowledged by the province: offline for a day is expected at
#: times (offline first); a week means the province is missing the office's records.
BACKLOG_WARN = timedelta(days=1)
BACKLOG_FAIL = timedelta(days=7)

if TYPE_CHECKING:
    from sync.enrolment import Enrolment


def _enrolment(probe: Probe) -> Enrolment | None:
    """This machine's enrolment (its key checked against the journal's), None if none."""
    from sync import enrolment
    from sync.background import is_enrolled

    if not is_enrolled(probe.data_dir):
        return None
    return enrolment.load(probe.data_dir, probe.journal())[0]


def check_enrolment(probe: Probe) -> Result:
    record = _enrolment(probe)  # an unreadable enrolment raises: a "fail" with its message
    if record is None:
        return Result("enrolment", WARN, "本机尚未在省级系统登记", ENROL)
    detail = (f"机器号 {record.machine_id}，登记机关 {record.office_code}，"
              f"省级系统 {record.server_url}")
    if record.status != "active":
        return Result("enrolment", WARN, f"{detail}；登记状态 {record.status}",
                      "等待省级系统批准本机，或联系省级系统管理员。")
    return Result("enrolment", OK, detail)


def check_clock(probe: Probe) -> Result:
    """The device clock against the province's GET /v1/time (docs/sync-protocol.md)."""
    record = _enrolment(probe)
    last = _last_offset(probe)
    if record is None:
        return Result("clock", WARN, "本机未登记，无法与省级系统对时" + last, ENROL)
    url = probe.ctx.config["sync.server_url"] or record.server_url
    from sync.errors import SyncError

    try:
        offset_s = _measure_offset(url)
    except SyncError as err:
        return Result("clock", WARN, f"无法连接省级系统（{err.message_zh}）" + last,
                      "离线时可以继续办理；联网后重新检查对时。")
    return _clock_result(offset_s, probe.ctx.config["journal.clock_max_skew_s"])


def _measure_offset(url: str) -> float:
    """Server time minus device time, in seconds (half the round trip added, as sync does)."""
    from sync import protocol
    from sync.transport import Transport

    transport = Transport(url, None, connect_timeout_s=CLOCK_TIMEOUTS_S[0],
                          read_timeout_s=CLOCK_TIMEOUTS_S[1])
    try:
        answer = transport.get(f"{protocol.API_PREFIX}/time", signed=False)
    finally:
        transport.close()
    server = protocol.parse_time(answer.body["server_time"])
    estimate = server + timedelta(seconds=answer.elapsed_s / 2)
    return (estimate - datetime.now(timezone.utc)).total_seconds()


def _clock_result(offset_s: float, max_skew_s: int) -> Result:
    detail = f"本机时钟与省级系统相差 {offset_s:+.1f} 秒"
    fix = "校准系统时间并打开自动对时（NTP），然后重新检查。"
    if abs(offset_s) > max_skew_s:
        return Result("clock", FAIL, f"{detail}，超过 {max_skew_s} 秒：登记等法律行为将被拒绝",
                      fix)
    if abs(offset_s) > CLOCK_OK_S:
        return Result("clock", WARN, detail, fix)
    return Result("clock", OK, detail)


def _last_offset(probe: Probe) -> str:
    """'；上次对时 …' from the journal's last recorded server offset, '' when there is none."""
    try:
        offset = probe.journal().server_offset()
    except Exception:  # noqa: BLE001 - only a remark in the detail
        return ""
    if offset is None:
        return ""
    return f"；上次对时（{offset.observed_at}）相差 {offset.offset_ms / 1000:+.1f} 秒"


def check_sync_backlog(probe: Probe) -> Result:
    """How many records wait for the province, and how old the oldest is."""
    from counter_app.journal.clock import parse_iso
    from counter_app.wiring.sync import sync_status
    from sync import outbox

    journal = probe.journal()
    report = sync_status(probe.ctx, journal)()
    waiting = outbox.pending_entries(journal, report["acked_seq"], 1)
    files = report["pending_attachments"]
    if not waiting and not files:
        return Result("sync_backlog", OK, "没有待上传的记录")
    age = (datetime.now(timezone.utc) - parse_iso(waiting[0].device_time) if waiting
           else timedelta(0))
    detail = (f"待上传记录 {report['pending_entries']} 条、附件 {files} 个；最早的记录已等待 "
              f"{_age_zh(age)}；上次成功同步：{report['last_success'] or '从未'}")
    hint = "检查网络和省级系统地址；联网后程序会自动上传（也可执行 counter-app sync --once）。"
    if age >= BACKLOG_FAIL:
        return Result("sync_backlog", FAIL, detail, hint)
    if age >= BACKLOG_WARN:
        return Result("sync_backlog", WARN, detail, hint)
    return Result("sync_backlog", OK, detail)


def _age_zh(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    return f"{hours / 24:.1f} 天" if hours >= 24 else f"{hours:.1f} 小时"
