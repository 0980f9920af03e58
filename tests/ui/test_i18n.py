"""Ensure the screens have a complete English catalogue: every text the UI marks for
translation is in resources/translations/counter_app_en.ts and translated, the compiled .qm is
current, the app shows English when ui.language is 'en', and no Chinese text in counter_app/ui
escapes translation."""

from __future__ import annotations

import ast
import importlib.util
import re
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


def test_the_role_names_marked_for_translation_are_the_domains():
    from counter_app.domain.party import ROLE_ZH
    from counter_app.ui.i18n import ROLE_NAMES, role_name

    assert ROLE_NAMES == {role: ROLE_ZH[role] for role in ("man", "woman")}
    assert role_name("woman") == "女方"  # no catalogue loaded: the source language


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


CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
TRANSLATORS = {"tr", "translate", "QT_TRANSLATE_NOOP", "QT_TR_NOOP"}


def untranslated_literals(path: Path) -> list[str]:
    """Chinese string literals of ``path`` that are not marked for translation. Allowed:
    docstrings, error messages (``raise``: message_zh is Chinese by design), and constants
    named ``*_ZH`` (text recorded in the journal or printed, which stays Chinese)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and CJK.search(node.value) and not _allowed(node, parents):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:30]!r}")
    return found


def _allowed(node, parents) -> bool:
    parent = parents.get(node)
    if isinstance(parent, ast.Expr) and parent is getattr(parents.get(parent), "body", [None])[0]:
        return True                                           # a docstring
    while parent is not None:
        if isinstance(parent, ast.Call):
            func = parent.func
            if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) \
                    in TRANSLATORS:
                return True
        if isinstance(parent, ast.Raise):
            return True
        if isinstance(parent, (ast.Assign, ast.AnnAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            return any(getattr(t, "id", "").endswith("_ZH") for t in targets)
        parent = parents.get(parent)
    return False


def test_no_chinese_text_on_screen_escapes_translation():
    found = [line for path in sorted((ROOT / "counter_app" / "ui").rglob("*.py"))
             for line in untranslated_literals(path)]
    assert not found, "wrap these in self.tr() (or name the constant *_ZH):\n" + \
        "\n".join(found)


def test_the_counter_speaks_english_from_home_to_a_case(english, qtbot, demo_window):
    """A maintainer's English session: home, a marriage intake, the case page."""
    from PySide6.QtCore import Qt

    try:
        from tests.ui.test_marriage_intake import answer_all, read_and_confirm
    except ImportError:
        from test_marriage_intake import answer_all, read_and_confirm

    window = demo_window()
    home = window.home_page
    buttons = [b.text() for b in home.findChildren(type(window.login_page.button))]
    assert "New marriage registration (F2)" in buttons
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert window.intake_page.party.title.text() == "Party 1"
    read_and_confirm(qtbot, window, "resident", "王䶮")
    read_and_confirm(qtbot, window, "long_term", "赵㛃")
    answer_all(qtbot, window)
    result = window.intake_page.result
    qtbot.waitUntil(lambda: window.intake_page.steps.currentWidget() is result, timeout=5000)
    assert result.headline.text() == "Accepted"
    qtbot.keyClick(result.proceed, Qt.Key.Key_Return)
    assert window.case_page.action.text() == "Photos and identity checks (F7)"
