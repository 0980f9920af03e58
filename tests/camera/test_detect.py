"""Camera detection from a V4L2 sysfs tree (as a UVC camera and a document camera show it)."""

from drivers.camera import detect


def make_sysfs(tmp_path, nodes):
    for number, (index, name) in nodes.items():
        node = tmp_path / f"video{number}"
        node.mkdir()
        (node / "index").write_text(f"{index}\n")
        (node / "name").write_text(f"{name}\n")
    return tmp_path


def test_capture_nodes_are_listed_and_metadata_nodes_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(detect.sys, "platform", "linux")
    sysfs = make_sysfs(tmp_path, {0: (0, "HD USB Camera"), 1: (1, "HD USB Camera"),
                                  2: (0, "Document Camera"), 3: (1, "Document Camera")})
    rows = detect.detect_cameras(sysfs)
    assert [(r.address, r.name, r.status) for r in rows] == [
        ("0", "HD USB Camera", "ok"), ("2", "Document Camera", "ok")]
    assert detect.detect_document_camera("2", sysfs)[0].status == "ok"
    missing = detect.detect_document_camera("4", sysfs)[0]
    assert missing.status == "absent" and "camera.document_source" in missing.detail


def test_no_camera_is_one_absent_row(tmp_path, monkeypatch):
    monkeypatch.setattr(detect.sys, "platform", "linux")
    rows = detect.detect_cameras(tmp_path / "none")
    assert len(rows) == 1 and rows[0].status == "absent" and "USB" in rows[0].detail


def test_url_source_and_simulators():
    row = detect.detect_document_camera("rtsp://192.0.2.1/doc")[0]
    assert row.status == "ok" and row.address == "rtsp://192.0.2.1/doc"
    assert [r.kind for r in detect.detect_camera_simulator()] == ["camera"]
    assert [r.kind for r in detect.detect_document_camera_simulator()] == ["document_camera"]
    assert detect.detect_document_camera("simulator") == []  # the simulator row says it
