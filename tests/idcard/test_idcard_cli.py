"""`counter-app idcard parse|read` and `counter-app devices`: the public CLI shapes, and bad
input ending in one Chinese line and a non-zero exit, never a traceback."""

from __future__ import annotations

import json

import pytest

from counter_app.cli import main
from drivers.idcard import protocol
from drivers.idcard.samples import SAMPLES
from idcard.test_textblock import JSON_FIELDS


def run(capsys, tmp_path, *argv):
    code = main(["--data-dir", str(tmp_path / "data"), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_text_block_json(capsys, tmp_path):
    path = tmp_path / "block.bin"
    path.write_bytes(SAMPLES["long_term"].files.text)
    code, out, _ = run(capsys, tmp_path, "idcard", "parse", str(path), "--json")
    data = json.loads(out)
    assert code == 0 and list(data) == JSON_FIELDS
    assert (data["name"], data["valid_until"], data["ethnicity"]) == (
        "赵㛃", "long-term", {"code": "01", "name": "汉"})


@pytest.mark.parametrize("with_fp", [False, True])
def test_parse_whole_read_frame(capsys, tmp_path, with_fp):
    frame = protocol.build_response(0x90, protocol.build_read_data(SAMPLES["foreign_2023"].files,
                                                                   with_fp))
    path = tmp_path / "frame.bin"
    path.write_bytes(frame)
    code, out, _ = run(capsys, tmp_path, "idcard", "parse", str(path), "--json")
    assert code == 0 and json.loads(out)["card_type"] == "foreign_2023"


def test_parse_human_output(capsys, tmp_path):
    path = tmp_path / "block.bin"
    path.write_bytes(SAMPLES["minority"].files.text)
    code, out, _ = run(capsys, tmp_path, "idcard", "parse", str(path))
    assert code == 0 and "姓名: 阿依古丽·买买提" in out and "民族: 维吾尔（05）" in out


@pytest.mark.parametrize("content", [
    b"", b"not a card", bytes(255),
    protocol.build_response(0x41),                       # a failed read captured from the line
    protocol.build_response(0x90, b"\x01\x00\x00\x00"),  # lengths that do not add up
    protocol.PREAMBLE + b"\x00\x05\x90\x00",             # a cut-off frame
])
def test_bad_files_give_one_line_and_exit_2(capsys, tmp_path, content):
    path = tmp_path / "bad.bin"
    path.write_bytes(content)
    code, out, err = run(capsys, tmp_path, "idcard", "parse", str(path), "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("错误 error: ") and "Traceback" not in err


def test_unknown_card_type_and_missing_file(capsys, tmp_path):
    block = bytearray(SAMPLES["resident"].files.text)
    block[248:250] = b"X\x00"
    path = tmp_path / "x.bin"
    path.write_bytes(bytes(block))
    code, _, err = run(capsys, tmp_path, "idcard", "parse", str(path))
    assert code == 2 and "58 00" in err
    code, _, err = run(capsys, tmp_path, "idcard", "parse", str(tmp_path / "missing.bin"))
    assert code == 2 and "无法读取文件" in err and err.count("\n") == 1


def test_read_from_the_simulator(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "idcard", "read", "--port",
                       "samsim://?card=hmt&fault=garbage:find", "--json")
    data = json.loads(out)
    assert code == 0 and list(data) == JSON_FIELDS and data["permit_number"] == "H12345678"


def test_read_without_a_card_times_out_cleanly(capsys, tmp_path):
    code, out, err = run(capsys, tmp_path, "idcard", "read", "--port", "samsim://",
                         "--timeout", "0.3")
    assert code == 2 and out == "" and "没有读到证件" in err and err.count("\n") == 1


def test_read_from_a_missing_port(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path, "idcard", "read", "--port", "/dev/nonexistent-ttyQ",
                       "--timeout", "0.2")
    assert code == 2 and "无法打开读卡器端口" in err


def test_devices_works_without_hardware(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "devices", "--json")
    rows = json.loads(out)
    assert code == 1  # no device of any kind the counter needs is usable here
    kinds = {r["kind"] for r in rows}
    assert {"card_reader", "camera", "printer"} <= kinds
    assert all({"kind", "backend", "name", "address", "status", "detail"} <= set(r) for r in rows)
    code, out, _ = run(capsys, tmp_path, "devices")
    assert code == 1 and "card_reader" in out


def test_devices_probes_the_configured_port(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("COUNTER_APP_DRIVERS_IDCARD_PORT", "samsim://?card=resident")
    code, out, _ = run(capsys, tmp_path, "devices", "--json")
    serial_rows = [r for r in json.loads(out) if r["backend"] == "sam-serial"]
    assert code == 1 and serial_rows[0]["status"] == "ok"  # a reader, but no camera etc.
    assert serial_rows[0]["address"] == "samsim://?card=resident"


@pytest.mark.skipif(not hasattr(__import__("os"), "openpty"), reason="pty is POSIX only")
def test_read_from_a_pty_device_path(capsys, tmp_path):
    from drivers.idcard.simulator import PtyServer, SamSimulator

    sim = SamSimulator()
    sim.insert("foreign_2017")
    server = PtyServer(sim)
    try:
        code, out, _ = run(capsys, tmp_path, "idcard", "read", "--port", server.path, "--json")
    finally:
        server.close()
    assert code == 0 and json.loads(out)["nationality"] == "USA"
