"""Ensure `counter-app doctor` reports each check with a status and a Chinese hint, exits 1
unless all are ok, never creates a journal, and that its checks see what is really there: a
whole or broken journal, the key beside the data, number blocks and blank stock, the clock
against the simulator on loopback (and offline), a check that raises."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.journals import open_test_journal

from counter_app.cli import build_parser, main, make_context
from counter_app.doctor import data, province, registry
from counter_app.doctor.probe import Probe
from drivers.registry import EXPECTED_KINDS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "journal"))
from tampering import raw_sql, run_cli  # noqa: E402

CHINESE = re.compile(r"[\u4e00-\u9fff]")
DOCUMENTED = ({c.name for c in registry.CHECKS} - {"devices"}
              | {f"device.{kind}" for kind in EXPECTED_KINDS})


def enrolled_at_simulator(folder: Path, spec: str = ""):
    """A data dir enrolled with a real simulator on 127.0.0.1 (the simulator is returned
    running; stop it)."""
    from sync import enrolment
    from sync.simulator import faults
    from sync.simulator.server import SimulatorServer
    from sync.transport import Transport

    sim = SimulatorServer(folder / "sim", faults=faults.parse(spec)).start()
    with open_test_journal(folder / "data") as journal:
        enrolment.enroll(folder / "data", journal, lambda u, c: Transport(u, c), sim.url,
                         "110101")
    return sim


def probe_for(data_dir: Path, *extra: str) -> Probe:
    """The doctor's probe on ``data_dir`` (the Qt checks are not run by these tests)."""
    args = build_parser().parse_args(["--data-dir", str(data_dir), *extra, "doctor"])

    def no_qt():
        raise AssertionError("the Qt report is not part of this test")

    return Probe(make_context(args), no_qt)


def test_a_fresh_counter_is_reported_check_by_check_without_creating_a_journal(tmp_path):
    result = run_cli("doctor", "--json", data_dir=tmp_path, timeout=300)
    assert result.returncode == 1, result.stderr
    rows = json.loads(result.stdout)
    assert all(list(row) == ["check", "status", "detail", "hint"] for row in rows)
    assert [row["check"] for row in rows if row["check"] in DOCUMENTED] == \
        [row["check"] for row in rows]
    assert {row["check"] for row in rows} == DOCUMENTED
    for row in rows:
        assert row["status"] in ("ok", "warn", "fail") and CHINESE.search(row["detail"])
        assert (row["hint"] == "") == (row["status"] == "ok"), row
        assert row["status"] == "ok" or CHINESE.search(row["hint"]), row
    status = {row["check"]: row["status"] for row in rows}
    assert status["version"] == status["disk_space"] == status["models"] == "ok"
    assert status["journal"] == status["enrolment"] == "warn"
    assert status["instance_lock"] == "ok"
    assert not (tmp_path / "journal.db").exists() and not (tmp_path / "keys").exists()


def test_exit_0_only_when_every_check_is_ok(tmp_path, monkeypatch, capsys):
    ok_only = tuple(c for c in registry.CHECKS if c.name in ("version", "disk_space"))
    monkeypatch.setattr(registry, "CHECKS", ok_only)
    assert main(["--data-dir", str(tmp_path), "doctor"]) == 0
    assert "全部正常" in capsys.readouterr().out
    monkeypatch.setattr(registry, "CHECKS", ok_only + (
        registry.Check("journal", "counter_app.doctor.data:check_journal"),))
    assert main(["--data-dir", str(tmp_path), "doctor"]) == 1  # no journal yet: a warning


def test_a_check_that_raises_is_a_failed_row_and_the_others_still_run(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "CHECKS", (
        registry.Check("broken", "counter_app.doctor.no_such_module:check"),
        registry.Check("version", "counter_app.doctor.install:check_version")))
    rows = registry.run_all(probe_for(tmp_path))
    assert [(r.check, r.status) for r in rows] == [("broken", "fail"), ("version", "ok")]
    assert "检查出错" in rows[0].detail and rows[0].hint


def test_a_whole_journal_with_numbers_stock_and_its_key_outside_the_data(tmp_path):
    from counter_app.numbering import blocks, stock

    with open_test_journal(tmp_path, staff=True) as journal:
        year = 2026
        blocks.receive_block(journal, block_id="b1", prefix="J", division_code="110101",
                             year=year, first_serial=1, last_serial=100, operator="boss")
        blocks.receive_block(journal, block_id="b2", prefix="L", division_code="110101",
                             year=year, first_serial=1, last_serial=10, operator="boss")
        stock.receive_range(journal, range_id="r1", certificate="marriage", first="A0000001",
                            last="A0000200", operator="boss")
    probe = probe_for(tmp_path)
    probe.ctx.today = lambda: __import__("datetime").date(year, 5, 20)
    try:
        assert data.check_journal(probe).status == "ok"
        key = data.check_key_store(probe)
        assert key.status == "ok" and "不在数据目录内" in key.detail
        assert str(data.key_location(probe)[1]) in key.detail
        numbers = data.check_number_blocks(probe)
        assert numbers.status == "warn" and "J110101 100 个" in numbers.detail \
            and "L110101 10 个" in numbers.detail  # L is below the low-water mark of 50
        blanks = data.check_blank_stock(probe)
        assert blanks.status == "warn" and "结婚证 200 张" in blanks.detail \
            and "离婚证" in blanks.detail  # no divorce blanks received
        assert province.check_sync_backlog(probe).status == "ok"  # minutes old, not days
    finally:
        probe.close()


def test_a_tampered_journal_fails_and_a_missing_one_is_not_a_fresh_start(tmp_path):
    with open_test_journal(tmp_path) as journal:
        journal.append("test.note", {"n": 1}, operator="t")
    raw_sql(tmp_path, "UPDATE entries SET payload = '{\"n\":2}' WHERE seq = 1")
    probe = probe_for(tmp_path)
    try:
        result = data.check_journal(probe)
    finally:
        probe.close()
    assert result.status == "fail" and "损坏" in result.detail and "联系技术支持" in result.hint
    (tmp_path / "journal.db").rename(tmp_path / "moved.db")
    missing = probe_for(tmp_path)
    assert data.check_journal(missing).status == "fail"
    assert data.check_key_store(missing).status == "ok"  # the key is still there, outside
    data.key_location(missing)[1].unlink()
    assert data.check_key_store(probe_for(tmp_path)).status == "fail"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_a_key_file_others_can_read_fails(tmp_path):
    open_test_journal(tmp_path).close()
    probe = probe_for(tmp_path)
    data.key_location(probe)[1].chmod(0o644)
    result = data.check_key_store(probe)
    assert result.status == "fail" and "chmod 600" in result.hint


def test_the_lock_check_names_the_program_holding_the_data_dir(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from counter_app.journal.lock import DataDirLock;"
         " DataDirLock.acquire(sys.argv[1], 'counter-app GUI'); print('held', flush=True);"
         " time.sleep(60)", str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = data.check_instance_lock(probe_for(tmp_path))
    finally:
        holder.kill()
        holder.wait()
    assert result.status == "ok" and "counter-app GUI" in result.detail
    assert str(holder.pid) in result.detail
    assert "未被其他程序占用" in data.check_instance_lock(probe_for(tmp_path)).detail


@pytest.mark.integration
@pytest.mark.parametrize(("skew_s", "status"), [(0, "ok"), (120, "warn"), (900, "fail")])
def test_the_clock_against_the_simulator(tmp_path, skew_s, status):
    sim = enrolled_at_simulator(tmp_path, f"skew_s={skew_s}")
    probe = probe_for(tmp_path / "data")
    try:
        assert province.check_enrolment(probe).status == "ok"
        result = province.check_clock(probe)
    finally:
        probe.close()
        sim.stop()
    assert result.status == status, result
    offset = float(re.search(r"相差 ([+-][0-9.]+) 秒", result.detail)[1])
    assert abs(offset - skew_s) < 5


@pytest.mark.integration
def test_an_unreachable_province_is_a_warning_not_a_crash(tmp_path):
    enrolled_at_simulator(tmp_path).stop()
    probe = probe_for(tmp_path / "data")
    try:
        result = province.check_clock(probe)
    finally:
        probe.close()
    assert result.status == "warn" and "无法连接省级系统" in result.detail
