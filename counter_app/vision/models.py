"""The bundled model files: where they are, that they are intact, where they came from.

The files live in ``resources/models/`` and are described in ``resources/models/PROVENANCE.toml``
(source package and version, SHA-256, licence). Nothing is ever downloaded at run time.
A technician may point ``vision.models_dir`` (env ``COUNTER_APP_VISION_MODELS_DIR``) at
another directory holding the same files.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from pathlib import Path

from counter_app.resources import resource_path
from counter_app.vision.errors import ModelMissing

FACE_DETECTOR = "face_detector.tflite"
FACE_LANDMARKER = "face_landmarker.task"
DLIB_RESNET = "dlib_face_recognition_resnet_model_v1.dat"
DLIB_SHAPE5 = "shape_predictor_5_face_landmarks.dat"
ALL_MODELS = (FACE_DETECTOR, FACE_LANDMARKER, DLIB_RESNET, DLIB_SHAPE5)
ENV_MODELS_DIR = "COUNTER_APP_VISION_MODELS_DIR"


def bundled_models_dir() -> Path:
    """The models directory shipped with the application."""
    return resource_path("models")


def models_dir(override: str | os.PathLike | None = None) -> Path:
    """The directory models are loaded from: ``override``, else the env setting, else bundled."""
    chosen = override or os.environ.get(ENV_MODELS_DIR) or ""
    return Path(chosen) if str(chosen) else bundled_models_dir()


def model_path(name: str, directory: str | os.PathLike | None = None) -> Path:
    """The path of model ``name``; raises :class:`ModelMissing` when the file is absent."""
    path = models_dir(directory) / name
    if not path.is_file() or path.stat().st_size == 0:
        raise ModelMissing(
            f"缺少人脸识别模型文件 {name}，请联系技术人员重新安装本软件",
            detail=f"model file missing or empty: {path}",
        )
    return path


def read_model(name: str, directory: str | os.PathLike | None = None) -> bytes:
    """The bytes of model ``name`` (mediapipe gets buffers: its path API fails on non-ASCII
    Windows paths such as a user directory with Chinese characters)."""
    return model_path(name, directory).read_bytes()


def provenance(directory: str | os.PathLike | None = None) -> dict[str, dict]:
    """PROVENANCE.toml as ``{file name: {source, version, sha256, licence, ...}}``."""
    with open(models_dir(directory) / "PROVENANCE.toml", "rb") as fh:
        return tomllib.load(fh)["models"]


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_models(directory: str | os.PathLike | None = None) -> list[str]:
    """Problems with the model files (missing, wrong hash, undocumented); empty when all good."""
    problems = []
    try:
        entries = provenance(directory)
    except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        return [f"PROVENANCE.toml unreadable: {exc}"]
    for name in ALL_MODELS:
        if name not in entries:
            problems.append(f"{name}: not described in PROVENANCE.toml")
            continue
        path = models_dir(directory) / name
        if not path.is_file():
            problems.append(f"{name}: file missing")
        elif sha256_of(path) != entries[name]["sha256"]:
            problems.append(f"{name}: SHA-256 differs from PROVENANCE.toml")
    return problems
