"""Demo mode's card tray: pick a scripted person's card and it is put on the simulated reader
(which then answers in the reader's own protocol, like a real card on a real reader)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget


def demo_card_tray(parent: QWidget, cards: dict[str, str],
                   insert: Callable[[str], None]) -> QHBoxLayout:
    """A labelled combo box (object name ``demo-card-tray``) of ``cards`` (key -> label);
    choosing one calls ``insert(key)``."""
    translate = QCoreApplication.translate
    tray = QComboBox(parent)
    tray.setObjectName("demo-card-tray")
    tray.addItem(translate("DemoCardTray", "（演示）选择放到读卡器上的证件……"), "")
    for key, label in cards.items():
        tray.addItem(label, key)
    tray.activated.connect(lambda i: tray.itemData(i) and insert(tray.itemData(i)))
    row = QHBoxLayout()
    row.addWidget(QLabel(translate("DemoCardTray", "演示读卡器："), parent))
    row.addWidget(tray, 1)
    return row
