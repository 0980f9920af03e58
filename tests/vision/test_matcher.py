"""1:1 verification with the shipped dlib backend on real photographs, and the backend slot."""

import numpy as np
import pytest

from counter_app.vision import matcher as matching
from counter_app.vision.errors import ModelMissing, NoFace, VisionError

from .synthetic import chip_photo


def test_two_photos_of_one_person_match(matcher, images):
    result = matcher.compare(images("obama.jpg"), images("obama2.jpg"))
    assert result.same_person and result.score >= result.threshold
    assert result.backend == "dlib-resnet-v1"
    assert result.advice.startswith("系统判断为同一人")


def test_different_people_do_not_match(matcher, images):
    for a, b in (("obama.jpg", "biden.jpg"), ("astronaut.jpg", "obama2.jpg")):
        result = matcher.compare(images(a), images(b))
        assert not result.same_person and result.score < result.threshold - 0.2, (a, b)
        assert "人工核验" in result.advice


def test_live_face_matches_a_small_degraded_chip_photo(matcher, pipeline, images):
    live = images("obama.jpg")
    chip = chip_photo(images("obama2.jpg"), pipeline.analyse(images("obama2.jpg")).primary.box)
    assert chip.shape == (126, 102, 3)
    result = matcher.compare(live, chip)
    assert result.same_person, result
    impostor = chip_photo(images("biden.jpg"), pipeline.analyse(images("biden.jpg")).primary.box)
    assert not matcher.compare(live, impostor).same_person


def test_result_json_shape(matcher, images):
    shape = matcher.compare(images("obama.jpg"), images("obama.jpg")).as_dict()
    assert set(shape) == {"score", "same_person", "threshold", "backend", "advice"}
    assert shape["score"] == pytest.approx(1.0, abs=0.01) and shape["same_person"] is True


def test_image_without_a_face_names_which_image(matcher, images):
    with pytest.raises(NoFace) as info:
        matcher.compare(images("obama.jpg"), images("page.png"))
    assert info.value.message_zh == "证件照片中未检测到人脸，无法比对"


def test_score_mapping_and_advice_near_the_threshold():
    assert matching.distance_to_score(0.3) == pytest.approx(0.7)
    assert matching.distance_to_score(1.7) == 0.0 and matching.distance_to_score(np.inf) == 0.0
    assert "把握不大" in matching.advice_for(True, 0.57, 0.55)
    assert "差距不大" in matching.advice_for(False, 0.53, 0.55)


def test_vendor_slot_and_unknown_backend(tmp_path):
    with pytest.raises(VisionError) as info:
        matching.open_matcher("vendor")
    assert info.value.code == "vision.no_vendor"
    with pytest.raises(VisionError) as info:
        matching.open_matcher("nonsense")
    assert "未知的人脸比对方式" in info.value.message_zh and "dlib" in info.value.message_zh


def test_a_registered_vendor_backend_is_used(monkeypatch):
    class CertifiedDevice(matching.FaceMatcher):
        name, threshold = "vendor-demo", 0.8

        def __init__(self, models_dir=None):
            self.calls = 0

        def compare(self, live, reference):
            self.calls += 1
            score = 0.9 if np.array_equal(live, reference) else 0.1
            return matching.MatchResult(score, score >= self.threshold, self.threshold,
                                        self.name, matching.advice_for(score >= 0.8, score, 0.8))

    monkeypatch.setitem(matching._BACKENDS, "vendor", CertifiedDevice)
    device = matching.open_matcher("vendor")
    img = np.zeros((4, 4, 3), np.uint8)
    assert device.compare(img, img).same_person and device.calls == 1


def test_missing_dlib_model(tmp_path):
    with pytest.raises(ModelMissing):
        matching.open_matcher("dlib", models_dir=tmp_path)


def test_reference_descriptor_computed_once(matcher, images):
    reference = matcher.embed(images("obama2.jpg"), "证件照片")
    assert reference.shape == (128,)
    direct = matcher.compare(images("obama.jpg"), images("obama2.jpg"))
    prepared = matcher.compare_descriptor(images("obama.jpg"), reference)
    assert prepared.score == pytest.approx(direct.score, abs=1e-6)


def test_the_record_keeps_the_registrars_decision_with_the_advice():
    result = matching.MatchResult(0.42, False, 0.5, "dlib-resnet-v1",
                                  matching.advice_for(False, 0.42, 0.5))
    payload = result.record("confirmed", reason="证件照片为十年前拍摄，人工比对一致")
    assert payload["decision"] == "confirmed"
    assert payload["advice"]["same_person"] is False and payload["advice"]["score"] == 0.42
    with pytest.raises(ValueError):
        result.record("maybe")
