"""The bundled models are the files PROVENANCE.toml describes, and a missing one is reported."""

import shutil

import pytest

from counter_app.vision import models
from counter_app.vision.errors import ModelMissing


def test_every_bundled_model_matches_its_provenance():
    entries = models.provenance()
    assert set(models.ALL_MODELS) <= set(entries)
    for name in models.ALL_MODELS:
        entry = entries[name]
        for key in ("source_package", "source_version", "sha256", "licence"):
            assert entry.get(key), f"{name}: {key} missing in PROVENANCE.toml"
        assert models.sha256_of(models.model_path(name)) == entry["sha256"], name
    assert models.verify_models() == []


def test_a_changed_or_missing_model_is_reported(tmp_path):
    for name in ("PROVENANCE.toml", models.FACE_DETECTOR, models.DLIB_SHAPE5):
        shutil.copy(models.bundled_models_dir() / name, tmp_path / name)
    (tmp_path / models.FACE_DETECTOR).write_bytes(b"not a model")
    problems = models.verify_models(tmp_path)
    assert f"{models.FACE_DETECTOR}: SHA-256 differs from PROVENANCE.toml" in problems
    assert f"{models.FACE_LANDMARKER}: file missing" in problems
    assert not any(p.startswith(models.DLIB_SHAPE5) for p in problems)


def test_model_missing_raises_a_chinese_error(tmp_path, monkeypatch):
    monkeypatch.setenv(models.ENV_MODELS_DIR, str(tmp_path))
    with pytest.raises(ModelMissing) as info:
        models.model_path(models.FACE_LANDMARKER)
    assert "缺少人脸识别模型文件" in info.value.message_zh
    assert info.value.code == "vision.model_missing"
