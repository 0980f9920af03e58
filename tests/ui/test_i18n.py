"""Ensure the screens have a complete English catalogue: every text the UI marks for
translation is in resources/translations/counter_app_en.ts and translated, the compiled .qm is
current, the app shows English when ui.language is 'en'."""

from __future__ import annotations

import importlib.util
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
i18n_script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(i18n_script)


def messages(ts: Path) -> list[tuple[str, str, str | None, str]]:
    root = ET.parse(ts).getroot()
    return [(ctx.findtext("name"), m.findtext("source"), m.find("translation").get("type"),
             m.findtext("translation") or "")
            for ctx in root.iter("context") for m in ctx.iter("message")]


def test_the_catalogue_has_every_text_the_screens_mark(tmp_path):
    copy = tmp_path / "counter_app_en.ts"
    shutil.copy(i18n_script.TS, copy)
    i18n_script.update(copy)
    assert messages(copy) == messages(i18n_script.TS), \
        "UI texts changed: run `.venv/bin/python scripts/i18n.py update`, translate, release"


def test_every_text_is_translated():
    untranslated = [(c, s) for c, s, kind, text in messages(i18n_script.TS)
                    if kind == "unfinished" or not text.strip()]
    assert not untranslated
    assert len(messages(i18n_script.TS)) > 5


def test_the_compiled_catalogue_is_current(tmp_path):
    qm = tmp_path / "en.qm"
    i18n_script.release(i18n_script.TS, qm)
    assert qm.read_bytes() == i18n_script.QM.read_bytes(), \
        "run `.venv/bin/python scripts/i18n.py release`"


@pytest.fixture
def english(qtbot):
    from counter_app.ui.application import create_application
    from counter_app.ui.i18n import install_translation

    app = create_application([])
    translator = install_translation(app, "en")
    assert translator is not None
    yield app
    app.removeTranslator(translator)


def test_the_login_screen_speaks_english_when_asked(english, qtbot, journal):
    from counter_app.operators import OperatorService
    from counter_app.ui.login import LoginPage

    page = LoginPage(OperatorService(journal))
    qtbot.addWidget(page)
    page.reset()
    assert page.title.text() == "Please log in"
    assert page.button.text() == "Log in (Enter)"
    page.submit()
    assert page.message.text() == "Enter your operator ID and password."


def test_an_unknown_language_stays_chinese(qtbot, caplog):
    from counter_app.ui.application import create_application
    from counter_app.ui.i18n import install_translation

    assert install_translation(create_application([]), "fr") is None
    assert "unknown ui.language" in caplog.text

