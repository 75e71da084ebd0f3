"""Switching the language live: every page, in its typical state, reads exactly as if it had been built in the
new language (every label, button, placeholder, tooltip, accessible name and table header), and back again."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QLocale, QModelIndex, Qt, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
    QWizardPage,
)
from pytestqt.qtbot import QtBot
from test_accessibility import (  # noqa: F401  (fixtures the builders ask for)
    BUILDERS,
    Built,
    backend,
    contoso,
    journal,
)

from c2t_wizard.ui import application

pytestmark = pytest.mark.filterwarnings(
    "ignore:This class is deprecated:DeprecationWarning:msgraph.generated.*"
)

WAIT = 20_000
PAGES = [name for name in BUILDERS if name != "history"]

HEADER_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
)

ITEM_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
)


def _model_texts(name: str, model: QAbstractItemModel) -> set[str]:
    texts: set[str] = set()
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
    for section in range(columns):
        for role in HEADER_ROLES:
            value = model.headerData(section, Qt.Orientation.Horizontal, role)
            if isinstance(value, str) and value:
                texts.add(f"{name} header {section} {role.name}: {value}")
    if isinstance(model, QAbstractListModel):  # a list's items (free names, problems) are words too
        for row in range(model.rowCount(QModelIndex())):
            for role in ITEM_ROLES:
                value = model.data(model.index(row, 0), role)
                if isinstance(value, str) and value:
                    texts.add(f"{name} item {row} {role.name}: {_same_state(value)}")
    return texts


def _same_state(text: str) -> str:
    """``text`` without the random tags each build gives its names (c2tsignup5f3e9a01, anna.1b2c3d4e)."""
    return re.sub(r"[0-9a-f]{8,}", "<tag>", text)


def texts_of(root: QWidget) -> set[str]:
    """Every user-facing text the page shows now, each tagged with where it is."""
    texts: set[str] = set()
    if isinstance(root, QWizardPage):
        texts.add(f"title: {root.title()}")
        texts.add(f"subtitle: {root.subTitle()}")
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        name = widget.objectName() or type(widget).__name__
        found: list[tuple[str, str]] = [
            ("toolTip", widget.toolTip()),
            ("accessibleName", widget.accessibleName()),
            ("accessibleDescription", widget.accessibleDescription()),
        ]
        if isinstance(widget, QLabel | QAbstractButton):
            found.append(("text", widget.text()))
        if isinstance(widget, QAbstractButton) and (menu := getattr(widget, "menu", lambda: None)()):
            found.extend(("menu", action.text()) for action in menu.actions())
        if isinstance(widget, QComboBox):
            found.extend(("item", widget.itemText(item)) for item in range(widget.count()))
        if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
            found.append(("placeholderText", widget.placeholderText()))
        texts.update(f"{name} {what}: {_same_state(text)}" for what, text in found if text)
        if (
            isinstance(widget, QAbstractItemView)
            and not isinstance(widget, QHeaderView)
            and widget.model() is not None
        ):
            texts.update(_model_texts(name, widget.model()))
    return texts


class Language:
    """The application's language, switched the way the app switches it (translators out, new ones in)."""

    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._installed: list[QTranslator] = []
        self._default = QLocale()

    def switch(self, language: str) -> None:
        self.remove()
        self._installed = application.install_translations(self._app, language)
        self._app.processEvents()

    def remove(self) -> None:
        for translator in self._installed:
            self._app.removeTranslator(translator)
            translator.deleteLater()
        self._installed = []
        QLocale.setDefault(self._default)
        self._app.processEvents()


@pytest.fixture
def language(qapp: QApplication) -> Iterator[Language]:
    switcher = Language(qapp)
    try:
        yield switcher
    finally:
        switcher.remove()


def _build(name: str, qtbot: QtBot, request: pytest.FixtureRequest) -> Built:
    built = BUILDERS[name](qtbot, request)
    if name == "credentials":  # the same state both times: the day's mail limit (Contoso's address) is known
        notice = built.root.findChild(QWidget, "mail_cap_notice")
        assert notice is not None
        qtbot.waitUntil(notice.isVisible, timeout=WAIT)
    QApplication.processEvents()
    return built


def _differences(switched: set[str], fresh: set[str]) -> list[str]:
    return sorted(f"- {text}" for text in switched - fresh) + sorted(f"+ {text}" for text in fresh - switched)


@pytest.mark.parametrize("name", PAGES)
def test_switching_the_language_rewords_the_whole_page(
    name: str, qtbot: QtBot, request: pytest.FixtureRequest, language: Language
) -> None:
    language.switch("en")  # as the app starts in English: its catalog of plural forms installed
    english = _build(name, qtbot, request)
    try:
        in_english = texts_of(english.root)
        language.switch("de")
        switched_to_german = texts_of(english.root)
    finally:
        english.close()

    german = _build(name, qtbot, request)
    try:
        built_in_german = texts_of(german.root)
        assert switched_to_german != in_english, "nothing was translated"
        wrong = _differences(switched_to_german, built_in_german)
        assert not wrong, "switched to German (-) but built in German (+):\n" + "\n".join(wrong)
        language.switch("en")
        wrong = _differences(texts_of(german.root), in_english)
        assert not wrong, "switched back to English (-) but built in English (+):\n" + "\n".join(wrong)
    finally:
        german.close()
