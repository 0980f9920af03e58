"""Checks of the data: the journal, the machine key, 字号 blocks, blank stock, the lock."""

from __future__ import annotations

import sys
from pathlib import Path

from counter_app.doctor.probe import Probe, Skipped
from counter_app.doctor.registry import FAIL, OK, WARN, Result

NEW_COUNTER = "首次启动本程序（或完成设置向导）后会创建日志。"
NEW_KEY = "首次启动本程序时会生成密钥；生成后请立即把它单独备份。"
SUPPORT = "立即停止办理业务，不要删除任何文件，联系技术支持从备份或省级系统恢复。"
#: The certificate kinds an office issues every day, for the number and stock checks.
ESSENTIAL_PREFIXES = {"J": "结婚证", "L": "离婚证"}
ESSENTIAL_CERTIFICATES = {"marriage": "结婚证", "divorce": "离婚证"}


def check_journal(probe: Probe) -> Result:
    """The journal is there and `journal verify` finds it whole."""
    state = probe.journal_state()
    if state == "new":
        return Result("journal", WARN, f"{probe.data_dir} 中尚无日志（本机还未使用）", NEW_COUNTER)
    if state == "missing":
        return Result("journal", FAIL, f"{probe.data_dir} 中有数据但没有日志文件 journal.db",
                      SUPPORT)
    try:
        journal = probe.journal()
    except Skipped:
        return Result("journal", FAIL, probe.journal_error, SUPPORT)
    from counter_app.journal.verify import verify

    report = verify(journal)
    if not report.ok:
        where = f"第 {report.first_broken_seq} 条起" if report.first_broken_seq else "文件"
        problems = "；".join(map(str, report.problems[:3]))
        return Result("journal", FAIL, f"日志{where}损坏：{problems}", SUPPORT)
    return Result("journal", OK, f"日志完整：{report.entries} 条记录，最后序号 {report.last_seq}")


def key_location(probe: Probe) -> tuple[str, Path | None]:
    """Where this data dir's machine key is kept: ("keyring", None) or ("file", its path)."""
    from counter_app.journal import keys

    where = keys.place(probe.data_dir, probe.ctx.config["journal.key_store"],
                       probe.ctx.config.key_dir)
    return where.store, (where.key_file if where.store == "file" else None)


def check_key_store(probe: Probe) -> Result:
    _store, path = key_location(probe)
    if path is None:
        return _keyring_result(probe)
    return _key_file_result(probe, path)


def _keyring_result(probe: Probe) -> Result:
    import keyring

    from counter_app.journal import keys
    from counter_app.journal.errors import KeyStoreError

    where = f"系统密钥库（{type(keyring.get_keyring()).__name__}），不在数据目录中"
    try:
        keys.load_or_create(probe.data_dir, "keyring", create=False)
    except KeyStoreError as err:
        if probe.journal_state() == "new":
            return Result("key_store", WARN, f"{where}；尚未生成密钥", NEW_KEY)
        return Result("key_store", FAIL, f"{where}；{err.message_zh}", KEY_LOST)
    return Result("key_store", OK, f"{where}；密钥可读取")


KEY_LOST = ("没有密钥就无法打开日志：从密钥的备份恢复（不要删除数据重新开始），"
            "没有备份请联系技术支持。")
KEY_BESIDE_DATA = ("密钥和数据在一起，拿到数据目录副本的人也拿到了密钥：把密钥单独备份、"
                   "与数据分开保管，不要把密钥放进数据的备份里。")


def _key_file_result(probe: Probe, path: Path) -> Result:
    where = f"密钥文件 {path}"
    if not path.exists():
        if probe.journal_state() == "new":
            return Result("key_store", WARN, f"{where}；尚未生成密钥", NEW_KEY)
        return Result("key_store", FAIL, f"{where} 不存在", KEY_LOST)
    if sys.platform != "win32" and path.stat().st_mode & 0o077:
        return Result("key_store", FAIL, f"{where} 其他用户也能读取（权限 "
                                         f"{path.stat().st_mode & 0o777:o}）",
                      f"执行 chmod 600 {path}，只让运行本程序的账户读取。")
    if path.resolve().is_relative_to(probe.data_dir.resolve()):
        return Result("key_store", WARN, f"{where}，在数据目录内", KEY_BESIDE_DATA)
    return Result("key_store", OK, f"{where}，不在数据目录内")


def check_number_blocks(probe: Probe) -> Result:
    """字号 left this year in the blocks reserved for this machine, per series."""
    from counter_app.numbering.blocks import remaining_by_series

    low = probe.ctx.config["numbering.low_water"]
    year = probe.ctx.today().year
    series = remaining_by_series(probe.journal(), year)
    left = {f"{s['prefix']}{s['division_code']}": s["remaining"] for s in series}
    detail = f"{year} 年字号剩余：" + ("，".join(f"{k} {v} 个" for k, v in left.items())
                                     or "无号段")
    missing = [name for prefix, name in ESSENTIAL_PREFIXES.items()
               if not any(s["prefix"] == prefix for s in series)]
    return _supply("number_blocks", detail, list(left.values()), missing, low,
                   "向省级系统申请本机的字号号段（联网同步后自动下发）。")


def check_blank_stock(probe: Probe) -> Result:
    """Blank certificates (印制号) received and not yet issued or voided, per kind."""
    from counter_app.numbering.stock import unused_counts

    low = probe.ctx.config["numbering.low_water"]
    unused = unused_counts(probe.journal())
    names = {**{c: c for c in unused}, **ESSENTIAL_CERTIFICATES}
    detail = "空白证书剩余：" + ("，".join(f"{names[c]} {n} 张" for c, n in unused.items())
                               or "未录入")
    missing = [name for cert, name in ESSENTIAL_CERTIFICATES.items() if cert not in unused]
    return _supply("blank_stock", detail, list(unused.values()), missing, low,
                   "领取空白证书并录入其印制号段（或等省级系统下发）。")


def _supply(check: str, detail: str, counts: list[int], missing: list[str], low: int,
            hint: str) -> Result:
    """A supply that ran out fails; one that runs low, or was never received, warns."""
    if any(n <= 0 for n in counts):
        return Result(check, FAIL, detail + "；已用完", hint)
    if missing:
        return Result(check, WARN, detail + f"；没有{'、'.join(missing)}的", hint)
    if any(n <= low for n in counts):
        return Result(check, WARN, detail + f"；不足 {low}", hint)
    return Result(check, OK, detail)


def lock_holder(probe: Probe) -> str | None:
    """Who holds the data dir's single-instance lock, or None when it is free."""
    from counter_app.journal.errors import DataDirInUseError
    from counter_app.journal.lock import LOCK_FILE, DataDirLock, holder

    if not probe.data_dir.exists():
        return None
    try:
        DataDirLock.acquire(probe.data_dir, "counter-app doctor").release()
    except DataDirInUseError:
        who = holder(probe.data_dir / LOCK_FILE)
        return f"{who.get('program', '另一个程序')}（进程号 {who.get('pid', '?')}）"
    return None


def check_instance_lock(probe: Probe) -> Result:
    """The single-instance lock works; who holds it now (the open counter, normally)."""
    try:
        who = lock_holder(probe)
    except OSError as exc:
        return Result("instance_lock", FAIL, f"无法使用数据目录的单实例锁：{exc}",
                      "检查数据目录所在磁盘和权限；两个程序同时写同一数据目录会出错。")
    if who:
        return Result("instance_lock", OK, f"数据目录正由 {who} 使用（单实例锁有效）")
    return Result("instance_lock", OK, "数据目录未被其他程序占用，单实例锁可用")
