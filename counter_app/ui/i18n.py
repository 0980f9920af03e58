"""The screens' languages: Simplified Chinese in the source, English from a Qt catalogue.

UI text is written in Chinese inside ``self.tr()`` (or ``QT_TRANSLATE_NOOP`` for constants);
``scripts/i18n.py update`` collects it with Qt's lupdate into
resources/translations/counter_app_en.ts, which translators edit with Qt Linguist, and
``scripts/i18n.py release`` compiles the .qm the app loads. Only what the screens themselves
say is translated: printed forms, journal records and the business rules' messages are legal
Chinese text and stay so.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTranslator

from counter_app.domain.party import ROLE_ZH
from counter_app.resources import resource_path

log = logging.getLogger(__name__)

#: Language setting -> compiled catalogue (None: the source language, nothing to load).
CATALOGUES = {"zh_CN": None, "en": "counter_app_en.qm"}


def install_translation(app: QCoreApplication, language: str) -> QTranslator | None:
    """Load ``language``'s catalogue into ``app``; returns the translator (keep it alive; pass
    it to ``app.removeTranslator`` to go back to Chinese). Unknown or missing catalogues log a
    warning and leave the screens in Chinese, which every registrar reads."""
    if language not in CATALOGUES:
        log.warning("unknown ui.language %r: screens stay in Chinese", language)
        return None
    name = CATALOGUES[language]
    if name is None:
        return None
    translator = QTranslator(app)
    if not translator.load(str(resource_path("translations", name))):
        log.warning("translation catalogue %s could not be loaded", name)
        return None
    app.installTranslator(translator)
    return translator


def translate(context: str, text: str) -> str:
    """The current language's text for a constant marked with QT_TRANSLATE_NOOP(context, …)."""
    return QCoreApplication.translate(context, text)


#: Names the screens use everywhere (the journal and the forms keep the Chinese ones). The
#: roles' are counter_app.domain.party.ROLE_ZH, spelled again only for lupdate to collect them
#: (tests/ui/test_i18n.py checks that the two agree).
ROLE_NAMES = {"man": QT_TRANSLATE_NOOP("Names", "男方"), "woman": QT_TRANSLATE_NOOP("Names", "女方")}
CERTIFICATE_NAMES = {"marriage": QT_TRANSLATE_NOOP("Names", "结婚证"),
                     "divorce": QT_TRANSLATE_NOOP("Names", "离婚证")}


def role_name(role: str) -> str:
    """男方 / 女方 in the screen's language."""
    return translate("Names", ROLE_ZH[role])


def certificate_name(kind: str) -> str:
    """结婚证 / 离婚证 in the screen's language."""
    return translate("Names", CERTIFICATE_NAMES[kind])


#: The case steps' button labels (counter_app.wiring.services.Services.case_steps), for the
#: catalogue.
STEP_LABELS = (QT_TRANSLATE_NOOP("CaseSteps", "现场拍照与人证核验（F7）"),
               QT_TRANSLATE_NOOP("CaseSteps", "当事人签署声明书（F10）"),
               QT_TRANSLATE_NOOP("CaseSteps", "高拍仪拍摄证件材料（F11）"))


def step_label(label: str) -> str:
    """A case step's button label in the screen's language."""
    return translate("CaseSteps", label)
