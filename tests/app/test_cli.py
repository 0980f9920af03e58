"""Ensure the command line's basics: version, help, errors without tracebacks."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "journal"))
from tampering import run_cli  # noqa: E402

from counter_app import __version__  # noqa: E402


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"counter-app {__version__}"


def test_help_lists_the_journal_commands():
    result = run_cli("journal", "--help")
    assert result.returncode == 0
    for action in ("verify", "stress", "rebuild"):
        assert action in result.stdout


def test_a_bad_config_file_is_one_clear_line(tmp_path):
    bad = tmp_path / "c.toml"
    bad.write_text("[log]\nlevel = 'LOUD'\n", encoding="utf-8")
    result = run_cli("--config", str(bad), "journal", "verify", data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "log.level" in result.stderr


def test_stress_then_verify_and_rebuild(tmp_path):
    result = run_cli("journal", "stress", "--entries", "4", "--attachment-every", "2",
                     data_dir=tmp_path)
    lines = result.stdout.splitlines()
    assert [line.split()[1] for line in lines] == ["1", "2", "3", "4"]
    assert all(len(line.split()[2]) == 64 for line in lines)
    assert run_cli("journal", "verify", data_dir=tmp_path).stdout == "ok 4 entries, last seq 4\n"
    assert run_cli("journal", "rebuild", data_dir=tmp_path).returncode == 0


def test_config_show_names_sources(tmp_path):
    result = run_cli("config", "show", data_dir=tmp_path)
    assert "journal.key_store = 'file'" in result.stdout
    assert "COUNTER_APP_JOURNAL_KEY_STORE" in result.stdout


def test_a_closed_pipe_is_not_an_error(tmp_path):
    import os
    import subprocess
    env = dict(os.environ, COUNTER_APP_JOURNAL_KEY_STORE="file")
    proc = subprocess.Popen([sys.executable, "-m", "counter_app", "--data-dir", str(tmp_path),
                             "journal", "stress", "--entries", "100000"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout.readline().startswith(b"committed 1 ")
    proc.stdout.close()  # like `| head -1`
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""


def test_demo_mode_uses_the_simulators_unless_configured(tmp_path):
    import json
    shown = json.loads(run_cli("--demo", "config", "show", "--json", data_dir=tmp_path).stdout)
    assert shown["values"]["printing.receipt_printer"] == "simulator"
    assert shown["values"]["camera.portrait_source"].startswith("simulator:")
    assert shown["values"]["camera.portrait_source"].endswith("portrait.playlist")
    assert shown["sources"]["camera.document_source"] == "demo"
    plain = json.loads(run_cli("config", "show", "--json", data_dir=tmp_path).stdout)
    assert plain["values"]["printing.receipt_printer"] == ""


def test_devices_lists_every_kind_without_hardware(tmp_path):
    import json
    rows = json.loads(run_cli("devices", "--json", data_dir=tmp_path).stdout)
    kinds = {r["kind"] for r in rows}
    assert {"card_reader", "camera", "document_camera", "printer", "signature_pad"} <= kinds
    printer = next(r for r in rows if r["kind"] == "printer")
    assert printer["status"] == "absent" and "printing.receipt_printer" in printer["detail"]
    assert not any(r["backend"] == "simulator" for r in rows), "simulators only in demo mode"


def test_devices_exits_1_unless_every_expected_kind_has_a_usable_device(tmp_path):
    assert run_cli("devices", data_dir=tmp_path).returncode == 1  # no hardware here
    demo = run_cli("--demo", "devices", data_dir=tmp_path)  # a simulator for every kind
    assert demo.returncode == 0, demo.stdout
